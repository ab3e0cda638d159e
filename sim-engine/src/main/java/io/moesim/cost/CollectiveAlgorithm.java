package io.moesim.cost;

import java.util.Locale;

/**
 * How a collective is carried out. {@link #AUTO} lets the cost model pick what NCCL would pick for
 * the group (NVLS for single-node all-reduce where the switch supports it, hierarchical across nodes).
 */
public enum CollectiveAlgorithm {
    /** Let the model choose. */
    AUTO,
    /** Ring over all ranks (all-reduce, all-gather, reduce-scatter). */
    RING,
    /** NVLink SHARP: the NVSwitch reduces in the network (all-reduce within one NVLink domain). */
    NVLS,
    /** Every rank exchanges directly with every other rank (all-to-all). */
    FLAT,
    /**
     * Two levels: within the NVLink domain and across nodes over the NICs, each GPU talking to its
     * peer on the same rail (all-reduce, all-gather, reduce-scatter, all-to-all).
     */
    HIERARCHICAL;

    /** The id used on the command line ({@code nvls}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted ids */
    public static CollectiveAlgorithm fromId(String id) {
        for (CollectiveAlgorithm a : values()) {
            if (a.id().equals(id.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + id
                + "' (expected one of: auto, ring, nvls, flat, hierarchical)");
    }
}
