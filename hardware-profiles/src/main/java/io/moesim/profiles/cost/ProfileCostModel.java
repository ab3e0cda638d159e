package io.moesim.profiles.cost;

import io.moesim.cost.AttentionCostModel;
import io.moesim.cost.CollectiveCostModel;
import io.moesim.cost.CostModel;
import io.moesim.cost.FabricRates;
import io.moesim.cost.GemmCostModel;
import io.moesim.cost.MemoryCostModel;
import io.moesim.hardware.GpuSpec;
import io.moesim.profiles.HardwareProfile;
import io.moesim.profiles.table.LaunchMeasurement;
import io.moesim.profiles.table.MeasuredTables;

/**
 * The {@link CostModel} of one hardware profile: the analytical models of this package, each wrapped
 * by its measured table when the profile has one.
 *
 * <pre>{@code
 * CostModel h800 = ProfileCostModel.of(Profiles.resolve("h800-sxm"));
 * long ns = h800.gemm().timeNs(4096, 7168, 2048, DataType.FP8, h800.smCount());
 * }</pre>
 *
 * @implNote immutable; thread-safe; build once per profile and share.
 */
public final class ProfileCostModel implements CostModel {
    private final GpuSpec gpu;
    private final long kernelLaunchNs;
    private final GemmCostModel gemm;
    private final AttentionCostModel attention;
    private final MemoryCostModel memory;
    private final CollectiveCostModel collectives;
    private final MeasuredTables tables;

    private ProfileCostModel(GpuSpec gpu, MeasuredTables tables) {
        this.gpu = gpu;
        this.tables = tables;
        AnalyticalGemmModel gemmModel = new AnalyticalGemmModel(gpu);
        this.gemm = tables.gemm().isEmpty() ? gemmModel
                : new MeasuredGemmModel(gemmModel, gpu.smCount(), tables.gemm());
        FlashAttentionModel attentionModel = new FlashAttentionModel(gpu);
        this.attention = tables.attention().isEmpty() ? attentionModel
                : new MeasuredAttentionModel(attentionModel, gpu.smCount(), tables.attention());
        HbmMemoryModel memoryModel = new HbmMemoryModel(gpu);
        this.memory = tables.memory().isEmpty() ? memoryModel
                : new MeasuredMemoryModel(memoryModel, gpu.smCount(), tables.memory());
        AnalyticalCollectiveModel collectiveModel = new AnalyticalCollectiveModel(gpu);
        this.collectives = tables.collectives().isEmpty() ? collectiveModel
                : new MeasuredCollectiveModel(collectiveModel, tables.collectives());
        double launchUs = gpu.kernelLaunchUs();
        for (LaunchMeasurement l : tables.launch()) {
            if (l.api().equals(LaunchMeasurement.HOST_LAUNCH)) {
                launchUs = l.timeUsMedian();
            }
        }
        this.kernelLaunchNs = Math.round(launchUs * 1e3);
    }

    /** The cost model of {@code profile}, using its measured tables. */
    public static ProfileCostModel of(HardwareProfile profile) {
        return new ProfileCostModel(profile.gpu(), profile.tables());
    }

    /** The purely analytical cost model of {@code gpu} (no measured tables). */
    public static ProfileCostModel analytical(GpuSpec gpu) {
        return new ProfileCostModel(gpu, MeasuredTables.NONE);
    }

    /** The GPU facts behind this model. */
    public GpuSpec gpu() {
        return gpu;
    }

    /** The measured tables in use. */
    public MeasuredTables tables() {
        return tables;
    }

    @Override
    public String gpuId() {
        return gpu.id();
    }

    @Override
    public int smCount() {
        return gpu.smCount();
    }

    @Override
    public long kernelLaunchNs() {
        return kernelLaunchNs;
    }

    @Override
    public GemmCostModel gemm() {
        return gemm;
    }

    @Override
    public AttentionCostModel attention() {
        return attention;
    }

    @Override
    public MemoryCostModel memory() {
        return memory;
    }

    @Override
    public CollectiveCostModel collectives() {
        return collectives;
    }

    /**
     * NVLink at the point-to-point efficiency and the NIC at the network efficiency of
     * {@link AnalyticalCollectiveModel}; the profile's {@code commSmGBps}; NCCL's base plus one NVLink
     * step (and one network step across nodes) as start-up latency.
     */
    @Override
    public FabricRates fabric() {
        double intraUs = AnalyticalCollectiveModel.BASE_LATENCY_US + AnalyticalCollectiveModel.NVLINK_STEP_US;
        return new FabricRates(gpu.nvlinkGBps() * AnalyticalCollectiveModel.P2P_NVLINK_EFFICIENCY,
                gpu.nicGBps() * AnalyticalCollectiveModel.NIC_EFFICIENCY, gpu.commSmGBps(),
                Math.round(intraUs * 1e3), Math.round((intraUs + AnalyticalCollectiveModel.NET_STEP_US) * 1e3));
    }
}
