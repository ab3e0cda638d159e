package io.moesim.workload;

import io.moesim.cost.AttentionCostModel;
import io.moesim.cost.AttentionShape;
import io.moesim.cost.Collective;
import io.moesim.cost.CollectiveAlgorithm;
import io.moesim.cost.CollectiveCostModel;
import io.moesim.cost.CollectiveEstimate;
import io.moesim.cost.CommGroup;
import io.moesim.cost.CostModel;
import io.moesim.cost.FabricRates;
import io.moesim.cost.GemmCostModel;
import io.moesim.cost.MemoryCostModel;
import io.moesim.cost.MemoryOp;
import io.moesim.scenario.DataType;

/**
 * A hand-checkable cost model for workload tests: GEMMs and attention at 500 TFLOPS (FLOP/1000 per ns
 * ÷ 500), memory at 2000 B/ns, collectives at 100 B/ns per GPU plus 10 µs, no wave effects.
 */
final class FakeCostModel implements CostModel {
    static final double TFLOPS = 500;

    @Override
    public String gpuId() {
        return "fake";
    }

    @Override
    public int smCount() {
        return 100;
    }

    @Override
    public long kernelLaunchNs() {
        return 3_000;
    }

    @Override
    public GemmCostModel gemm() {
        return new GemmCostModel() {
            @Override
            public long timeNs(long m, long n, long k, DataType dtype, int sms) {
                return Math.round(2.0 * m * n * k / (TFLOPS * 1e3) * 100 / sms);
            }

            @Override
            public long groupedTimeNs(long[] groupRows, long n, long k, DataType dtype, int sms) {
                long sum = 0;
                for (long r : groupRows) {
                    sum += r;
                }
                return sum == 0 ? 0 : timeNs(sum, n, k, dtype, sms);
            }
        };
    }

    @Override
    public AttentionCostModel attention() {
        return new AttentionCostModel() {
            @Override
            public long forwardNs(AttentionShape shape, int sms) {
                return Math.round(shape.forwardFlops() / (TFLOPS * 1e3));
            }

            @Override
            public long backwardNs(AttentionShape shape, int sms) {
                return Math.round(shape.backwardFlops() / (TFLOPS * 1e3));
            }
        };
    }

    @Override
    public MemoryCostModel memory() {
        return (MemoryOp op, long bytes, int sms) -> bytes / 2000;
    }

    @Override
    public CollectiveCostModel collectives() {
        return (Collective op, CommGroup group, long bytes, CollectiveAlgorithm algorithm, int sms) ->
                new CollectiveEstimate(group.ranks() < 2 ? 0 : 10_000 + bytes / 100,
                        algorithm == CollectiveAlgorithm.AUTO ? CollectiveAlgorithm.RING : algorithm, false);
    }

    @Override
    public FabricRates fabric() {
        return new FabricRates(100, 25, 10, 5_000, 10_000);
    }
}
