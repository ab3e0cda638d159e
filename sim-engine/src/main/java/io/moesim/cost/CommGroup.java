package io.moesim.cost;

/**
 * The ranks taking part in one collective and how they sit on nodes: {@code ranks} GPUs, of which
 * {@code ranksPerNode} share each NVLink domain (the same number on every node). A group of 8 on one
 * 8-GPU node is {@code (8, 8)}; an expert-parallel group of 64 over 8 nodes is {@code (64, 8)}; a
 * data-parallel group that takes one GPU per node is {@code (32, 1)}.
 *
 * @param ranks        GPUs in the group, at least 1
 * @param ranksPerNode GPUs of the group per node; divides {@code ranks}
 */
public record CommGroup(int ranks, int ranksPerNode) {
    public CommGroup {
        if (ranks < 1) {
            throw new IllegalArgumentException("ranks must be at least 1, got " + ranks);
        }
        if (ranksPerNode < 1 || ranksPerNode > ranks || ranks % ranksPerNode != 0) {
            throw new IllegalArgumentException("ranksPerNode (" + ranksPerNode + ") must divide ranks (" + ranks + ")");
        }
    }

    /** A group on {@code gpusPerNode}-GPU nodes, filling each node before the next. */
    public static CommGroup packed(int ranks, int gpusPerNode) {
        return new CommGroup(ranks, Math.min(ranks, gpusPerNode));
    }

    /** Nodes the group spans. */
    public int nodes() {
        return ranks / ranksPerNode;
    }

    /** Whether the whole group shares one NVLink domain. */
    public boolean singleNode() {
        return ranks == ranksPerNode;
    }
}
