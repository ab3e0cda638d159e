package io.moesim.scenario;

import io.moesim.util.Require;

/**
 * The GPUs and how they are connected. Link fields override the GPU profile's values; {@code null}
 * means "as in the profile".
 *
 * @param gpu              hardware profile id ({@code h100-sxm}) or a profile directory path
 * @param nodes            nodes
 * @param gpusPerNode      GPUs per node (one NVLink/NVSwitch domain)
 * @param nvlinkGBps       per-GPU NVLink bandwidth, one direction, GB/s
 * @param nicGBps          per-GPU NIC bandwidth, one direction, GB/s
 * @param nicsPerNode      NICs per node
 * @param oversubscription fabric oversubscription above the leaf (1 = non-blocking)
 */
public record ClusterSpec(String gpu, int nodes, int gpusPerNode, Double nvlinkGBps, Double nicGBps,
                          Integer nicsPerNode, Double oversubscription) {

    public ClusterSpec {
        Require.nonBlank("cluster.gpu", gpu);
        Require.positive("cluster.nodes", nodes);
        Require.positive("cluster.gpusPerNode", gpusPerNode);
        if (nvlinkGBps != null) {
            Require.positive("cluster.nvlinkGBps", nvlinkGBps);
        }
        if (nicGBps != null) {
            Require.positive("cluster.nicGBps", nicGBps);
        }
        if (nicsPerNode != null) {
            Require.positive("cluster.nicsPerNode", nicsPerNode);
        }
        if (oversubscription != null && !(oversubscription >= 1.0)) {
            throw new IllegalArgumentException("cluster.oversubscription must be at least 1, got " + oversubscription);
        }
        if ((long) nodes * gpusPerNode > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cluster too large: " + nodes + " x " + gpusPerNode);
        }
    }

    /** A cluster with the profile's own link bandwidths. */
    public static ClusterSpec of(String gpu, int nodes, int gpusPerNode) {
        return new ClusterSpec(gpu, nodes, gpusPerNode, null, null, null, null);
    }

    /** Total GPUs. */
    public int gpuCount() {
        return nodes * gpusPerNode;
    }
}
