package io.moesim.engine;

/**
 * One task's occupation of one stream of one GPU.
 *
 * @param task     task id in the graph
 * @param name     task name
 * @param category what it does
 * @param gpu      GPU
 * @param stream   stream on that GPU
 * @param startNs  start, simulated ns
 * @param endNs    end, simulated ns (≥ start)
 * @param bytes    bytes the task moves (communication) or 0
 * @param flops    FLOPs (compute) or 0
 */
public record Span(int task, String name, Category category, int gpu, int stream, long startNs, long endNs, long bytes,
                   double flops) {
    /** Duration in ns. */
    public long durationNs() {
        return endNs - startNs;
    }
}
