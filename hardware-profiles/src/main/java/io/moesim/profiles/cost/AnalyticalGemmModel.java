package io.moesim.profiles.cost;

import io.moesim.cost.GemmCostModel;
import io.moesim.hardware.GpuSpec;
import io.moesim.scenario.DataType;

/**
 * GEMM time from tile and wave quantization on the SMs, an HBM roofline for small-M (memory-bound)
 * problems and an efficiency ceiling calibrated to the measured maximum achievable matmul throughput.
 *
 * <h2>Model</h2>
 * Like CUTLASS and DeepGEMM heuristics, the kernel is assumed to pick the output tile
 * {@code BM × BN} (BM ∈ {64, 128, 256}, BN = 16 … 256 in steps of 8, as DeepGEMM's
 * {@code get_best_configs} searches) that minimises the predicted time. For one tile choice:
 * <pre>
 *   tiles    = Σ_g ⌈m_g / BM⌉ · ⌈n / BN⌉
 *   waves    = ⌈tiles / sms⌉                               (persistent kernel, one tile per SM at a time)
 *   perSm    = peak · ceiling / smCount                     (TFLOPS one SM sustains at the measured best)
 *   tileEff  = min(1, BM·BN / ((BM+BN) · 48))              (operand feed from shared memory, below)
 *   tileTime = 2·BM·BN·k / (perSm · tileEff) + 1 µs + ½ · BM·BN·2 B / (hbm · 0.85 / sms)
 *   compute  = waves · tileTime
 *   memory   = (Σm·k + groups·n·k) · inBytes + Σm·n · 2 B) / (hbm · 0.85)
 *   time     = 3.5 µs + max(compute, memory)
 * </pre>
 *
 * <h2>Constants and their sources</h2>
 * <ul>
 *   <li><b>ceiling</b> = measured maximum achievable TFLOPS / datasheet peak, per GPU and data type, from
 *       the profile (H100 SXM BF16 794.5/989.4, FP8 1402.6/1978.9: stas00/ml-engineering MAMF sweep).
 *       A GPU without a measurement uses {@value #UNMEASURED_CEILING} of peak (assumption, flagged in
 *       the profile).</li>
 *   <li><b>3.5 µs fixed kernel latency and 0.85 HBM efficiency</b>: the three 64-row DeepGEMM FP8
 *       shapes on H800 (deepseek-ai/DeepGEMM README, commit 55ab91f) are memory-bound; their times
 *       (9.4, 16.7, 44.7 µs for 15.9, 38.3, 118 MB of operands) fit {@code t = 3.3 µs + bytes / 2.85 TB/s},
 *       i.e. 85% of the 3.35 TB/s datasheet bandwidth.</li>
 *   <li><b>1 µs per tile</b>: pipeline fill before a tile's first MMA (TMA loads at HBM latency) plus
 *       scheduling; the short-K DeepGEMM shape 4096×24576×1536 runs about 1.1 µs per wave slower than its
 *       MMA time at the ceiling.</li>
 *   <li><b>half the C-tile store exposed</b>: persistent kernels overlap the TMA store of one tile with
 *       the main loop of the next; assumption, half overlapped.</li>
 *   <li><b>48 in tileEff</b>: per k-step a tile loads {@code (BM+BN)·BK} operand elements from shared
 *       memory for {@code 2·BM·BN·BK} FLOPs. Hopper's 128 B/clk shared-memory port balances the tensor
 *       cores (8192 FP8 or 4096 BF16 FLOP/clk/SM) at {@code BM·BN/(BM+BN) = 32}; 48 leaves headroom for
 *       TMA writes sharing the port. The DeepGEMM fit is insensitive to the value over 40–64.</li>
 * </ul>
 * Measured (all ten DeepGEMM dense shapes): median error 2.3%, max 24% (128×2112×7168, where the real
 * kernel is slower than any tile choice predicts); grouped 4×8192×4096×7168 1311 vs 1346 TFLOPS.
 *
 * @implNote immutable, allocation-free per call; thread-safe.
 */
