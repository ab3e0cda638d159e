package io.moesim.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The work of a simulation: tasks on GPU streams, with dependencies, over a {@link Topology}.
 *
 * <p>Tasks get increasing ids in creation order and may depend only on earlier tasks, so the graph is
 * acyclic by construction. Each stream runs its tasks in creation order (CUDA semantics: in order per
 * stream, concurrent across streams); a communication task waits until it is at the head of the stream
 * of every participant. Because every stream follows the one global creation order, the simulation
 * cannot deadlock.
 *
 * <pre>{@code
 * TaskGraph.Builder b = TaskGraph.builder(topology);
 * int gemm = b.compute(0, 0, "fc1", Category.GEMM, 120_000, 2.4e12);
 * int send = b.transfer(0, 1, 4, 1, 64 << 20, "send", Category.PP_COMM, 5_000, 0, gemm);
 * TaskGraph g = b.build();
 * }</pre>
 */
public final class TaskGraph {
    /** Stream index conventionally used for compute. */
    public static final int COMPUTE_STREAM = 0;
    /** Stream index conventionally used for communication. */
    public static final int COMM_STREAM = 1;

    private static final Category[] CATEGORIES = Category.values();

    private final Topology topology;
    private final int size;
    private final int streamsPerGpu;
    /**
     * Report fields per task: name (one String per distinct name), category ordinal, FLOPs, and a
     * communication task's bytes. The graph keeps no {@link Task} objects: they are only the builder's.
     */
    private final String[] names;
    private final byte[] categories;
    private final double[] flops;
    private final long[] bytes;
    /** Distinct unfinished dependencies each task starts with. */
    final int[] initialPending;
    /** Dependencies of task t: {@code depIds[depStart[t] .. depStart[t+1])}, distinct. */
    final int[] depStart;
    final int[] depIds;
    /** Dependents of task t: {@code dependents[dependentStart[t] .. dependentStart[t+1])}, distinct. */
    final int[] dependentStart;
    final int[] dependents;
    /** Tasks of stream s ({@code gpu·streamsPerGpu + stream}) in order: {@code streamTasks[streamStart[s] .. streamStart[s+1])}. */
    final int[] streamStart;
    final int[] streamTasks;
    /** Hot per-task fields as arrays (the engine's inner loop avoids dereferencing {@link Task}). */
    final int[] firstQueue;
    final int[] participants;
    /** Stream queues of task t's participants: {@code participantQueues[participantStart[t] ..]}. */
    final int[] participantStart;
    final int[] participantQueues;
    final boolean[] isCommunication;
    /** Whether task t is host (CPU) work: neither compute nor communication in the metrics. */
    final boolean[] isHost;
    final long[] work;
    /** A communication task's fixed latency, the SMs it holds on each participant, and whether it moves bytes. */
    final long[] latencyNs;
    final int[] smsHeld;
    final boolean[] movesBytes;
    /**
     * Links a communication task loads and its load on each: {@code linkIds[linkStart[t] .. linkStart[t+1])}
     * with {@code linkLoads} in the same positions; its largest load and its rate cap (the engine's flow code
     * reads these arrays, not {@link Task}).
     */
    final int[] linkStart;
    final int[] linkIds;
    final double[] linkLoads;
    final double[] maxLoad;
    final double[] capBytesPerNs;

