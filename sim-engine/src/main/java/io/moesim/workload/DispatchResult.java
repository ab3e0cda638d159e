package io.moesim.workload;

import io.moesim.engine.SimulationResult;

/**
 * The {@code dispatch} workload's answer, in DeepEP's terms.
 *
 * @param dispatchTimeUs   dispatch kernel time, µs
 * @param combineTimeUs    combine kernel time, µs
 * @param dispatchGBps     DeepEP's bandwidth for the dispatch: the bytes one GPU moves over its bottleneck
 *                         link class (NVLink within a node: tokens received; RDMA across nodes: token–node
 *                         pairs sent, the own node included) over the time, averaged over ranks
 * @param combineGBps      the same for the combine
 * @param bottleneck       what limits the dispatch: {@code nvlink}, {@code rdma} or {@code sms}
 * @param maxTokensPerRank tokens the busiest rank receives, over the mean (load imbalance)
 * @param simulation       the engine run (dispatch then combine), for traces
 */
public record DispatchResult(double dispatchTimeUs, double combineTimeUs, double dispatchGBps, double combineGBps,
                             String bottleneck, double maxTokensPerRank, SimulationResult simulation) {
}
