package io.moesim.scenario;

/**
 * Activation recomputation. {@code SELECTIVE} recomputes Megatron-Core's default selective modules
 * (core attention and the MoE activation / layer norms); {@code FULL} recomputes whole layers.
 */
public enum Recompute {
    NONE, SELECTIVE, FULL;

    /** The id used in scenario files. */
    public String id() {
        return Ids.lower(this);
    }

    /** @throws IllegalArgumentException naming the accepted ids */
    public static Recompute fromId(String id) {
        return Ids.parse(Recompute.class, "recompute", id, Recompute::id);
    }
}
