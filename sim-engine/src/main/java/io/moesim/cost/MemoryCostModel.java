package io.moesim.cost;

/** Time of memory-bound kernels. */
public interface MemoryCostModel {
    /**
     * @param op    the kind of kernel
     * @param bytes bytes read plus bytes written, at least 0
     * @param sms   SMs the kernel may use
     * @return kernel time in nanoseconds, including the fixed per-kernel latency
     */
    long timeNs(MemoryOp op, long bytes, int sms);
}
