/**
 * The cost models behind {@link io.moesim.cost.CostModel}: analytical models of GEMM tile and wave
 * quantization, FlashAttention, memory-bound kernels and collectives, calibrated against
 * micro-benchmarks only (every constant names its source), and their model-guided interpolation of a
 * profile's measured tables. Entry point: {@link io.moesim.profiles.cost.ProfileCostModel}.
 */
package io.moesim.profiles.cost;