public final class AnalyticalGemmModel implements GemmCostModel {
    /** Fixed in-kernel latency per GEMM, ns (see class doc). */
    static final double KERNEL_FIXED_NS = 3_500;
    /** Fraction of datasheet HBM bandwidth reached by streaming kernels (see class doc). */
    static final double HBM_EFFICIENCY = 0.85;
    /** Per-tile pipeline fill, ns. */
    static final double TILE_FILL_NS = 1_000;
    /** Fraction of a C-tile store that is not overlapped with the next tile. */
    static final double EPILOGUE_EXPOSED = 0.5;
    /** Tile size BM·BN/(BM+BN) at which shared memory feeds the tensor cores fully. */
    static final double FEED_BALANCE = 48;
    /** Ceiling for a data type the profile has no matmul measurement for (assumption). */
    static final double UNMEASURED_CEILING = 0.70;
    /** Bytes per output element (BF16 outputs). */
    private static final int OUT_BYTES = 2;
    private static final int[] TILE_M = {64, 128, 256};
    private static final int TILE_N_MIN = 16;
    private static final int TILE_N_MAX = 256;
    private static final int TILE_N_STEP = 8;

    private final GpuSpec gpu;
    private final double hbmBytesPerNs;

    public AnalyticalGemmModel(GpuSpec gpu) {
        this.gpu = gpu;
        this.hbmBytesPerNs = gpu.hbmTBps() * 1e3 * HBM_EFFICIENCY;
    }

    /** The efficiency ceiling used for {@code dtype}: measured best / peak, or {@value #UNMEASURED_CEILING}. */
    public double ceiling(DataType dtype) {
        Double peak = gpu.peakTflops().get(dtype);
        if (peak == null) {
            throw new IllegalArgumentException("GPU '" + gpu.id() + "' has no " + dtype.id() + " tensor-core peak");
        }
        Double best = gpu.maxAchievableTflops().get(dtype);
        return best == null ? UNMEASURED_CEILING : best / peak;
    }

    @Override
    public long timeNs(long m, long n, long k, DataType dtype, int sms) {
        checkPositive("m", m);
        return time(new long[]{m}, n, k, dtype, sms);
    }

    @Override
    public long groupedTimeNs(long[] groupRows, long n, long k, DataType dtype, int sms) {
        if (groupRows.length == 0) {
            throw new IllegalArgumentException("a grouped GEMM needs at least one group");
        }
        for (long rows : groupRows) {
            if (rows < 0) {
                throw new IllegalArgumentException("group rows must not be negative, got " + rows);
            }
        }
        return time(groupRows, n, k, dtype, sms);
    }

    private long time(long[] rows, long n, long k, DataType dtype, int sms) {
        checkPositive("n", n);
        checkPositive("k", k);
        if (sms < 1 || sms > gpu.smCount()) {
            throw new IllegalArgumentException("sms must be 1.." + gpu.smCount() + " on " + gpu.id() + ", got " + sms);
        }
        if (dtype == DataType.FP32) {
            throw new IllegalArgumentException("GEMMs are modelled for bf16, fp16 and fp8 tensor cores, not fp32");
        }
        double peakTflops = gpu.peakTflops().getOrDefault(dtype, 0.0);
        if (peakTflops == 0) {
            throw new IllegalArgumentException("GPU '" + gpu.id() + "' has no " + dtype.id() + " tensor-core peak");
        }
        long sumRows = 0;
        int groups = 0;
        for (long r : rows) {
            sumRows += r;
            groups += r > 0 ? 1 : 0;
        }
        if (sumRows == 0) {
            return 0;
        }
        int inBytes = dtype.bytesPerElement();
        double bytes = ((double) sumRows * k + (double) groups * n * k) * inBytes + (double) sumRows * n * OUT_BYTES;
        double memoryNs = bytes / hbmBytesPerNs;
        // FLOP per ns one SM sustains at the measured best (TFLOPS = 1e3 FLOP/ns).
        double perSmFlopPerNs = peakTflops * 1e3 * ceiling(dtype) / gpu.smCount();
        double hbmPerSmBytesPerNs = hbmBytesPerNs / sms;
        double bestCompute = Double.MAX_VALUE;
        for (int bm : TILE_M) {
            long rowTiles = 0;
            for (long r : rows) {
                rowTiles += (r + bm - 1) / bm;
            }
            for (int bn = TILE_N_MIN; bn <= TILE_N_MAX; bn += TILE_N_STEP) {
                long tiles = rowTiles * ((n + bn - 1) / bn);
                long waves = (tiles + sms - 1) / sms;
                double eff = Math.min(1.0, (double) bm * bn / ((bm + bn) * FEED_BALANCE));
                double tileNs = 2.0 * bm * bn * k / (perSmFlopPerNs * eff) + TILE_FILL_NS
                        + EPILOGUE_EXPOSED * bm * bn * OUT_BYTES / hbmPerSmBytesPerNs;
                bestCompute = Math.min(bestCompute, waves * tileNs);
            }
        }
        return Math.round(KERNEL_FIXED_NS + Math.max(bestCompute, memoryNs));
    }

    private static void checkPositive(String name, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }
}
