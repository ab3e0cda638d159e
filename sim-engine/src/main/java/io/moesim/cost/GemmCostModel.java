package io.moesim.cost;

import io.moesim.scenario.DataType;

/**
 * Time of dense and grouped matrix multiplications {@code C[m×n] = A[m×k] · B[k×n]}.
 *
 * <p>A grouped GEMM runs several independent problems that share {@code n} and {@code k} but each
 * have their own row count, in one kernel: the expert FFN GEMMs of an MoE layer, where group
 * {@code g} holds the tokens routed to local expert {@code g}. Groups with zero rows cost nothing.
 */
public interface GemmCostModel {
    /**
     * @param m     rows of A and C (tokens), at least 1
     * @param n     columns of B and C, at least 1
     * @param k     the reduction dimension, at least 1
     * @param dtype input element type ({@code bf16}, {@code fp16} or {@code fp8}); outputs are BF16
     * @param sms   SMs the kernel may use, 1 … the GPU's count
     * @return kernel time in nanoseconds
     * @throws IllegalArgumentException for a non-positive size or SM count, or a type the GPU lacks
     */
    long timeNs(long m, long n, long k, DataType dtype, int sms);

    /**
     * A grouped GEMM: {@code groupRows[g]} rows for group {@code g}, all groups sharing {@code n} and {@code k}.
     *
     * @throws IllegalArgumentException for a negative row count, an empty array, or as {@link #timeNs}
     */
    long groupedTimeNs(long[] groupRows, long n, long k, DataType dtype, int sms);
}
