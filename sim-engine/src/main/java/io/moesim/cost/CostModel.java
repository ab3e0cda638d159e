package io.moesim.cost;

/**
 * Everything the engine needs to price operations on one kind of GPU. Built from a hardware profile
 * by {@code io.moesim.profiles.cost.ProfileCostModel} in module {@code hardware-profiles}.
 */
public interface CostModel {
    /** The GPU's profile id. */
    String gpuId();

    /** SMs on the GPU: the default and the maximum for the {@code sms} arguments. */
    int smCount();

    /** Host-side overhead of launching one kernel, in nanoseconds (hidden when the CPU runs ahead). */
    long kernelLaunchNs();

    GemmCostModel gemm();

    AttentionCostModel attention();

    MemoryCostModel memory();

    CollectiveCostModel collectives();

    /** Effective link and SM rates for traffic the engine routes itself (all-to-all, dispatch). */
    FabricRates fabric();
}
