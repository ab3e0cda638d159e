package io.moesim.cost;

/**
 * A predicted collective: its time and the algorithm that gives it.
 *
 * @param timeNs    time in nanoseconds
 * @param algorithm the algorithm used (never {@link CollectiveAlgorithm#AUTO})
 * @param measured  whether the time comes from the profile's measured table rather than the model alone
 */
public record CollectiveEstimate(long timeNs, CollectiveAlgorithm algorithm, boolean measured) {
    /** Algorithm bandwidth in GB/s for {@code bytes} as nccl-tests counts them. */
    public double algGBps(long bytes) {
        return timeNs == 0 ? 0 : bytes / (double) timeNs;
    }

    /** Bus bandwidth in GB/s (nccl-tests definition). */
    public double busGBps(Collective op, long bytes, int ranks) {
        return algGBps(bytes) * op.busFactor(ranks);
    }
}
