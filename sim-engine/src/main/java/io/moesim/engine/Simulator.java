package io.moesim.engine;

import java.util.Arrays;

/**
 * The discrete-event engine: runs a {@link TaskGraph} to completion and returns an immutable
 * {@link SimulationResult}.
 *
 * <h2>Model</h2>
 * Work progresses at rates that change only at events (a fluid model):
 * <ul>
 *   <li>A compute task needs {@code workNs} at full speed; while communication kernels on its GPU hold
 *       {@code h} of the GPU's {@code S} SMs it runs at {@code (S − h)/S} (at least {@code 1/S}).</li>
 *   <li>A communication task first waits its fixed latency, then moves its bytes: each link carries its
 *       load. Concurrent tasks share links max-min fairly (progressive filling over the task's "level",
 *       the rate on its most loaded link, each link charged in proportion to the task's load on it);
 *       a task's own cap bounds its level. Rates are recomputed whenever a task starts or stops moving data.</li>
 *   <li>A stream runs its tasks in creation order; a task starts when its dependencies have finished and
 *       it heads the stream of every participant.</li>
 * </ul>
 *
 * <h2>Event order</h2>
 * Events are ordered by (time, phase, sequence): phase {@value #PHASE_FINISH} finishes a task,
 * phase {@value #PHASE_LATENCY} ends a communication's latency; the sequence number is assigned by the
 * queue in push order. After all events of one instant are handled, the tasks that became ready start
 * in id order, then rates are recomputed. Everything is deterministic: the same graph gives a
 * bit-identical result.
 *
 * <h2>Rounding</h2>
 * A completion is scheduled at {@code now + ⌈remaining / rate⌉} ns; so times are exact integers for
 * whole-nanosecond work at full rate, and never early.
 *
 * @implNote stateless; each {@link #run} allocates its own state, so runs may proceed in parallel.
 */
public final class Simulator {
    /** Events between two listener calls. */
    public static final int LISTENER_INTERVAL = 4096;
    static final int PHASE_FINISH = 0;
    static final int PHASE_LATENCY = 1;

    private Simulator() {
    }

    /** Runs {@code graph} without a listener. */
    public static SimulationResult run(TaskGraph graph) {
        return run(graph, SimulationListener.NONE);
    }

    /**
     * Runs {@code graph}.
     *
     * @throws SimulationCancelledException if the listener cancels
     */
    public static SimulationResult run(TaskGraph graph, SimulationListener listener) {
        return new Run(graph, listener).execute();
    }

    /** The mutable state of one run. */
    private static final class Run {
        private final TaskGraph graph;
        private final Topology topo;
        private final SimulationListener listener;
        private final int n;
        private final int streams;
        private final int sm;

        // dependency and stream bookkeeping (structure shared, read-only, from the graph)
        private final int[] pendingDeps;
        private final int[] streamHead;

        // task state
        private final boolean[] started;
        private final boolean[] inFlow;
        private final long[] startNs;
        private final long[] endNs;
        private final int[] version;
        /** Activity slot of a running compute task or a flowing communication (-1 otherwise). */
        private final int[] slotOf;
        // per-slot state of running activities; slots are reused, so memory follows concurrency, not graph size
        private double[] remaining = new double[64];
        private double[] rate = new double[64];
        private long[] lastNs = new long[64];
        private double[] level = new double[64];
        private boolean[] frozen = new boolean[64];
        private int[] componentStamp = new int[64];
        private int[] freeSlots = new int[64];
        private int freeCount;
        private int slotCount;

        // per GPU
        private final int[] heldSms;
        private final int[][] running;
        private final int[] runningCount;
        private final boolean[] gpuDirty;
        private final int[] dirtyGpus;
        private int dirtyCount;

        // flows
        private final double[] linkRemaining;
        private final double[] linkWeight;
        private final double[] linkBytes;
        private final int[] touched;
        private final int[][] linkFlows;
        private final int[] linkFlowCount;
        private int[] dirtyFlows = new int[16];
        private int dirtyFlowCount;
        private int stamp;
        private int[] component = new int[16];

