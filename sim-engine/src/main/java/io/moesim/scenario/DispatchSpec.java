package io.moesim.scenario;

import io.moesim.util.Require;

/**
 * One expert-parallel dispatch and combine for the {@code dispatch} workload (DeepEP's benchmark).
 *
 * @param tokensPerRank tokens each rank sends
 * @param hidden        token width
 * @param topK          experts per token
 * @param experts       experts across the EP group
 * @param dispatchDtype element type of dispatched tokens
 * @param combineDtype  element type of combined tokens
 */
public record DispatchSpec(int tokensPerRank, int hidden, int topK, int experts, DataType dispatchDtype,
                           DataType combineDtype) {
    public DispatchSpec {
        Require.positive("dispatch.tokensPerRank", tokensPerRank);
        Require.positive("dispatch.hidden", hidden);
        Require.positive("dispatch.topK", topK);
        Require.positive("dispatch.experts", experts);
        Require.nonNull("dispatch.dispatchDtype", dispatchDtype);
        Require.nonNull("dispatch.combineDtype", combineDtype);
        if (topK > experts) {
            throw new IllegalArgumentException("dispatch.topK (" + topK + ") exceeds dispatch.experts (" + experts + ")");
        }
    }
}
