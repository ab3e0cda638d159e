package io.moesim.hardware;

import io.moesim.scenario.DataType;
import io.moesim.util.Require;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The facts about one GPU model and its attachment that the simulator uses: compute peaks and
 * measured maximum achievable matmul throughput per data type, HBM capacity and bandwidth, and the
 * per-GPU NVLink and NIC bandwidth. Where the numbers come from is recorded by the hardware profile
 * that carries this spec (module {@code hardware-profiles}).
 *
 * @param id                    profile id ({@code h100-sxm})
 * @param name                  human name
 * @param vendor                vendor
 * @param smCount               streaming multiprocessors (compute units on AMD)
 * @param boostClockMHz         boost clock
 * @param peakTflops            dense datasheet peak per data type (no sparsity)
 * @param maxAchievableTflops   measured best matmul throughput per data type (the GEMM efficiency ceiling)
 * @param hbmGB                 HBM capacity, GB (10^9 bytes)
 * @param hbmTBps               HBM bandwidth, TB/s
 * @param l2MB                  L2 cache, MB
 * @param nvlinkGBps            NVLink/NVSwitch bandwidth per GPU, one direction, GB/s
 * @param nvls                  whether NVSwitch in-network reduction (NVLS) is available for all-reduce
 * @param nicGBps               NIC bandwidth per GPU, one direction, GB/s
 * @param nicsPerNode           NICs per node
 * @param pcieGBps              PCIe bandwidth per GPU, one direction, GB/s
 * @param kernelLaunchUs        host-side launch overhead per kernel, microseconds
 * @param commSmGBps            data rate one SM drives for a communication kernel (NCCL channel, DeepEP
 *                              warp group), GB/s; bounds communication that is given few SMs
 * @implNote immutable and thread-safe.
 */
public record GpuSpec(String id, String name, String vendor, int smCount, double boostClockMHz,
                      Map<DataType, Double> peakTflops, Map<DataType, Double> maxAchievableTflops, double hbmGB,
                      double hbmTBps, double l2MB, double nvlinkGBps, boolean nvls, double nicGBps, int nicsPerNode,
                      double pcieGBps, double kernelLaunchUs, double commSmGBps) {

    public GpuSpec {
        Require.nonBlank("id", id);
        Require.nonBlank("name", name);
        Require.nonBlank("vendor", vendor);
        Require.positive("smCount", smCount);
        Require.positive("boostClockMHz", boostClockMHz);
        peakTflops = copy("peakTflops", peakTflops);
        maxAchievableTflops = copy("maxAchievableTflops", maxAchievableTflops);
        if (!peakTflops.containsKey(DataType.BF16)) {
            throw new IllegalArgumentException("peakTflops must include bf16");
        }
        for (Map.Entry<DataType, Double> e : maxAchievableTflops.entrySet()) {
            Double peak = peakTflops.get(e.getKey());
            if (peak == null || e.getValue() > peak) {
                throw new IllegalArgumentException("maxAchievableTflops." + e.getKey().id() + " (" + e.getValue()
                        + ") must not exceed peakTflops." + e.getKey().id() + " (" + peak + ")");
            }
        }
        Require.positive("hbmGB", hbmGB);
        Require.positive("hbmTBps", hbmTBps);
        Require.positive("l2MB", l2MB);
        Require.positive("nvlinkGBps", nvlinkGBps);
        Require.positive("nicGBps", nicGBps);
        Require.positive("nicsPerNode", nicsPerNode);
        Require.positive("pcieGBps", pcieGBps);
        Require.positive("kernelLaunchUs", kernelLaunchUs);
        Require.positive("commSmGBps", commSmGBps);
    }

    private static Map<DataType, Double> copy(String name, Map<DataType, Double> in) {
        Require.nonNull(name, in);
        EnumMap<DataType, Double> out = new EnumMap<>(DataType.class);
        in.forEach((k, v) -> out.put(k, Require.positive(name + "." + k.id(), v)));
        return Collections.unmodifiableMap(out);
    }

    /** Datasheet peak for {@code type}, if the GPU supports it. */
    public Optional<Double> peak(DataType type) {
        return Optional.ofNullable(peakTflops.get(type));
    }

    /** Whether the GPU has tensor-core support for {@code type}. */
    public boolean supports(DataType type) {
        return peakTflops.containsKey(type);
    }

    /**
     * Fraction of the datasheet peak reached by the best measured matmul for {@code type}; the GEMM
     * cost model's efficiency ceiling.
     *
     * @throws IllegalArgumentException if the GPU has no peak or no measurement for {@code type}
     */
    public double matmulCeiling(DataType type) {
        Double peak = peakTflops.get(type);
        Double best = maxAchievableTflops.get(type);
        if (peak == null || best == null) {
            throw new IllegalArgumentException("GPU '" + id + "' has no " + (peak == null ? "peak" : "measured")
                    + " matmul throughput for " + type.id());
        }
        return best / peak;
    }

    /**
     * A copy with a scenario's link overrides applied ({@code null} keeps the profile's value).
     *
     * @param nvlink      NVLink per GPU, one direction, GB/s
     * @param nic         NIC per GPU, one direction, GB/s
     * @param nicsPerNode NICs per node
     */
    public GpuSpec withLinks(Double nvlink, Double nic, Integer nicsPerNode) {
        return new GpuSpec(id, name, vendor, smCount, boostClockMHz, peakTflops, maxAchievableTflops, hbmGB, hbmTBps,
                l2MB, nvlink == null ? nvlinkGBps : nvlink, nvls, nic == null ? nicGBps : nic,
                nicsPerNode == null ? this.nicsPerNode : nicsPerNode, pcieGBps, kernelLaunchUs, commSmGBps);
    }

    /**
     * HBM capacity in bytes. Vendors' HBM sizes are binary (an "80 GB" H100 has five 16 GiB stacks;
     * {@code nvidia-smi} reports 81,559 MiB), so this is {@code hbmGB · 2^30}.
     */
    public long hbmBytes() {
        return (long) (hbmGB * 1024 * 1024 * 1024);
    }
}
