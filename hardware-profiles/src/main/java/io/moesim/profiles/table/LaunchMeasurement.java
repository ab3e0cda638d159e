package io.moesim.profiles.table;

import java.util.List;

/**
 * One measured launch overhead from {@code launch.csv}: {@code api} names what was timed
 * ({@code cudaLaunchKernel} host time, {@code empty-kernel} back-to-back GPU time, {@code cuda-graph-node}).
 *
 * <pre>
 * api,time_us_median,time_us_p10,time_us_p90,samples
 * cudaLaunchKernel,3.0,2.0,6.0,1000
 * </pre>
 *
 * @param api          what was timed
 * @param timeUsMedian median, µs
 * @param timeUsP10    10th percentile, µs (NaN when not recorded)
 * @param timeUsP90    90th percentile, µs (NaN when not recorded)
 * @param samples      repetitions (0 when not recorded)
 */
public record LaunchMeasurement(String api, double timeUsMedian, double timeUsP10, double timeUsP90, int samples) {
    /** The host API whose median replaces the profile's {@code kernelLaunchUs} when measured. */
    public static final String HOST_LAUNCH = "cudaLaunchKernel";

    /** The {@code launch.csv} layout. */
    public static final TableFormat<LaunchMeasurement> FORMAT = new TableFormat<>() {
        @Override
        public String fileName() {
            return "launch.csv";
        }

        @Override
        public List<String> requiredColumns() {
            return List.of("api", "time_us_median");
        }

        @Override
        public List<String> optionalColumns() {
            return List.of("time_us_p10", "time_us_p90", "samples");
        }

        @Override
        public LaunchMeasurement read(RowReader r) {
            return new LaunchMeasurement(r.requiredText("api"), r.positiveDouble("time_us_median"),
                    r.optionalPositiveDouble("time_us_p10"), r.optionalPositiveDouble("time_us_p90"),
                    r.optionalPositiveInt("samples"));
        }

        @Override
        public List<String> write(LaunchMeasurement l) {
            return List.of(l.api, CsvTables.number(l.timeUsMedian), CsvTables.number(l.timeUsP10),
                    CsvTables.number(l.timeUsP90), CsvTables.optionalInt(l.samples));
        }
    };
}
