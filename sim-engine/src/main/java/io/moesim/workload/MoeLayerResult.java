package io.moesim.workload;

import io.moesim.engine.SimulationResult;

/**
 * One MoE layer's forward on its group.
 *
 * <p>The layer runs router → layer 0 → activation → layer 1, one after another; {@code layerTimeMs} is their
 * sum. Layer 0 and layer 1 are what Flux/Comet time as "MoE layer0" (all-gather + scatter + first grouped
 * GEMM) and "MoE layer1" (second grouped GEMM + top-k reduce + reduce-scatter); the router and the
 * activation are outside both.
 *
 * @param layerTimeMs   wall time of the layer (router + layer 0 + activation + layer 1)
 * @param exposedCommMs layer time minus compute-busy time
 * @param computeMs     compute-busy time
 * @param chunks        pieces the overlapped communication is cut into (Comet: the N-splits of layer 1's
 *                      output; 1 = no overlap)
 * @param commSms       SMs held by communication while it overlaps compute (Comet: layer 1's top-k
 *                      reduce-scatter thread blocks; 0 = none)
 * @param routerMs      router GEMM and top-k
 * @param layer0Ms      all-gather + scatter + first expert GEMM, until the result is usable everywhere
 * @param activationMs  the activation between the two GEMMs
 * @param layer1Ms      second expert GEMM + top-k reduce + reduce-scatter, until every rank holds its tokens
 * @param simulation    the engine run (one representative GPU), for traces
 */
public record MoeLayerResult(double layerTimeMs, double exposedCommMs, double computeMs, int chunks, int commSms,
                             double routerMs, double layer0Ms, double activationMs, double layer1Ms,
                             SimulationResult simulation) {
}