        // ready list of the current instant
        private int[] ready = new int[16];
        private int readyCount;

        private final EventQueue queue = new EventQueue();
        private final SpanRecorder spans;
        private long now;
        private int done;
        private long events;

        Run(TaskGraph graph, SimulationListener listener) {
            this.graph = graph;
            this.topo = graph.topology();
            this.listener = listener;
            this.n = graph.size();
            this.streams = graph.streamsPerGpu();
            this.sm = topo.smCount();
            int gpus = topo.gpus();
            pendingDeps = graph.initialPending.clone();
            streamHead = new int[gpus * streams];
            for (int q = 0; q < streamHead.length; q++) {
                streamHead[q] = graph.streamStart[q];
            }
            started = new boolean[n];
            inFlow = new boolean[n];
            startNs = new long[n];
            endNs = new long[n];
            version = new int[n];
            slotOf = new int[n];
            heldSms = new int[gpus];
            running = new int[gpus][streams];
            runningCount = new int[gpus];
            gpuDirty = new boolean[gpus];
            dirtyGpus = new int[gpus];
            linkRemaining = new double[topo.linkCount()];
            linkWeight = new double[topo.linkCount()];
            linkBytes = new double[topo.linkCount()];
            touched = new int[topo.linkCount()];
            linkFlows = new int[topo.linkCount()][];
            linkFlowCount = new int[topo.linkCount()];
            spans = new SpanRecorder(graph.participantStart[n]);
        }

        SimulationResult execute() {
            for (int t = 0; t < n; t++) {
                checkReady(t);
            }
            startReady();
            updateRates();
            while (done < n) {
                if (queue.isEmpty()) {
                    throw new IllegalStateException("engine stalled with " + (n - done) + " unfinished tasks at " + now + " ns");
                }
                now = queue.peekTime();
                while (!queue.isEmpty() && queue.peekTime() == now) {
                    int phase = queue.headPhase();
                    int task = queue.headTask();
                    int ver = queue.headVersion();
                    queue.pop();
                    events++;
                    if (ver != version[task]) {
                        continue;
                    }
                    if (phase == PHASE_LATENCY) {
                        beginFlow(task);
                    } else {
                        finish(task);
                    }
                }
                startReady();
                updateRates();
                if (events % LISTENER_INTERVAL == 0 || events < 2) {
                    notifyListener();
                }
            }
            listener.progress(done, n, now);
            return new SimulationResult(graph, spans, endNs, startNs, linkBytes, events);
        }

        private void notifyListener() {
            listener.progress(done, n, now);
            if (listener.cancelled()) {
                throw new SimulationCancelledException(now);
            }
        }

        // ---- readiness ------------------------------------------------------------------------

        private void checkReady(int t) {
            if (started[t] || pendingDeps[t] != 0) {
                return;
            }
            if (graph.participants[t] == 1) {
                if (graph.streamTasks[streamHead[graph.firstQueue[t]]] != t) {
                    return;
                }
            } else {
                for (int i = graph.participantStart[t], end = graph.participantStart[t + 1]; i < end; i++) {
                    if (graph.streamTasks[streamHead[graph.participantQueues[i]]] != t) {
                        return;
                    }
                }
            }
            started[t] = true;
            if (readyCount == ready.length) {
                ready = Arrays.copyOf(ready, readyCount * 2);
            }
            ready[readyCount++] = t;
        }

        private void startReady() {
            if (readyCount == 0) {
                return;
            }
            Arrays.sort(ready, 0, readyCount);
            int count = readyCount;
            readyCount = 0;
            for (int i = 0; i < count; i++) {
                start(ready[i]);
            }
        }

