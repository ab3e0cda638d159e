package io.moesim.scenario;

import io.moesim.util.Require;

/**
 * How MoE layers run: the token dispatcher, the routing, and the capacity factor.
 *
 * @param dispatcher     token dispatcher
 * @param routing        routing of tokens to experts
 * @param capacityFactor expert capacity as a multiple of the balanced load; {@code null} = dropless
 */
public record MoeConfig(Dispatcher dispatcher, RoutingSpec routing, Double capacityFactor) {

    public MoeConfig {
        Require.nonNull("moe.dispatcher", dispatcher);
        Require.nonNull("moe.routing", routing);
        if (capacityFactor != null) {
            Require.positive("moe.capacityFactor", capacityFactor);
        }
    }

    /** NCCL all-to-all, balanced routing, dropless. */
    public static MoeConfig defaults() {
        return new MoeConfig(Dispatcher.ALLTOALL, RoutingSpec.balanced(), null);
    }

    /** Whether tokens beyond capacity are dropped. */
    public boolean dropsTokens() {
        return capacityFactor != null;
    }
}
