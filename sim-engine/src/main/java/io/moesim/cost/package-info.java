/**
 * The cost interfaces: how long one operation takes on one GPU or one communication group.
 *
 * <p>The engine asks these interfaces and never knows where the answers come from. The analytical
 * models and the measured-table interpolation behind them live in module {@code hardware-profiles}
 * ({@code io.moesim.profiles.cost}); tests use hand-written fakes. Every method returns simulated
 * time in {@code long} nanoseconds, is pure (same arguments, same answer) and is safe to call from
 * several threads.
 *
 * <p>SM sharing: every compute-side method takes the number of SMs the kernel may use. When
 * communication kernels hold SMs (DeepEP, NCCL channels), the engine passes what is left and the
 * compute slows accordingly; communication takes the SMs given to it and is throttled when they
 * cannot drive the links at full speed.
 */
package io.moesim.cost;
