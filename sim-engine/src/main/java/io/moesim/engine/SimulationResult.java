package io.moesim.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What a run produced: every task's span on every stream it used, and the metrics derived from them.
 *
 * <ul>
 *   <li><b>makespan</b>: the end of the last task.</li>
 *   <li><b>compute busy</b> (per GPU): the union of the GPU's compute spans.</li>
 *   <li><b>communication busy</b> (per GPU): the union of its communication spans.</li>
 *   <li><b>exposed communication</b> (per GPU): {@code makespan − compute busy}: time the GPU is not
 *       computing, whatever it waits for.</li>
 *   <li><b>overlap ratio</b> (per GPU): the part of communication-busy time during which the GPU also
 *       computes, over communication-busy time (0 without communication).</li>
 *   <li><b>link utilisation</b>: bytes a link carried over {@code capacity · makespan}.</li>
 * </ul>
 *
 * @implNote immutable (metrics are computed once, on first request, under a lock); spans are
 * materialised on request.
 */
public final class SimulationResult {
    private final TaskGraph graph;
    private final int spanCount;
    private final int[] spanTask;
    private final int[] spanGpu;
    private final int[] spanStream;
    private final long[] spanStart;
    private final long[] spanEnd;
    private final long[] taskStart;
    private final long[] taskEnd;
    private final double[] linkBytes;
    private final long events;
    private final long makespanNs;
    private long[] computeBusyNs;
    private long[] commBusyNs;
    private long[] overlapNs;

    SimulationResult(TaskGraph graph, SpanRecorder spans, long[] taskEnd, long[] taskStart, double[] linkBytes,
                     long events) {
        this.graph = graph;
        this.spanCount = spans.size;
        // The run that produced these arrays is discarded, so the result takes them over without copying.
        this.spanTask = spans.task;
        this.spanGpu = spans.gpu;
        this.spanStream = spans.stream;
        this.spanStart = spans.start;
        this.spanEnd = spans.end;
        this.taskStart = taskStart;
        this.taskEnd = taskEnd;
        this.linkBytes = linkBytes;
        this.events = events;
        long max = 0;
        for (long e : taskEnd) {
            max = Math.max(max, e);
        }
        this.makespanNs = max;
    }

    /**
     * Per-GPU unions, computed on first use. Spans of one stream are recorded in start order (a stream
     * runs in order), so each stream's spans form a sorted run; the union merges the runs linearly.
     */
    private synchronized void computeUnions() {
        if (computeBusyNs != null) {
            return;
        }
        int gpus = graph.topology().gpus();
        int streams = graph.streamsPerGpu();
        int queues = gpus * streams;
        int[] start = new int[queues + 1];
        for (int i = 0; i < spanCount; i++) {
            start[spanGpu[i] * streams + spanStream[i] + 1]++;
        }
        for (int q = 0; q < queues; q++) {
            start[q + 1] += start[q];
        }
        int[] order = new int[spanCount];
        int[] fill = Arrays.copyOf(start, queues);
        for (int i = 0; i < spanCount; i++) {
            order[fill[spanGpu[i] * streams + spanStream[i]]++] = i;
        }
        long[] compute = new long[gpus];
        long[] comm = new long[gpus];
        long[] overlap = new long[gpus];
        for (int g = 0; g < gpus; g++) {
            long[] computeUnion = new long[0];
            long[] commUnion = new long[0];
            for (int s = 0; s < streams; s++) {
                int q = g * streams + s;
                computeUnion = merge(computeUnion, run(order, start[q], start[q + 1], false));
                commUnion = merge(commUnion, run(order, start[q], start[q + 1], true));
            }
            compute[g] = length(computeUnion);
            comm[g] = length(commUnion);
            overlap[g] = intersection(computeUnion, commUnion);
        }
        computeBusyNs = compute;
        commBusyNs = comm;
        overlapNs = overlap;
    }

    /** The non-empty spans of one class in one stream's run, as flattened [start, end] pairs, merged. */
    private long[] run(int[] order, int from, int to, boolean communication) {
        long[] out = new long[2 * (to - from)];
        int size = 0;
        for (int k = from; k < to; k++) {
            int i = order[k];
            int t = spanTask[i];
            if (spanEnd[i] <= spanStart[i] || graph.isCommunication[t] != communication || graph.isHost[t]) {
                continue;
            }
            if (size > 0 && spanStart[i] <= out[size - 1]) {
                out[size - 1] = Math.max(out[size - 1], spanEnd[i]);
            } else {
                out[size++] = spanStart[i];
                out[size++] = spanEnd[i];
            }
        }
        return Arrays.copyOf(out, size);
    }

