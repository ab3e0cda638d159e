package io.moesim.profiles.table;

import io.moesim.scenario.DataType;
import java.util.List;

/**
 * One measured GEMM from {@code gemm.csv}: {@code groups} problems of {@code m×k · k×n} in one kernel
 * (1 for a plain GEMM; for a grouped GEMM every group has {@code m} rows), and its time.
 *
 * <pre>
 * m,n,k,dtype,groups,time_us_median,time_us_p10,time_us_p90,samples
 * 4096,7168,2048,fp8,1,103.0,101.9,104.4,50
 * </pre>
 *
 * @param m            rows per group
 * @param n            columns
 * @param k            reduction dimension
 * @param dtype        input type ({@code bf16}, {@code fp16}, {@code fp8})
 * @param groups       groups in the kernel
 * @param timeUsMedian median kernel time, µs
 * @param timeUsP10    10th percentile, µs (NaN when not recorded)
 * @param timeUsP90    90th percentile, µs (NaN when not recorded)
 * @param samples      timed repetitions (0 when not recorded)
 */
public record GemmMeasurement(long m, long n, long k, DataType dtype, int groups, double timeUsMedian,
                              double timeUsP10, double timeUsP90, int samples) {
    /** The {@code gemm.csv} layout. */
    public static final TableFormat<GemmMeasurement> FORMAT = new TableFormat<>() {
        @Override
        public String fileName() {
            return "gemm.csv";
        }

        @Override
        public List<String> requiredColumns() {
            return List.of("m", "n", "k", "dtype", "groups", "time_us_median");
        }

        @Override
        public List<String> optionalColumns() {
            return List.of("time_us_p10", "time_us_p90", "samples");
        }

        @Override
        public GemmMeasurement read(RowReader r) {
            return new GemmMeasurement(r.positiveLong("m"), r.positiveLong("n"), r.positiveLong("k"),
                    r.choice("dtype", DataType::fromId), r.positiveInt("groups"), r.positiveDouble("time_us_median"),
                    r.optionalPositiveDouble("time_us_p10"), r.optionalPositiveDouble("time_us_p90"),
                    r.optionalPositiveInt("samples"));
        }

        @Override
        public List<String> write(GemmMeasurement g) {
            return List.of(Long.toString(g.m), Long.toString(g.n), Long.toString(g.k), g.dtype.id(),
                    Integer.toString(g.groups), CsvTables.number(g.timeUsMedian), CsvTables.number(g.timeUsP10),
                    CsvTables.number(g.timeUsP90), CsvTables.optionalInt(g.samples));
        }
    };

    /** Floating-point operations: {@code 2·groups·m·n·k}. */
    public double flops() {
        return 2.0 * groups * m * n * k;
    }

    /** Achieved TFLOPS at the median time. */
    public double tflops() {
        return flops() / (timeUsMedian * 1e6);
    }
}