        private void start(int t) {
            startNs[t] = now;
            if (!graph.isCommunication[t]) {
                long work = graph.work[t];
                if (work == 0) {
                    queue.push(now, PHASE_FINISH, t, version[t]);
                    return;
                }
                int g = graph.firstQueue[t] / streams;
                running[g][runningCount[g]++] = t;
                allocSlot(t);
                remaining[slotOf[t]] = work;
                lastNs[slotOf[t]] = now;
                rate[slotOf[t]] = 0;
                if (!gpuDirty[g]) {
                    // Compute tasks do not slow each other: only held SMs set the rate, so a start needs no
                    // re-rating of the GPU's other tasks. (A GPU already marked is re-rated in updateRates.)
                    rate[slotOf[t]] = Math.max(1, sm - heldSms[g]) / (double) sm;
                    schedule(t);
                }
                return;
            }
            int held = graph.smsHeld[t];
            if (held > 0) {
                for (int i = graph.participantStart[t], end = graph.participantStart[t + 1]; i < end; i++) {
                    int g = graph.participantQueues[i] / streams;
                    heldSms[g] += held;
                    markDirty(g);
                }
            }
            long latency = graph.latencyNs[t];
            if (latency > 0) {
                // A task that moves no bytes (a latency-only collective, a host task) ends with its latency:
                // one event instead of a latency event followed by a finish at the same instant.
                queue.push(now + latency, graph.movesBytes[t] ? PHASE_LATENCY : PHASE_FINISH, t, version[t]);
            } else {
                beginFlow(t);
            }
        }

        private void beginFlow(int t) {
            int from = graph.linkStart[t];
            int to = graph.linkStart[t + 1];
            if (from == to) {
                queue.push(now, PHASE_FINISH, t, version[t]);
                return;
            }
            inFlow[t] = true;
            allocSlot(t);
            remaining[slotOf[t]] = 1.0;
            lastNs[slotOf[t]] = now;
            rate[slotOf[t]] = 0;
            for (int k = from; k < to; k++) {
                int l = graph.linkIds[k];
                int[] list = linkFlows[l];
                if (list == null) {
                    list = linkFlows[l] = new int[4];
                } else if (linkFlowCount[l] == list.length) {
                    list = linkFlows[l] = Arrays.copyOf(list, list.length * 2);
                }
                list[linkFlowCount[l]++] = t;
            }
            markFlowDirty(t);
        }

        private void markFlowDirty(int t) {
            if (dirtyFlowCount == dirtyFlows.length) {
                dirtyFlows = Arrays.copyOf(dirtyFlows, dirtyFlowCount * 2);
            }
            dirtyFlows[dirtyFlowCount++] = t;
        }

        private void finish(int t) {
            endNs[t] = now;
            done++;
            version[t]++;
            if (!graph.isCommunication[t]) {
                int q = graph.firstQueue[t];
                int g = q / streams;
                spans.add(t, g, q - g * streams, startNs[t], now);
                int[] r = running[g];
                for (int i = 0; i < runningCount[g]; i++) {
                    if (r[i] == t) {
                        r[i] = r[--runningCount[g]];
                        freeSlot(t);
                        break;
                    }
                }
                advanceHead(q);
            } else {
                int from = graph.participantStart[t];
                int to = graph.participantStart[t + 1];
                for (int i = from; i < to; i++) {
                    int q = graph.participantQueues[i];
                    int g = q / streams;
                    spans.add(t, g, q - g * streams, startNs[t], now);
                }
                if (inFlow[t]) {
                    inFlow[t] = false;
                    freeSlot(t);
                    for (int k = graph.linkStart[t], end = graph.linkStart[t + 1]; k < end; k++) {
                        int l = graph.linkIds[k];
                        linkBytes[l] += graph.linkLoads[k];
                        int[] list = linkFlows[l];
                        int count = linkFlowCount[l];
                        for (int j = 0; j < count; j++) {
                            if (list[j] == t) {
                                System.arraycopy(list, j + 1, list, j, count - j - 1);
                                linkFlowCount[l] = --count;
                                break;
                            }
                        }
                        if (count > 0) {
                            markFlowDirty(list[0]);
                        }
                    }
                }
                int held = graph.smsHeld[t];
                if (held > 0) {
                    for (int i = from; i < to; i++) {
                        int g = graph.participantQueues[i] / streams;
                        heldSms[g] -= held;
                        markDirty(g);
                    }
                }
                for (int i = from; i < to; i++) {
                    advanceHead(graph.participantQueues[i]);
                }
            }
            int[] deps = graph.dependents;
            for (int i = graph.dependentStart[t], end = graph.dependentStart[t + 1]; i < end; i++) {
                int d = deps[i];
                if (--pendingDeps[d] == 0) {
                    checkReady(d);
                }
            }
        }

