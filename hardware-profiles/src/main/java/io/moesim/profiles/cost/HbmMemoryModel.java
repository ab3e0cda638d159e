package io.moesim.profiles.cost;

import io.moesim.cost.MemoryCostModel;
import io.moesim.cost.MemoryOp;
import io.moesim.hardware.GpuSpec;
import java.util.EnumMap;
import java.util.Map;

/**
 * Memory-bound kernels: {@code time = 2 µs + bytes / (hbm · efficiency(op) · smShare)}.
 *
 * <h2>Constants and their sources</h2>
 * <ul>
 *   <li>Streaming efficiency 0.85 of datasheet HBM bandwidth: the fit of DeepGEMM's memory-bound
 *       shapes (see {@link AnalyticalGemmModel}).</li>
 *   <li>The other kinds are <em>assumptions</em> until a probe measures them ({@code membw.csv}
 *       replaces them): norms and activations 0.80 (a reduction or a second pass over the row), Adam
 *       step 0.80, permute 0.60 and unpermute/combine 0.55 (gathers and scatter-adds of token rows),
 *       router top-k 0.40 (sort-like selection on short rows).</li>
 *   <li>2 µs fixed time per kernel: short-kernel floor (launch-to-completion on the GPU); assumption.</li>
 *   <li>SM share: bandwidth falls in proportion below half of the GPU's SMs and is unaffected above
 *       (HBM saturates with about half the SMs issuing loads); assumption.</li>
 * </ul>
 *
 * @implNote immutable; thread-safe.
 */
public final class HbmMemoryModel implements MemoryCostModel {
    static final double KERNEL_FIXED_NS = 2_000;
    static final double SATURATING_SM_FRACTION = 0.5;
    private static final Map<MemoryOp, Double> EFFICIENCY = new EnumMap<>(Map.of(
            MemoryOp.ELEMENTWISE, AnalyticalGemmModel.HBM_EFFICIENCY,
            MemoryOp.NORM, 0.80,
            MemoryOp.ACTIVATION, 0.80,
            MemoryOp.ROUTER_TOPK, 0.40,
            MemoryOp.PERMUTE, 0.60,
            MemoryOp.UNPERMUTE, 0.55,
            MemoryOp.OPTIMIZER_STEP, 0.80));

    private final GpuSpec gpu;

    public HbmMemoryModel(GpuSpec gpu) {
        this.gpu = gpu;
    }

    /** Fraction of datasheet HBM bandwidth the kind of kernel reaches. */
    public static double efficiency(MemoryOp op) {
        return EFFICIENCY.get(op);
    }

    @Override
    public long timeNs(MemoryOp op, long bytes, int sms) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
        }
        if (sms < 1 || sms > gpu.smCount()) {
            throw new IllegalArgumentException("sms must be 1.." + gpu.smCount() + " on " + gpu.id() + ", got " + sms);
        }
        if (bytes == 0) {
            return 0;
        }
        double share = Math.min(1.0, sms / (SATURATING_SM_FRACTION * gpu.smCount()));
        double bytesPerNs = gpu.hbmTBps() * 1e3 * EFFICIENCY.get(op) * share;
        return Math.round(KERNEL_FIXED_NS + bytes / bytesPerNs);
    }
}
