package io.moesim.engine;

import java.util.Locale;

/** What a task does, for timelines, metrics and the trace's colours. */
public enum Category {
    /** Dense or grouped matrix multiplication. */
    GEMM(false),
    /** Fused attention kernels. */
    ATTENTION(false),
    /** Memory-bound kernels: norms, activations, router, permutation, optimizer. */
    MEMORY(false),
    /** Expert-parallel dispatch and combine. */
    EP_COMM(true),
    /** Tensor- and sequence-parallel collectives. */
    TP_COMM(true),
    /** Context-parallel communication. */
    CP_COMM(true),
    /** Pipeline-parallel send/receive. */
    PP_COMM(true),
    /** Data-parallel gradient reduction and parameter gathering. */
    DP_COMM(true),
    /** Any other communication. */
    OTHER_COMM(true),
    /**
     * Host (CPU) work of the training framework: the Python and PyTorch time to launch kernels, and its
     * waits for the GPU. Not GPU work: it neither counts as compute nor as communication.
     */
    HOST(false, true);

    private final boolean communication;
    private final boolean host;

    Category(boolean communication) {
        this(communication, false);
    }

    Category(boolean communication, boolean host) {
        this.communication = communication;
        this.host = host;
    }

    /** Whether tasks of this category are host (CPU) work rather than GPU work. */
    public boolean isHost() {
        return host;
    }

    /** Whether tasks of this category move data between GPUs. */
    public boolean isCommunication() {
        return communication;
    }

    /** Lower-case id with dashes ({@code ep-comm}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
