package io.moesim.engine;

import java.util.Arrays;

/**
 * The links the engine shares between transfers: every GPU has an NVLink/NVSwitch port and a NIC,
 * each direction a separate link; nodes of {@code gpusPerNode} GPUs share one NVSwitch domain;
 * the inter-node fabric is rail-optimised (GPU {@code i} of every node on the same rail) and
 * non-blocking unless {@code oversubscription > 1}, in which case every node's uplink and downlink
 * carry at most {@code gpusPerNode · nic / oversubscription}.
 *
 * <p>Capacities are effective bytes per nanosecond (= GB/s), i.e. already multiplied by whatever
 * protocol efficiency the cost model assigns to the tier.
 *
 * @implNote immutable; link ids are dense ints: {@code 4·gpu + {NVLINK_OUT, NVLINK_IN, NIC_OUT, NIC_IN}},
 * then {@code 4·gpus + 2·node + {UPLINK, DOWNLINK}} when oversubscribed.
 */
public final class Topology {
    public static final int NVLINK_OUT = 0;
    public static final int NVLINK_IN = 1;
    public static final int NIC_OUT = 2;
    public static final int NIC_IN = 3;
    private static final String[] PORT_NAMES = {"nvlink-out", "nvlink-in", "nic-out", "nic-in"};

    private final int gpus;
    private final int gpusPerNode;
    private final int smCount;
    private final double oversubscription;
    private final double[] capacity;

    /**
     * @param gpus             GPUs in the cluster
     * @param gpusPerNode      GPUs per NVLink domain; divides {@code gpus}
     * @param smCount          SMs per GPU
     * @param nvlinkBytesPerNs effective NVLink bandwidth per GPU and direction (bytes/ns = GB/s)
     * @param nicBytesPerNs    effective NIC bandwidth per GPU and direction
     * @param oversubscription fabric oversubscription above the leaf, at least 1
     */
    public Topology(int gpus, int gpusPerNode, int smCount, double nvlinkBytesPerNs, double nicBytesPerNs,
                    double oversubscription) {
        if (gpus < 1 || gpusPerNode < 1 || gpus % gpusPerNode != 0) {
            throw new IllegalArgumentException("gpus (" + gpus + ") must be a positive multiple of gpusPerNode ("
                    + gpusPerNode + ")");
        }
        if (smCount < 1) {
            throw new IllegalArgumentException("smCount must be positive, got " + smCount);
        }
        if (!(nvlinkBytesPerNs > 0) || !(nicBytesPerNs > 0)) {
            throw new IllegalArgumentException("link bandwidths must be positive");
        }
        if (!(oversubscription >= 1)) {
            throw new IllegalArgumentException("oversubscription must be at least 1, got " + oversubscription);
        }
        this.gpus = gpus;
        this.gpusPerNode = gpusPerNode;
        this.smCount = smCount;
        this.oversubscription = oversubscription;
        int nodes = gpus / gpusPerNode;
        this.capacity = new double[4 * gpus + (oversubscription > 1 ? 2 * nodes : 0)];
        for (int g = 0; g < gpus; g++) {
            capacity[4 * g + NVLINK_OUT] = nvlinkBytesPerNs;
            capacity[4 * g + NVLINK_IN] = nvlinkBytesPerNs;
            capacity[4 * g + NIC_OUT] = nicBytesPerNs;
            capacity[4 * g + NIC_IN] = nicBytesPerNs;
        }
        for (int i = 4 * gpus; i < capacity.length; i++) {
            capacity[i] = gpusPerNode * nicBytesPerNs / oversubscription;
        }
    }

    private Topology(Topology t, double[] capacity) {
        this.gpus = t.gpus;
        this.gpusPerNode = t.gpusPerNode;
        this.smCount = t.smCount;
        this.oversubscription = t.oversubscription;
        this.capacity = capacity;
    }

    /** A copy with one link's capacity multiplied by {@code factor} (what-if and invariant tests). */
    public Topology withLinkScaled(int link, double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("factor must be positive, got " + factor);
        }
        double[] c = capacity.clone();
        c[link] *= factor;
        return new Topology(this, c);
    }

    public int gpus() {
        return gpus;
    }

    public int gpusPerNode() {
        return gpusPerNode;
    }

    public int nodes() {
        return gpus / gpusPerNode;
    }

    public int smCount() {
        return smCount;
    }

    public double oversubscription() {
        return oversubscription;
    }

    /** The node of {@code gpu}. */
    public int nodeOf(int gpu) {
        return gpu / gpusPerNode;
    }

    /** Number of links. */
    public int linkCount() {
        return capacity.length;
    }

    /** Capacity of {@code link}, bytes/ns. */
    public double capacity(int link) {
        return capacity[link];
    }

    /** The id of one of a GPU's ports ({@link #NVLINK_OUT} …). */
    public int port(int gpu, int port) {
        checkGpu(gpu);
        return 4 * gpu + port;
    }

    /** Whether the fabric has modelled uplinks (oversubscribed). */
    public boolean hasUplinks() {
        return capacity.length > 4 * gpus;
    }

    /** A node's uplink (to the spine). */
    public int uplink(int node) {
        return 4 * gpus + 2 * node;
    }

    /** A node's downlink (from the spine). */
    public int downlink(int node) {
        return 4 * gpus + 2 * node + 1;
    }

    /**
     * The links a transfer from {@code src} to {@code dst} crosses: the two NVLink ports inside a node;
     * the NIC ports (and the node uplink/downlink when oversubscribed) between nodes.
     */
    public int[] path(int src, int dst) {
        checkGpu(src);
        checkGpu(dst);
        if (src == dst) {
            return new int[0];
        }
        if (nodeOf(src) == nodeOf(dst)) {
            return new int[]{port(src, NVLINK_OUT), port(dst, NVLINK_IN)};
        }
        if (hasUplinks()) {
            return new int[]{port(src, NIC_OUT), uplink(nodeOf(src)), downlink(nodeOf(dst)), port(dst, NIC_IN)};
        }
        return new int[]{port(src, NIC_OUT), port(dst, NIC_IN)};
    }

    /** A readable name: {@code gpu3/nic-out}, {@code node1/uplink}. */
    public String linkName(int link) {
        if (link < 4 * gpus) {
            return "gpu" + link / 4 + "/" + PORT_NAMES[link % 4];
        }
        int i = link - 4 * gpus;
        return "node" + i / 2 + (i % 2 == 0 ? "/uplink" : "/downlink");
    }

    /** Whether {@code link} is a port carrying data out of a GPU. */
    public boolean isEgress(int link) {
        return link < 4 * gpus && (link % 4 == NVLINK_OUT || link % 4 == NIC_OUT);
    }

    /** Whether {@code link} is a port carrying data into a GPU. */
    public boolean isIngress(int link) {
        return link < 4 * gpus && (link % 4 == NVLINK_IN || link % 4 == NIC_IN);
    }

    private void checkGpu(int gpu) {
        if (gpu < 0 || gpu >= gpus) {
            throw new IllegalArgumentException("gpu " + gpu + " out of range 0.." + (gpus - 1));
        }
    }

    @Override
    public String toString() {
        return "Topology[" + gpus + " GPUs, " + gpusPerNode + " per node, " + smCount + " SMs, nvlink "
                + capacity[0] + " B/ns, nic " + capacity[2] + " B/ns, oversubscription " + oversubscription + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topology t && t.gpus == gpus && t.gpusPerNode == gpusPerNode && t.smCount == smCount
                && t.oversubscription == oversubscription && Arrays.equals(t.capacity, capacity);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(capacity) * 31 + gpus;
    }
}
