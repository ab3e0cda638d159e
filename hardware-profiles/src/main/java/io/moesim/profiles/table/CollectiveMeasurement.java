package io.moesim.profiles.table;

import io.moesim.cost.Collective;
import java.util.List;

/**
 * One measured collective from {@code collectives.csv}, as nccl-tests reports it: the op, the ranks
 * and how many share a node, the size column ({@link Collective} explains what it counts), and the
 * out-of-place time with its algorithm and bus bandwidths.
 *
 * <pre>
 * op,ranks,gpus_per_node,size_bytes,dtype,time_us,alg_gbps,bus_gbps
 * allreduce,8,8,4294967296,float,15700.1,273.57,478.74
 * </pre>
 *
 * @param op          the collective
 * @param ranks       ranks in the run
 * @param gpusPerNode ranks per node
 * @param sizeBytes   nccl-tests' size column, bytes
 * @param dtype       nccl-tests' type column ({@code float}, {@code bfloat16}, …)
 * @param timeUs      time per iteration, µs (nccl-tests reports the average over its iterations)
 * @param algGBps     algorithm bandwidth, GB/s
 * @param busGBps     bus bandwidth, GB/s
 */
public record CollectiveMeasurement(Collective op, int ranks, int gpusPerNode, long sizeBytes, String dtype,
                                    double timeUs, double algGBps, double busGBps) {
    /** The {@code collectives.csv} layout. */
    public static final TableFormat<CollectiveMeasurement> FORMAT = new TableFormat<>() {
        @Override
        public String fileName() {
            return "collectives.csv";
        }

        @Override
        public List<String> requiredColumns() {
            return List.of("op", "ranks", "gpus_per_node", "size_bytes", "dtype", "time_us", "alg_gbps", "bus_gbps");
        }

        @Override
        public List<String> optionalColumns() {
            return List.of();
        }

        @Override
        public CollectiveMeasurement read(RowReader r) {
            Collective op = r.choice("op", Collective::fromId);
            int ranks = r.positiveInt("ranks");
            int perNode = r.positiveInt("gpus_per_node");
            if (perNode > ranks && ranks > 0 || ranks % perNode != 0) {
                r.problem("gpus_per_node", "must divide ranks (" + ranks + "), got " + perNode);
            }
            return new CollectiveMeasurement(op, ranks, perNode, r.positiveLong("size_bytes"), r.requiredText("dtype"),
                    r.positiveDouble("time_us"), r.positiveDouble("alg_gbps"), r.positiveDouble("bus_gbps"));
        }

        @Override
        public List<String> write(CollectiveMeasurement c) {
            return List.of(c.op.id(), Integer.toString(c.ranks), Integer.toString(c.gpusPerNode),
                    Long.toString(c.sizeBytes), c.dtype, CsvTables.number(c.timeUs), CsvTables.number(c.algGBps),
                    CsvTables.number(c.busGBps));
        }
    };
}