    private TaskGraph(Topology topology, Task[] tasks, int streamsPerGpu) {
        this.topology = topology;
        this.size = tasks.length;
        this.streamsPerGpu = streamsPerGpu;
        int n = tasks.length;
        names = new String[n];
        categories = new byte[n];
        flops = new double[n];
        bytes = new long[n];
        for (Task task : tasks) {
            names[task.id] = task.name;
            categories[task.id] = (byte) task.category.ordinal();
            flops[task.id] = task.flops;
            bytes[task.id] = task.communication ? task.bytes : 0;
        }
        firstQueue = new int[n];
        participants = new int[n];
        isCommunication = new boolean[n];
        isHost = new boolean[n];
        work = new long[n];
        latencyNs = new long[n];
        smsHeld = new int[n];
        movesBytes = new boolean[n];
        maxLoad = new double[n];
        capBytesPerNs = new double[n];
        linkStart = new int[n + 1];
        participantStart = new int[n + 1];
        for (Task task : tasks) {
            participantStart[task.id + 1] = participantStart[task.id] + task.gpus.length;
        }
        participantQueues = new int[participantStart[n]];
        for (Task task : tasks) {
            for (int i = 0; i < task.gpus.length; i++) {
                participantQueues[participantStart[task.id] + i] = task.gpus[i] * streamsPerGpu + task.streams[i];
            }
            firstQueue[task.id] = task.gpus[0] * streamsPerGpu + task.streams[0];
            participants[task.id] = task.gpus.length;
            isCommunication[task.id] = task.communication;
            isHost[task.id] = task.category.isHost();
            work[task.id] = task.workNs;
            latencyNs[task.id] = task.latencyNs;
            smsHeld[task.id] = task.smsHeld;
            movesBytes[task.id] = task.links.length > 0;
            maxLoad[task.id] = task.maxLoad;
            capBytesPerNs[task.id] = task.capBytesPerNs;
            linkStart[task.id + 1] = task.links.length;
        }
        for (int t = 0; t < n; t++) {
            linkStart[t + 1] += linkStart[t];
        }
        linkIds = new int[linkStart[n]];
        linkLoads = new double[linkStart[n]];
        for (Task task : tasks) {
            System.arraycopy(task.links, 0, linkIds, linkStart[task.id], task.links.length);
            System.arraycopy(task.loads, 0, linkLoads, linkStart[task.id], task.loads.length);
        }
        initialPending = new int[n];
        int[] dependentCount = new int[n + 1];
        int streamCount = topology.gpus() * streamsPerGpu;
        int[] queueLength = new int[streamCount + 1];
        for (Task task : tasks) {
            int[] deps = distinct(task.deps);
            task.deps = deps;
            initialPending[task.id] = deps.length;
            for (int d : deps) {
                dependentCount[d]++;
            }
            for (int i = 0; i < task.gpus.length; i++) {
                queueLength[task.gpus[i] * streamsPerGpu + task.streams[i]]++;
            }
        }
        depStart = prefix(initialPending, n);
        depIds = new int[depStart[n]];
        dependentStart = prefix(dependentCount, n);
        streamStart = prefix(queueLength, streamCount);
        dependents = new int[dependentStart[n]];
        streamTasks = new int[streamStart[streamCount]];
        int[] fillDep = Arrays.copyOf(dependentStart, n);
        int[] fillQueue = Arrays.copyOf(streamStart, streamCount);
        for (Task task : tasks) {
            System.arraycopy(task.deps, 0, depIds, depStart[task.id], task.deps.length);
            for (int d : task.deps) {
                dependents[fillDep[d]++] = task.id;
            }
            // The graph keeps the dependencies in depIds; the per-task arrays would double the memory of big graphs.
            task.deps = null;
            for (int i = 0; i < task.gpus.length; i++) {
                int q = task.gpus[i] * streamsPerGpu + task.streams[i];
                streamTasks[fillQueue[q]++] = task.id;
            }
        }
    }

