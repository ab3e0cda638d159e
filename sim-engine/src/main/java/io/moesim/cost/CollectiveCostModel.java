package io.moesim.cost;

/** Time of collectives over a communication group. */
public interface CollectiveCostModel {
    /** Pass as {@code sms} when the communication library may use as many SMs as it wants. */
    int ANY_SMS = Integer.MAX_VALUE;

    /**
     * @param op        the collective
     * @param group     the ranks and their placement on nodes
     * @param bytes     size as nccl-tests counts it (see {@link Collective}); 0 costs nothing
     * @param algorithm the algorithm, or {@link CollectiveAlgorithm#AUTO}
     * @param sms       SMs the communication kernel holds, or {@link #ANY_SMS}
     * @throws IllegalArgumentException if the algorithm does not apply (NVLS across nodes, on a GPU
     *                                  without it, or for an op other than all-reduce)
     */
    CollectiveEstimate estimate(Collective op, CommGroup group, long bytes, CollectiveAlgorithm algorithm, int sms);

    /** Time in nanoseconds with the automatically chosen algorithm. */
    default long timeNs(Collective op, CommGroup group, long bytes, int sms) {
        return estimate(op, group, bytes, CollectiveAlgorithm.AUTO, sms).timeNs();
    }
}
