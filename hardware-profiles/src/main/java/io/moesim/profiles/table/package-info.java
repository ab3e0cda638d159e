/**
 * The measured tables of a hardware profile ({@code gemm.csv}, {@code membw.csv},
 * {@code collectives.csv}, {@code launch.csv}): their layouts and the Commons CSV reader and writer.
 * The JCuda probe and {@code moe-sim profiles import-nccl-tests} write them; the cost models
 * interpolate them.
 */
package io.moesim.profiles.table;
