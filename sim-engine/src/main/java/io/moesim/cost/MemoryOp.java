package io.moesim.cost;

/**
 * Memory-bound kernels, whose time is the bytes they move over HBM. Each kind reaches a different
 * fraction of the HBM bandwidth (gathers and sorts less than streaming copies).
 */
public enum MemoryOp {
    /** Streaming copy or elementwise kernel (casts, residual adds, bias). */
    ELEMENTWISE,
    /** RMSNorm / LayerNorm forward or backward. */
    NORM,
    /** Activation function (SwiGLU, GELU), forward or backward. */
    ACTIVATION,
    /** Router: gate softmax / sigmoid, top-k selection and load-balancing statistics. */
    ROUTER_TOPK,
    /** Token permutation before the expert GEMMs (a gather by expert). */
    PERMUTE,
    /** Token un-permutation and weighted combine after the expert GEMMs (a scatter-add). */
    UNPERMUTE,
    /** Optimizer step (Adam: read param, grad, two moments; write param and moments). */
    OPTIMIZER_STEP;

    /** The id used on the command line and in tables ({@code router-topk}). */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** @throws IllegalArgumentException naming the accepted ids */
    public static MemoryOp fromId(String id) {
        for (MemoryOp op : values()) {
            if (op.id().equals(id)) {
                return op;
            }
        }
        StringBuilder ids = new StringBuilder();
        for (MemoryOp op : values()) {
            ids.append(ids.length() == 0 ? "" : ", ").append(op.id());
        }
        throw new IllegalArgumentException("unknown memory op '" + id + "' (expected one of: " + ids + ")");
    }
}
