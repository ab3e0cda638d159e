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
 * @param maxNodesPerToken node-limited routing: each token's experts lie on at most this many nodes
 *                         (DeepSeek-V3 and DeepEP's benchmark use 4)
 * @param commSms       SMs the dispatch and combine kernels hold (DeepEP's normal kernels default to 24)
 */
public record DispatchSpec(int tokensPerRank, int hidden, int topK, int experts, DataType dispatchDtype,
                           DataType combineDtype, int maxNodesPerToken, int commSms) {
    /** DeepSeek-V3's node limit, also the default of DeepEP's benchmark ({@code num_topk_groups = min(nodes, 4)}). */
    public static final int DEFAULT_MAX_NODES_PER_TOKEN = 4;
    /** DeepEP's default SM count for normal kernels (deepseek-ai/DeepEP README, {@code Buffer.num_sms = 24}). */
    public static final int DEFAULT_COMM_SMS = 24;

    /** A dispatch with the default node limit and SM count. */
    public DispatchSpec(int tokensPerRank, int hidden, int topK, int experts, DataType dispatchDtype,
                        DataType combineDtype) {
        this(tokensPerRank, hidden, topK, experts, dispatchDtype, combineDtype, DEFAULT_MAX_NODES_PER_TOKEN,
                DEFAULT_COMM_SMS);
    }

    public DispatchSpec {
        Require.positive("dispatch.tokensPerRank", tokensPerRank);
        Require.positive("dispatch.hidden", hidden);
        Require.positive("dispatch.topK", topK);
        Require.positive("dispatch.experts", experts);
        Require.nonNull("dispatch.dispatchDtype", dispatchDtype);
        Require.nonNull("dispatch.combineDtype", combineDtype);
        Require.positive("dispatch.maxNodesPerToken", maxNodesPerToken);
        Require.positive("dispatch.commSms", commSms);
        if (topK > experts) {
            throw new IllegalArgumentException("dispatch.topK (" + topK + ") exceeds dispatch.experts (" + experts + ")");
        }
    }
}