        private void allocSlot(int t) {
            int slot;
            if (freeCount > 0) {
                slot = freeSlots[--freeCount];
            } else {
                slot = slotCount++;
                if (slot == remaining.length) {
                    int cap = slot * 2;
                    remaining = Arrays.copyOf(remaining, cap);
                    rate = Arrays.copyOf(rate, cap);
                    lastNs = Arrays.copyOf(lastNs, cap);
                    level = Arrays.copyOf(level, cap);
                    frozen = Arrays.copyOf(frozen, cap);
                    componentStamp = Arrays.copyOf(componentStamp, cap);
                    freeSlots = Arrays.copyOf(freeSlots, cap);
                }
            }
            slotOf[t] = slot;
            componentStamp[slot] = 0;
        }

        private void freeSlot(int t) {
            freeSlots[freeCount++] = slotOf[t];
        }

        private void advanceHead(int s) {
            streamHead[s]++;
            if (streamHead[s] < graph.streamStart[s + 1]) {
                checkReady(graph.streamTasks[streamHead[s]]);
            }
        }

        // ---- rates ----------------------------------------------------------------------------

        private void markDirty(int g) {
            if (!gpuDirty[g]) {
                gpuDirty[g] = true;
                dirtyGpus[dirtyCount++] = g;
            }
        }

        private void updateRates() {
            for (int i = 0; i < dirtyCount; i++) {
                int g = dirtyGpus[i];
                gpuDirty[g] = false;
                double r = Math.max(1, sm - heldSms[g]) / (double) sm;
                for (int j = 0; j < runningCount[g]; j++) {
                    int t = running[g][j];
                    if (rate[slotOf[t]] != r) {
                        advance(t);
                        rate[slotOf[t]] = r;
                        schedule(t);
                    }
                }
            }
            dirtyCount = 0;
            if (dirtyFlowCount > 0) {
                shareDirtyComponents();
            }
        }

        private void advance(int t) {
            if (rate[slotOf[t]] > 0) {
                remaining[slotOf[t]] = Math.max(0, remaining[slotOf[t]] - rate[slotOf[t]] * (now - lastNs[slotOf[t]]));
            }
            lastNs[slotOf[t]] = now;
        }

        private void schedule(int t) {
            version[t]++;
            double ns = remaining[slotOf[t]] / rate[slotOf[t]] - 1e-9;
            long whole = (long) ns;
            long at = now + (whole < ns ? whole + 1 : whole);
            queue.push(Math.max(now, at), PHASE_FINISH, t, version[t]);
        }

        /**
         * Re-shares the links of every connected component (flows linked through common links) that
         * contains a flow which started or a link a finished flow left; other flows keep their rates.
         */
        private void shareDirtyComponents() {
            stamp++;
            for (int i = 0; i < dirtyFlowCount; i++) {
                int seed = dirtyFlows[i];
                if (!inFlow[seed] || componentStamp[slotOf[seed]] == stamp) {
                    continue;
                }
                int size = 0;
                componentStamp[slotOf[seed]] = stamp;
                component = ensure(component, size + 1);
                component[size++] = seed;
                for (int head = 0; head < size; head++) {
                    int member = component[head];
                    for (int k = graph.linkStart[member], end = graph.linkStart[member + 1]; k < end; k++) {
                        int l = graph.linkIds[k];
                        int[] list = linkFlows[l];
                        for (int j = 0; j < linkFlowCount[l]; j++) {
                            int f = list[j];
                            if (componentStamp[slotOf[f]] != stamp) {
                                componentStamp[slotOf[f]] = stamp;
                                component = ensure(component, size + 1);
                                component[size++] = f;
                            }
                        }
                    }
                }
                Arrays.sort(component, 0, size);
                shareLinks(component, size);
            }
            dirtyFlowCount = 0;
        }

