package io.moesim.cost;

/** Time of fused (FlashAttention-style) attention kernels. */
public interface AttentionCostModel {
    /** Forward kernel time in nanoseconds on {@code sms} SMs. */
    long forwardNs(AttentionShape shape, int sms);

    /** Backward kernel time (dQ, dK, dV) in nanoseconds on {@code sms} SMs. */
    long backwardNs(AttentionShape shape, int sms);
}
