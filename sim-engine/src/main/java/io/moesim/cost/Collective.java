package io.moesim.cost;

import java.util.Locale;

/**
 * Collective operations, with the byte-count and bus-bandwidth conventions of nccl-tests
 * (NVIDIA/nccl-tests {@code doc/PERFORMANCE.md}).
 *
 * <p>{@code bytes} is what nccl-tests prints in its {@code size} column: the per-rank buffer for
 * all-reduce, the whole output for all-gather, the whole input for reduce-scatter, the per-rank send
 * buffer for all-to-all and the message for send/recv. Algorithm bandwidth is {@code bytes / time};
 * bus bandwidth is algorithm bandwidth times {@link #busFactor(int)}, the fraction of the data that
 * must cross the slowest link, so it compares against link speed independently of the rank count.
 */
public enum Collective {
    ALL_REDUCE("allreduce", "all_reduce_perf"),
    ALL_GATHER("allgather", "all_gather_perf"),
    REDUCE_SCATTER("reducescatter", "reduce_scatter_perf"),
    ALL_TO_ALL("alltoall", "alltoall_perf"),
    SEND_RECV("sendrecv", "sendrecv_perf");

    private final String id;
    private final String ncclTestsBinary;

    Collective(String id, String ncclTestsBinary) {
        this.id = id;
        this.ncclTestsBinary = ncclTestsBinary;
    }

    /** The id used on the command line and in tables ({@code allreduce}). */
    public String id() {
        return id;
    }

    /** The nccl-tests binary that measures it ({@code all_reduce_perf}). */
    public String ncclTestsBinary() {
        return ncclTestsBinary;
    }

    /**
     * nccl-tests' bus-bandwidth factor for {@code ranks} ranks: {@code 2(n−1)/n} for all-reduce,
     * {@code (n−1)/n} for all-gather, reduce-scatter and all-to-all, 1 for send/recv.
     */
    public double busFactor(int ranks) {
        if (ranks < 1) {
            throw new IllegalArgumentException("ranks must be at least 1, got " + ranks);
        }
        double n = ranks;
        return switch (this) {
            case ALL_REDUCE -> 2.0 * (n - 1) / n;
            case ALL_GATHER, REDUCE_SCATTER, ALL_TO_ALL -> (n - 1) / n;
            case SEND_RECV -> 1.0;
        };
    }

    /** @throws IllegalArgumentException naming the accepted ids */
    public static Collective fromId(String id) {
        String key = id.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        for (Collective c : values()) {
            if (c.id.equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown collective '" + id
                + "' (expected one of: allreduce, allgather, reducescatter, alltoall, sendrecv)");
    }
}
