package io.moesim.engine;

/**
 * One node of a {@link TaskGraph}. A compute task runs on one stream of one GPU; a communication task
 * occupies one stream on each participating GPU (like an NCCL or DeepEP kernel launched on every rank)
 * and loads a set of links with bytes.
 *
 * @implNote immutable after the graph is built; arrays are not exposed.
 */
final class Task {
    final int id;
    final String name;
    final Category category;
    final boolean communication;
    final int[] gpus;
    final int[] streams;
    final long workNs;
    final double flops;
    final long latencyNs;
    final int smsHeld;
    final double capBytesPerNs;
    final long bytes;
    final int[] links;
    final double[] loads;
    final double maxLoad;
    /** As given to the builder; released (null) once {@link TaskGraph} has copied them into its arrays. */
    int[] deps;

    Task(int id, String name, Category category, boolean communication, int[] gpus, int[] streams, long workNs,
         double flops, long latencyNs, int smsHeld, double capBytesPerNs, long bytes, int[] links, double[] loads,
         int[] deps) {
        this.id = id;
        this.name = name;
        this.category = category;
        this.communication = communication;
        this.gpus = gpus;
        this.streams = streams;
        this.workNs = workNs;
        this.flops = flops;
        this.latencyNs = latencyNs;
        this.smsHeld = smsHeld;
        this.capBytesPerNs = capBytesPerNs;
        this.bytes = bytes;
        this.links = links;
        this.loads = loads;
        double max = 0;
        for (double l : loads) {
            max = Math.max(max, l);
        }
        this.maxLoad = max;
        this.deps = deps;
    }
}
