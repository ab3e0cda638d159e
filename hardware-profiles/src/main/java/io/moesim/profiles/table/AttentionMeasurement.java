package io.moesim.profiles.table;

import io.moesim.scenario.DataType;
import java.util.List;
import java.util.Locale;

/**
 * One measured fused-attention kernel from {@code attention.csv}: one sequence ({@code batch} 1) of
 * {@code seqQ} queries against {@code seqKv} keys, {@code heads} query heads sharing {@code kvHeads}
 * key/value heads, head dimensions, mask, data type, and the time of its forward or its backward pass.
 *
 * <pre>
 * seq_q,seq_kv,heads,kv_heads,qk_dim,v_dim,causal,dtype,pass,time_us_median,time_us_p10,time_us_p90,samples
 * 4096,4096,32,2,128,128,true,bf16,forward,252.1,251.0,253.3,40
 * </pre>
 *
 * @param seqQ         query length
 * @param seqKv        key/value length
 * @param heads        query heads
 * @param kvHeads      key/value heads (divides {@code heads})
 * @param qkDim        query/key head dimension
 * @param vDim         value head dimension
 * @param causal       whether a causal mask applies
 * @param dtype        element type of Q, K, V
 * @param backward     whether the row is the backward pass (dQ, dK, dV) rather than the forward
 * @param timeUsMedian median time, µs
 * @param timeUsP10    10th percentile, µs (NaN when not recorded)
 * @param timeUsP90    90th percentile, µs (NaN when not recorded)
 * @param samples      repetitions (0 when not recorded)
 */
public record AttentionMeasurement(long seqQ, long seqKv, int heads, int kvHeads, int qkDim, int vDim, boolean causal,
                                   DataType dtype, boolean backward, double timeUsMedian, double timeUsP10,
                                   double timeUsP90, int samples) {
    /** The {@code attention.csv} layout. */
    public static final TableFormat<AttentionMeasurement> FORMAT = new TableFormat<>() {
        @Override
        public String fileName() {
            return "attention.csv";
        }

        @Override
        public List<String> requiredColumns() {
            return List.of("seq_q", "seq_kv", "heads", "kv_heads", "qk_dim", "v_dim", "causal", "dtype", "pass",
                    "time_us_median");
        }

        @Override
        public List<String> optionalColumns() {
            return List.of("time_us_p10", "time_us_p90", "samples");
        }

        @Override
        public AttentionMeasurement read(RowReader r) {
            long seqQ = r.positiveLong("seq_q");
            long seqKv = r.positiveLong("seq_kv");
            int heads = r.positiveInt("heads");
            int kvHeads = r.positiveInt("kv_heads");
            Boolean causal = r.choice("causal", AttentionMeasurement::bool);
            Boolean backward = r.choice("pass", AttentionMeasurement::pass);
            AttentionMeasurement m = new AttentionMeasurement(seqQ, seqKv, heads, kvHeads, r.positiveInt("qk_dim"),
                    r.positiveInt("v_dim"), Boolean.TRUE.equals(causal), r.choice("dtype", DataType::fromId),
                    Boolean.TRUE.equals(backward), r.positiveDouble("time_us_median"),
                    r.optionalPositiveDouble("time_us_p10"), r.optionalPositiveDouble("time_us_p90"),
                    r.optionalPositiveInt("samples"));
            if (heads > 0 && kvHeads > 0 && heads % kvHeads != 0) {
                r.rowProblem("heads (" + heads + ") must be a multiple of kv_heads (" + kvHeads + ")");
            }
            if (Boolean.TRUE.equals(causal) && seqKv > 0 && seqKv < seqQ) {
                r.rowProblem("causal attention needs seq_kv (" + seqKv + ") >= seq_q (" + seqQ + ")");
            }
            return m;
        }

        @Override
        public List<String> write(AttentionMeasurement a) {
            return List.of(Long.toString(a.seqQ), Long.toString(a.seqKv), Integer.toString(a.heads),
                    Integer.toString(a.kvHeads), Integer.toString(a.qkDim), Integer.toString(a.vDim),
                    Boolean.toString(a.causal), a.dtype.id(), a.backward ? "backward" : "forward",
                    CsvTables.number(a.timeUsMedian), CsvTables.number(a.timeUsP10), CsvTables.number(a.timeUsP90),
                    CsvTables.optionalInt(a.samples));
        }
    };

    private static Boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false, got '" + v + "'");
        };
    }

    private static Boolean pass(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "forward" -> false;
            case "backward" -> true;
            default -> throw new IllegalArgumentException("expected forward or backward, got '" + v + "'");
        };
    }
}
