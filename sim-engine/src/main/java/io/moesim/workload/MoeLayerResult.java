package io.moesim.workload;

import io.moesim.engine.SimulationResult;

/**
 * One MoE layer's forward on its group.
 *
 * @param layerTimeMs   wall time of the layer
 * @param exposedCommMs layer time minus compute-busy time
 * @param computeMs     compute-busy time
 * @param chunks        pipelining degree used (1 = no overlap)
 * @param commSms       SMs given to communication kernels while they overlap compute
 * @param simulation    the engine run (one representative GPU), for traces
 */
public record MoeLayerResult(double layerTimeMs, double exposedCommMs, double computeMs, int chunks, int commSms,
                             SimulationResult simulation) {
}