    /** Union of two sorted, internally disjoint interval lists. */
    private static long[] merge(long[] a, long[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        long[] out = new long[a.length + b.length];
        int size = 0;
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            long s;
            long e;
            if (j >= b.length || (i < a.length && a[i] <= b[j])) {
                s = a[i];
                e = a[i + 1];
                i += 2;
            } else {
                s = b[j];
                e = b[j + 1];
                j += 2;
            }
            if (size > 0 && s <= out[size - 1]) {
                out[size - 1] = Math.max(out[size - 1], e);
            } else {
                out[size++] = s;
                out[size++] = e;
            }
        }
        return Arrays.copyOf(out, size);
    }

    private static long length(long[] u) {
        long s = 0;
        for (int i = 0; i < u.length; i += 2) {
            s += u[i + 1] - u[i];
        }
        return s;
    }

    private static long intersection(long[] a, long[] b) {
        long s = 0;
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            long lo = Math.max(a[i], b[j]);
            long hi = Math.min(a[i + 1], b[j + 1]);
            if (hi > lo) {
                s += hi - lo;
            }
            if (a[i + 1] < b[j + 1]) {
                i += 2;
            } else {
                j += 2;
            }
        }
        return s;
    }

    /** The graph that was simulated. */
    public TaskGraph graph() {
        return graph;
    }

    /** End of the last task, ns. */
    public long makespanNs() {
        return makespanNs;
    }

    /** Events the engine processed (stale ones included). */
    public long events() {
        return events;
    }

    /** Start of a task, ns. */
    public long startNs(int task) {
        return taskStart[task];
    }

    /** End of a task, ns. */
    public long endNs(int task) {
        return taskEnd[task];
    }

    /** Number of spans. */
    public int spanCount() {
        return spanCount;
    }

    /** GPU of span {@code i} (no allocation, for loops over many spans). */
    public int spanGpu(int i) {
        return spanGpu[i];
    }

    /** Stream of span {@code i}. */
    public int spanStream(int i) {
        return spanStream[i];
    }

    /** Category of span {@code i}'s task. */
    public Category spanCategory(int i) {
        return graph.category(spanTask[i]);
    }

    /** Start of span {@code i}, ns. */
    public long spanStartNs(int i) {
        return spanStart[i];
    }

    /** End of span {@code i}, ns. */
    public long spanEndNs(int i) {
        return spanEnd[i];
    }

    /** Duration of span {@code i}, ns. */
    public long spanDurationNs(int i) {
        return spanEnd[i] - spanStart[i];
    }

    /** One span. */
    public Span span(int i) {
        int t = spanTask[i];
        return new Span(t, graph.name(t), graph.category(t), spanGpu[i], spanStream[i], spanStart[i], spanEnd[i],
                graph.bytes(t), graph.flops(t));
    }

    /** All spans, in completion order. */
    public List<Span> spans() {
        List<Span> out = new ArrayList<>(spanCount);
        for (int i = 0; i < spanCount; i++) {
            out.add(span(i));
        }
        return Collections.unmodifiableList(out);
    }

    /** Union of the GPU's compute spans, ns. */
    public long computeBusyNs(int gpu) {
        computeUnions();
        return computeBusyNs[gpu];
    }

    /** Union of the GPU's communication spans, ns. */
    public long communicationBusyNs(int gpu) {
        computeUnions();
        return commBusyNs[gpu];
    }

    /** {@code makespan − compute busy} for the GPU, ns. */
    public long exposedCommunicationNs(int gpu) {
        return makespanNs - computeBusyNs(gpu);
    }

    /** Fraction of the GPU's communication time that overlaps its compute. */
    public double overlapRatio(int gpu) {
        computeUnions();
        return commBusyNs[gpu] == 0 ? 0 : (double) overlapNs[gpu] / commBusyNs[gpu];
    }

    /** Busy time of one stream of one GPU (its spans never overlap), ns. */
    public long streamBusyNs(int gpu, int stream) {
        long s = 0;
        for (int i = 0; i < spanCount; i++) {
            if (spanGpu[i] == gpu && spanStream[i] == stream) {
                s += spanEnd[i] - spanStart[i];
            }
        }
        return s;
    }

    /** Bytes {@code link} carried. */
    public double linkBytes(int link) {
        return linkBytes[link];
    }

    /** Bytes carried over capacity × makespan, 0 … 1. */
    public double linkUtilisation(int link) {
        return makespanNs == 0 ? 0 : linkBytes[link] / (graph.topology().capacity(link) * makespanNs);
    }

    /** Bytes that left {@code gpu} through its NVLink and NIC ports. */
    public double bytesSent(int gpu) {
        Topology t = graph.topology();
        return linkBytes[t.port(gpu, Topology.NVLINK_OUT)] + linkBytes[t.port(gpu, Topology.NIC_OUT)];
    }

    /** Bytes that entered {@code gpu} through its NVLink and NIC ports. */
    public double bytesReceived(int gpu) {
        Topology t = graph.topology();
        return linkBytes[t.port(gpu, Topology.NVLINK_IN)] + linkBytes[t.port(gpu, Topology.NIC_IN)];
    }
}