        /** A flow that shares no link: its level is its cap or its tightest link's capacity. */
        private void shareAlone(int f) {
            advance(f);
            double max = graph.maxLoad[f];
            double lvl = graph.capBytesPerNs[f];
            for (int k = graph.linkStart[f], end = graph.linkStart[f + 1]; k < end; k++) {
                lvl = Math.min(lvl, topo.capacity(graph.linkIds[k]) * max / graph.linkLoads[k]);
            }
            double r = lvl / max;
            if (r != rate[slotOf[f]]) {
                rate[slotOf[f]] = r;
                schedule(f);
            }
        }

        private static int[] ensure(int[] a, int size) {
            return size <= a.length ? a : Arrays.copyOf(a, Math.max(size, a.length * 2));
        }

        /** Max-min fair progressive filling over {@code flows[0..flowCount)}; sets each flow's rate (progress/ns). */
        private void shareLinks(int[] flows, int flowCount) {
            if (flowCount == 1) {
                shareAlone(flows[0]);
                return;
            }
            int touchedCount = 0;
            for (int i = 0; i < flowCount; i++) {
                int f = flows[i];
                advance(f);
                frozen[slotOf[f]] = false;
                level[slotOf[f]] = 0;
                for (int k = graph.linkStart[f], end = graph.linkStart[f + 1]; k < end; k++) {
                    int l = graph.linkIds[k];
                    if (linkWeight[l] == 0 && linkRemaining[l] == 0) {
                        touched[touchedCount++] = l;
                        linkRemaining[l] = topo.capacity(l);
                    }
                    linkWeight[l] = -1;
                }
            }
            int unfrozen = flowCount;
            double current = 0;
            while (unfrozen > 0) {
                for (int i = 0; i < touchedCount; i++) {
                    linkWeight[touched[i]] = 0;
                }
                double step = Double.POSITIVE_INFINITY;
                for (int i = 0; i < flowCount; i++) {
                    int f = flows[i];
                    if (frozen[slotOf[f]]) {
                        continue;
                    }
                    double max = graph.maxLoad[f];
                    for (int k = graph.linkStart[f], end = graph.linkStart[f + 1]; k < end; k++) {
                        linkWeight[graph.linkIds[k]] += graph.linkLoads[k] / max;
                    }
                    step = Math.min(step, graph.capBytesPerNs[f] - current);
                }
                for (int i = 0; i < touchedCount; i++) {
                    int l = touched[i];
                    if (linkWeight[l] > 0) {
                        step = Math.min(step, linkRemaining[l] / linkWeight[l]);
                    }
                }
                step = Math.max(0, step);
                current += step;
                for (int i = 0; i < touchedCount; i++) {
                    int l = touched[i];
                    linkRemaining[l] -= step * linkWeight[l];
                }
                int frozenNow = 0;
                for (int i = 0; i < flowCount; i++) {
                    int f = flows[i];
                    if (frozen[slotOf[f]]) {
                        continue;
                    }
                    boolean saturated = graph.capBytesPerNs[f] - current <= 1e-12 * Math.max(1, current);
                    for (int k = graph.linkStart[f], end = graph.linkStart[f + 1]; k < end && !saturated; k++) {
                        int l = graph.linkIds[k];
                        saturated = linkRemaining[l] <= 1e-12 * topo.capacity(l);
                    }
                    if (saturated) {
                        frozen[slotOf[f]] = true;
                        level[slotOf[f]] = current;
                        frozenNow++;
                    }
                }
                if (frozenNow == 0) {
                    throw new IllegalStateException("link sharing made no progress");
                }
                unfrozen -= frozenNow;
            }
            for (int i = 0; i < touchedCount; i++) {
                linkWeight[touched[i]] = 0;
                linkRemaining[touched[i]] = 0;
            }
            for (int i = 0; i < flowCount; i++) {
                int f = flows[i];
                double r = level[slotOf[f]] / graph.maxLoad[f];
                if (r != rate[slotOf[f]]) {
                    rate[slotOf[f]] = r;
                    schedule(f);
                }
            }
        }
    }
}
