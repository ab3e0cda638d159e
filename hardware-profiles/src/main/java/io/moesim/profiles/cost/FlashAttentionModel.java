package io.moesim.profiles.cost;

import io.moesim.cost.AttentionCostModel;
import io.moesim.cost.AttentionShape;
import io.moesim.hardware.GpuSpec;
import io.moesim.scenario.DataType;

/**
 * FlashAttention (FA3 on Hopper, FA2-class elsewhere) forward and backward time.
 *
 * <h2>Model</h2>
 * The kernel splits queries into blocks of {@value #BLOCK_ROWS} rows per (sequence, head); each block
 * streams its key/value range in {@value #BLOCK_ROWS}-wide tiles (a causal block stops at the diagonal,
 * and the diagonal tile is computed whole). An SM runs blocks back to back, longest first, so
 * <pre>
 *   rate     = peak · A · d / (d + 54) / smCount           FLOP/ns per SM, d = (qkDim + vDim) / 2
 *   block    = 2 · rows · (kvTiles·128 + 238) · (qkDim + vDim) / rate     (forward)
 *   time     = 3.5 µs + max(Σ blocks / sms, longest block)
 * </pre>
 * The backward pass uses {@code 3·qkDim + 2·vDim} in place of {@code qkDim + vDim} and runs at
 * {@value #BACKWARD_RELATIVE} of the forward rate.
 *
 * <h2>Constants and their sources</h2>
 * <ul>
 *   <li><b>d/(d+54)</b>, head-dimension efficiency: FA3 reaches 740 TFLOPS BF16 at head dim 256
 *       (Shah et al., FlashAttention-3, arXiv:2407.08608, abstract and fig. 5, seq 16k) and 621 TFLOPS
 *       at head dim 128 (pytorch/benchmark PR #2391, H100, FA3, batch·seq = 16k); the ratio fixes 54.</li>
 *   <li><b>238</b>, per-block overhead in key positions: the same PR's sequence sweep at head dim 128
 *       (430, 517, 566, 590, 614, 621 TFLOPS at 512 … 16k) fits {@code E∞ · S/(S + 238)}, E∞ = 630.</li>
 *   <li><b>A</b>, the asymptotic fraction of peak: BF16/FP16 {@value #ASYMPTOTE_16BIT}
 *       (740/989.4 divided by the head-dim and sequence factors at 256 and 16k); FP8
 *       {@value #ASYMPTOTE_FP8} (FA3's ≈1.2 PFLOPS FP8, same factors).</li>
 *   <li><b>backward at {@value #BACKWARD_RELATIVE} of the forward rate</b>: the DeepSeek-V3 H800
 *       training trace (deepseek-ai/profile-data) has the MLA forward at 1.248 ms and the FA3 backward
 *       main kernel at 3.86 ms for 2.6× the FLOPs.</li>
 *   <li><b>3.5 µs</b> fixed kernel latency, as for GEMMs ({@link AnalyticalGemmModel}).</li>
 * </ul>
 * The FA3 figures are H100 measurements; other GPUs use the same fractions of their own peak
 * (FlashAttention-2 on A100 reaches a similar ~70% of peak at long sequences, Dao 2023).
 *
 * @implNote immutable; thread-safe; time grows with the number of query blocks of one sequence.
 */
public final class FlashAttentionModel implements AttentionCostModel {
    static final int BLOCK_ROWS = 128;
    static final double HEAD_DIM_HALF = 54;
    static final double BLOCK_OVERHEAD_KEYS = 238;
    static final double ASYMPTOTE_16BIT = 0.919;
    static final double ASYMPTOTE_FP8 = 0.745;
    static final double BACKWARD_RELATIVE = 0.84;

    private final GpuSpec gpu;

    public FlashAttentionModel(GpuSpec gpu) {
        this.gpu = gpu;
    }

    @Override
    public long forwardNs(AttentionShape s, int sms) {
        return time(s, sms, s.qkDim() + s.vDim(), 1.0);
    }

    @Override
    public long backwardNs(AttentionShape s, int sms) {
        return time(s, sms, 3.0 * s.qkDim() + 2.0 * s.vDim(), BACKWARD_RELATIVE);
    }

    /** Per-SM FLOP/ns for this shape's head dimensions and type (forward). */
    double perSmRate(AttentionShape s) {
        DataType t = s.dtype();
        Double peak = gpu.peakTflops().get(t);
        if (peak == null || t == DataType.FP32) {
            throw new IllegalArgumentException("GPU '" + gpu.id() + "' has no " + t.id() + " tensor-core peak for attention");
        }
        double asymptote = t == DataType.FP8 ? ASYMPTOTE_FP8 : ASYMPTOTE_16BIT;
        double d = (s.qkDim() + s.vDim()) / 2.0;
        return peak * 1e3 * asymptote * d / (d + HEAD_DIM_HALF) / gpu.smCount();
    }

    private long time(AttentionShape s, int sms, double dimSum, double rateFactor) {
        if (sms < 1 || sms > gpu.smCount()) {
            throw new IllegalArgumentException("sms must be 1.." + gpu.smCount() + " on " + gpu.id() + ", got " + sms);
        }
        double rate = perSmRate(s) * rateFactor;
        long prefix = s.seqKv() - s.seqQ();
        long blocks = (s.seqQ() + BLOCK_ROWS - 1) / BLOCK_ROWS;
        double perHeadNs = 0;
        double longestNs = 0;
        for (long b = 0; b < blocks; b++) {
            long rows = Math.min(BLOCK_ROWS, s.seqQ() - b * BLOCK_ROWS);
            long keys = s.causal() ? prefix + b * BLOCK_ROWS + rows : s.seqKv();
            long keyTiles = (keys + BLOCK_ROWS - 1) / BLOCK_ROWS;
            double ns = 2.0 * rows * (keyTiles * BLOCK_ROWS + BLOCK_OVERHEAD_KEYS) * dimSum / rate;
            perHeadNs += ns;
            longestNs = Math.max(longestNs, ns);
        }
        double totalNs = perHeadNs * s.batch() * s.heads();
        return Math.round(AnalyticalGemmModel.KERNEL_FIXED_NS + Math.max(totalNs / sms, longestNs));
    }
}