    private static int[] prefix(int[] counts, int n) {
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            start[i + 1] = start[i] + counts[i];
        }
        return start;
    }

    private static int[] distinct(int[] deps) {
        if (deps.length < 2) {
            return deps;
        }
        int[] sorted = deps.clone();
        Arrays.sort(sorted);
        int count = 1;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[i - 1]) {
                sorted[count++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, count);
    }

    /** Starts a graph over {@code topology}. */
    public static Builder builder(Topology topology) {
        return new Builder(topology);
    }

    public Topology topology() {
        return topology;
    }

    /** Number of tasks. */
    public int size() {
        return size;
    }

    /** Streams per GPU (one more than the highest stream index used). */
    public int streamsPerGpu() {
        return streamsPerGpu;
    }

    /** The task's name. */
    public String name(int id) {
        return names[id];
    }

    /** The task's category. */
    public Category category(int id) {
        return CATEGORIES[categories[id]];
    }

    /** A communication task's bytes (0 for other tasks). */
    long bytes(int id) {
        return bytes[id];
    }

    /** The task's floating-point operations (for reports). */
    double flops(int id) {
        return flops[id];
    }

    /** The task's dependencies, distinct, in ascending order (a copy). */
    public int[] dependencies(int id) {
        return Arrays.copyOfRange(depIds, depStart[id], depStart[id + 1]);
    }

    /** The GPUs a task runs on (one for compute; every participant for communication). */
    public int[] gpus(int id) {
        int[] out = new int[participantStart[id + 1] - participantStart[id]];
        for (int i = 0; i < out.length; i++) {
            out[i] = participantQueues[participantStart[id] + i] / streamsPerGpu;
        }
        return out;
    }

    /** The (first) GPU of task {@code id}, without copying. */
    public int gpu(int id) {
        return firstQueue[id] / streamsPerGpu;
    }

    private static final int[] NO_INTS = new int[0];
    private static final double[] NO_DOUBLES = new double[0];

    /** Builds a {@link TaskGraph}; not thread-safe. */
    public static final class Builder {
        private final Topology topology;
        private final ArrayList<Task> tasks = new ArrayList<>();
        private int maxStream;

        private Builder(Topology topology) {
            this.topology = topology;
        }

        public Topology topology() {
            return topology;
        }

        /** Number of tasks so far (the id the next task gets). */
        public int size() {
            return tasks.size();
        }

        /**
         * A kernel on one stream of one GPU.
         *
         * @param workNs its time with all SMs of the GPU available; it stretches while communication
         *               kernels on the same GPU hold SMs
         * @param flops  floating-point operations (for reports)
         */
        public int compute(int gpu, int stream, String name, Category category, long workNs, double flops, int... deps) {
            if (category.isCommunication() || category.isHost()) {
                throw new IllegalArgumentException("compute task '" + name + "' has non-compute category " + category);
            }
            if (workNs < 0) {
                throw new IllegalArgumentException("workNs must not be negative, got " + workNs);
            }
            checkGpuStream(gpu, stream);
            return add(new Task(tasks.size(), intern(name), category, false, single(gpu), single(stream), workNs, flops, 0,
                    0, Double.POSITIVE_INFINITY, 0, NO_INTS, NO_DOUBLES, checkDeps(deps)));
        }

        /**
         * Host (CPU) work on a host thread, modelled as stream {@code stream} of {@code gpu}: it takes
         * {@code ns} regardless of the GPU's SMs (never stretched by communication kernels) and counts neither
         * as GPU compute nor as communication. GPU tasks that the host launches depend on it; a host task that
         * waits for the GPU (a device-to-host synchronisation) depends on the GPU task it waits for.
         */
        public int host(int gpu, int stream, String name, long ns, int... deps) {
            if (ns < 0) {
                throw new IllegalArgumentException("host task '" + name + "': ns must not be negative, got " + ns);
            }
            checkGpuStream(gpu, stream);
            return add(new Task(tasks.size(), intern(name), Category.HOST, true, single(gpu), single(stream), 0, 0, ns, 0,
                    Double.POSITIVE_INFINITY, 0, NO_INTS, NO_DOUBLES, checkDeps(deps)));
        }

        /**
         * A point-to-point transfer of {@code bytes} from {@code src} to {@code dst} over the topology's path,
         * occupying {@code srcStream} on the sender and {@code dstStream} on the receiver.
         *
         * @param latencyNs fixed start-up time before data flows
         * @param smsHeld   SMs the communication kernel holds on each of the two GPUs while it runs
         */
        public int transfer(int src, int srcStream, int dst, int dstStream, long bytes, String name, Category category,
                            long latencyNs, int smsHeld, int... deps) {
            Communication c = communication(name, category).participant(src, srcStream).latencyNs(latencyNs)
                    .smsHeld(smsHeld).flow(src, dst, bytes);
            if (src != dst) {
                c.participant(dst, dstStream);
            }
            return c.bytes(bytes).add(deps);
        }

        /** Starts describing a communication task (collective, all-to-all, multi-peer transfer). */
        public Communication communication(String name, Category category) {
            if (!category.isCommunication()) {
                throw new IllegalArgumentException("communication task '" + name + "' has compute category " + category);
            }
            return new Communication(this, name, category);
        }

        /** The graph; the builder must not be used afterwards. */
        /**
         * The graph of the tasks added so far. A builder builds once: the graph takes over its tasks.
         *
         * @throws IllegalStateException when called a second time
         */
        public TaskGraph build() {
            if (built) {
                throw new IllegalStateException("this builder's graph was already built");
            }
            built = true;
            names.clear();
            TaskGraph graph = new TaskGraph(topology, tasks.toArray(new Task[0]), maxStream + 1);
            // The graph holds everything in arrays: let the task objects go while the graph is simulated.
            tasks.clear();
            tasks.trimToSize();
            return graph;
        }

        private boolean built;
        /** One String per distinct task name: a training step repeats each name across layers and stages. */
        private final java.util.Map<String, String> names = new java.util.HashMap<>();

        private String intern(String name) {
            String known = names.putIfAbsent(name, name);
            return known == null ? name : known;
        }

        /**
         * Shared one-element arrays: tasks never expose or modify their arrays, so single-GPU and single-stream
         * tasks (most of a training step) share them instead of allocating two arrays each.
         */
        private final java.util.Map<Integer, int[]> singles = new java.util.HashMap<>();

        int[] single(int value) {
            return singles.computeIfAbsent(value, v -> new int[]{v});
        }

        int add(Task t) {
            if (built) {
                throw new IllegalStateException("this builder's graph was already built");
            }
            tasks.add(t);
            for (int s : t.streams) {
                maxStream = Math.max(maxStream, s);
            }
            return t.id;
        }

        void checkGpuStream(int gpu, int stream) {
            if (gpu < 0 || gpu >= topology.gpus()) {
                throw new IllegalArgumentException("gpu " + gpu + " out of range 0.." + (topology.gpus() - 1));
            }
            if (stream < 0 || stream > 63) {
                throw new IllegalArgumentException("stream must be 0..63, got " + stream);
            }
        }

        int[] checkDeps(int[] deps) {
            int next = tasks.size();
            for (int d : deps) {
                if (d < 0 || d >= next) {
                    throw new IllegalArgumentException("dependency " + d + " is not an earlier task (next id " + next + ")");
                }
            }
            return deps.clone();
        }
    }

    /**
     * Describes one communication task: its participants (GPU and stream each), the bytes it puts on
     * each link, a fixed latency, the SMs its kernel holds on every participant, and an optional rate
     * cap. The task finishes when every link has carried its bytes; links shared with other tasks are
     * divided max-min fairly.
     */
    public static final class Communication {
        private final Builder builder;
        private final String name;
        private final Category category;
        private final List<int[]> participants = new ArrayList<>();
        private double[] loadByLink;
        private long latencyNs;
        private int smsHeld;
        private double capBytesPerNs = Double.POSITIVE_INFINITY;
        private long bytes = -1;
        private long flowBytes;

        private Communication(Builder builder, String name, Category category) {
            this.builder = builder;
            this.name = name;
            this.category = category;
        }

        /** The per-link loads, allocated on the first flow (latency-only tasks never need them). */
        private double[] loads() {
            if (loadByLink == null) {
                loadByLink = new double[builder.topology.linkCount()];
            }
            return loadByLink;
        }

        /** Adds a participant: the communication occupies {@code stream} on {@code gpu}. Repeats are ignored. */
        public Communication participant(int gpu, int stream) {
            builder.checkGpuStream(gpu, stream);
            for (int[] p : participants) {
                if (p[0] == gpu) {
                    if (p[1] != stream) {
                        throw new IllegalArgumentException("gpu " + gpu + " already takes part on stream " + p[1]);
                    }
                    return this;
                }
            }
            participants.add(new int[]{gpu, stream});
            return this;
        }

        /** Adds {@code bytes} moving from {@code src} to {@code dst} along the topology's path. */
        public Communication flow(int src, int dst, long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
            }
            double[] byLink = loads();
            for (int link : builder.topology.path(src, dst)) {
                byLink[link] += bytes;
            }
            flowBytes += src == dst ? 0 : bytes;
            return this;
        }

        /** Adds raw bytes on one link (for algorithms the engine does not decompose, such as NVLS). */
        public Communication load(int link, double bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
            }
            loads()[link] += bytes;
            return this;
        }

        public Communication latencyNs(long latencyNs) {
            if (latencyNs < 0) {
                throw new IllegalArgumentException("latencyNs must not be negative, got " + latencyNs);
            }
            this.latencyNs = latencyNs;
            return this;
        }

        /** SMs the kernel holds on every participant while it runs (compute there slows by that share). */
        public Communication smsHeld(int sms) {
            if (sms < 0 || sms >= builder.topology.smCount()) {
                throw new IllegalArgumentException("smsHeld must be 0.." + (builder.topology.smCount() - 1) + ", got " + sms);
            }
            this.smsHeld = sms;
            return this;
        }

        /** Caps the rate on the most loaded link, bytes/ns (e.g. what the kernel's SMs can drive). */
        public Communication capBytesPerNs(double cap) {
            if (!(cap > 0)) {
                throw new IllegalArgumentException("cap must be positive, got " + cap);
            }
            this.capBytesPerNs = cap;
            return this;
        }

        /** The logical size reported for the task (default: the bytes of its flows). */
        public Communication bytes(long bytes) {
            this.bytes = bytes;
            return this;
        }

        /** Adds the task to the graph and returns its id. */
        public int add(int... deps) {
            if (participants.isEmpty()) {
                throw new IllegalArgumentException("communication task '" + name + "' has no participants");
            }
            int[] depsChecked = builder.checkDeps(deps);
            double[] byLink = loadByLink == null ? NO_DOUBLES : loadByLink;
            int count = 0;
            for (double l : byLink) {
                count += l > 0 ? 1 : 0;
            }
            int[] links = count == 0 ? NO_INTS : new int[count];
            double[] loads = count == 0 ? NO_DOUBLES : new double[count];
            int i = 0;
            for (int l = 0; l < byLink.length; l++) {
                if (byLink[l] > 0) {
                    links[i] = l;
                    loads[i++] = byLink[l];
                }
            }
            int[] gpus;
            int[] streams;
            if (participants.size() == 1) {
                gpus = builder.single(participants.get(0)[0]);
                streams = builder.single(participants.get(0)[1]);
            } else {
                participants.sort((a, b) -> Integer.compare(a[0], b[0]));
                gpus = new int[participants.size()];
                streams = new int[participants.size()];
                for (int k = 0; k < gpus.length; k++) {
                    gpus[k] = participants.get(k)[0];
                    streams[k] = participants.get(k)[1];
                }
            }
            int id = builder.add(new Task(builder.size(), builder.intern(name), category, true, gpus, streams, 0, 0,
                    latencyNs, smsHeld, capBytesPerNs, bytes >= 0 ? bytes : flowBytes, links, loads, depsChecked));
            loadByLink = null;
            return id;
        }

        @Override
        public String toString() {
            return "Communication[" + name + ", " + participants.size() + " participants, links "
                    + Arrays.stream(loadByLink == null ? new double[0] : loadByLink).filter(l -> l > 0).count() + "]";
        }
    }
}
