package io.moesim.scenario;

/** What a scenario simulates. */
public enum Workload {
    /** One optimizer step of training on every GPU of the cluster. */
    TRAINING_STEP,
    /** The forward pass of one MoE layer on a TP/EP group (kernel-level comparisons). */
    MOE_LAYER,
    /** One expert-parallel dispatch and combine, as DeepEP's micro-benchmarks measure it. */
    DISPATCH;

    /** The id used in scenario files: {@code training-step}, {@code moe-layer}, {@code dispatch}. */
    public String id() {
        return Ids.lower(this);
    }

    /** @throws IllegalArgumentException naming the accepted ids */
    public static Workload fromId(String id) {
        return Ids.parse(Workload.class, "workload", id, Workload::id);
    }
}
