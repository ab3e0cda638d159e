package io.moesim.profiles.table;

import io.moesim.cost.MemoryOp;
import java.util.List;

/**
 * One measured memory-bound kernel from {@code membw.csv}: the kind of kernel, the bytes it moved
 * (read plus written) and its time.
 *
 * <pre>
 * op,size_bytes,time_us_median,time_us_p10,time_us_p90,samples
 * elementwise,1073741824,380.2,379.8,381.0,100
 * </pre>
 *
 * @param op           kernel kind ({@link MemoryOp#id()})
 * @param sizeBytes    bytes read plus written
 * @param timeUsMedian median time, µs
 * @param timeUsP10    10th percentile, µs (NaN when not recorded)
 * @param timeUsP90    90th percentile, µs (NaN when not recorded)
 * @param samples      repetitions (0 when not recorded)
 */
public record MemoryMeasurement(MemoryOp op, long sizeBytes, double timeUsMedian, double timeUsP10,
                                double timeUsP90, int samples) {
    /** The {@code membw.csv} layout. */
    public static final TableFormat<MemoryMeasurement> FORMAT = new TableFormat<>() {
        @Override
        public String fileName() {
            return "membw.csv";
        }

        @Override
        public List<String> requiredColumns() {
            return List.of("op", "size_bytes", "time_us_median");
        }

        @Override
        public List<String> optionalColumns() {
            return List.of("time_us_p10", "time_us_p90", "samples");
        }

        @Override
        public MemoryMeasurement read(RowReader r) {
            return new MemoryMeasurement(r.choice("op", MemoryOp::fromId), r.positiveLong("size_bytes"),
                    r.positiveDouble("time_us_median"), r.optionalPositiveDouble("time_us_p10"),
                    r.optionalPositiveDouble("time_us_p90"), r.optionalPositiveInt("samples"));
        }

        @Override
        public List<String> write(MemoryMeasurement m) {
            return List.of(m.op.id(), Long.toString(m.sizeBytes), CsvTables.number(m.timeUsMedian),
                    CsvTables.number(m.timeUsP10), CsvTables.number(m.timeUsP90), CsvTables.optionalInt(m.samples));
        }
    };

    /** Achieved bandwidth, GB/s. */
    public double gbps() {
        return sizeBytes / (timeUsMedian * 1e3);
    }
}
