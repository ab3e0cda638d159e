package io.moesim.scenario;

/** The MoE token dispatcher (Megatron-Core's {@code --moe-token-dispatcher-type}, DeepEP as "flex"). */
public enum Dispatcher {
    /** NCCL all-to-all between the ranks of the expert-parallel group. */
    ALLTOALL,
    /** All-gather of tokens within the group, then local selection (Megatron "allgather"). */
    ALLGATHER,
    /** DeepEP's fused dispatch/combine kernels (NVLink + RDMA forwarding). */
    DEEPEP;

    /** The id used in scenario files. */
    public String id() {
        return Ids.lower(this);
    }

    /** @throws IllegalArgumentException naming the accepted ids */
    public static Dispatcher fromId(String id) {
        return Ids.parse(Dispatcher.class, "dispatcher", id, Dispatcher::id);
    }
}
