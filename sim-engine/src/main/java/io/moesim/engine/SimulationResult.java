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
 * @implNote immutable; spans are materialised on request.
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
    private final long[] computeBusyNs;
    private final long[] commBusyNs;
    private final long[] overlapNs;

    SimulationResult(TaskGraph graph, SpanRecorder spans, long[] taskEnd, long[] taskStart, double[] linkBytes,
                     long events) {
        this.graph = graph;
        this.spanCount = spans.size;
        this.spanTask = Arrays.copyOf(spans.task, spans.size);
        this.spanGpu = Arrays.copyOf(spans.gpu, spans.size);
        this.spanStream = Arrays.copyOf(spans.stream, spans.size);
        this.spanStart = Arrays.copyOf(spans.start, spans.size);
        this.spanEnd = Arrays.copyOf(spans.end, spans.size);
        this.taskStart = taskStart.clone();
        this.taskEnd = taskEnd.clone();
        this.linkBytes = linkBytes.clone();
        this.events = events;
        long max = 0;
        for (long e : taskEnd) {
            max = Math.max(max, e);
        }
        this.makespanNs = max;
        int gpus = graph.topology().gpus();
        computeBusyNs = new long[gpus];
        commBusyNs = new long[gpus];
        overlapNs = new long[gpus];
        computeUnions(gpus);
    }

    private void computeUnions(int gpus) {
        List<List<long[]>> compute = new ArrayList<>();
        List<List<long[]>> comm = new ArrayList<>();
        for (int g = 0; g < gpus; g++) {
            compute.add(new ArrayList<>());
            comm.add(new ArrayList<>());
        }
        for (int i = 0; i < spanCount; i++) {
            if (spanEnd[i] > spanStart[i]) {
                boolean isComm = graph.task(spanTask[i]).communication;
                (isComm ? comm : compute).get(spanGpu[i]).add(new long[]{spanStart[i], spanEnd[i]});
            }
        }
        for (int g = 0; g < gpus; g++) {
            List<long[]> a = union(compute.get(g));
            List<long[]> b = union(comm.get(g));
            computeBusyNs[g] = length(a);
            commBusyNs[g] = length(b);
            overlapNs[g] = intersection(a, b);
        }
    }

    private static List<long[]> union(List<long[]> intervals) {
        intervals.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        List<long[]> out = new ArrayList<>();
        for (long[] iv : intervals) {
            if (!out.isEmpty() && iv[0] <= out.get(out.size() - 1)[1]) {
                long[] last = out.get(out.size() - 1);
                last[1] = Math.max(last[1], iv[1]);
            } else {
                out.add(new long[]{iv[0], iv[1]});
            }
        }
        return out;
    }

    private static long length(List<long[]> u) {
        long s = 0;
        for (long[] iv : u) {
            s += iv[1] - iv[0];
        }
        return s;
    }

    private static long intersection(List<long[]> a, List<long[]> b) {
        long s = 0;
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            long lo = Math.max(a.get(i)[0], b.get(j)[0]);
            long hi = Math.min(a.get(i)[1], b.get(j)[1]);
            if (hi > lo) {
                s += hi - lo;
            }
            if (a.get(i)[1] < b.get(j)[1]) {
                i++;
            } else {
                j++;
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

    /** One span. */
    public Span span(int i) {
        Task t = graph.task(spanTask[i]);
        return new Span(t.id, t.name, t.category, spanGpu[i], spanStream[i], spanStart[i], spanEnd[i],
                t.communication ? t.bytes : 0, t.flops);
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
        return computeBusyNs[gpu];
    }

    /** Union of the GPU's communication spans, ns. */
    public long communicationBusyNs(int gpu) {
        return commBusyNs[gpu];
    }

    /** {@code makespan − compute busy} for the GPU, ns. */
    public long exposedCommunicationNs(int gpu) {
        return makespanNs - computeBusyNs[gpu];
    }

    /** Fraction of the GPU's communication time that overlaps its compute. */
    public double overlapRatio(int gpu) {
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
