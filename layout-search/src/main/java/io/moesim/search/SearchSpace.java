package io.moesim.search;

import io.moesim.model.ModelSpec;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.ScenarioRules;
import io.moesim.scenario.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * The candidate values of every searched dimension for one training scenario, and the valid layouts among
 * their combinations. A layout is <em>valid</em> when {@link ScenarioRules#check(Scenario)} finds no
 * violation in the scenario with that layout; the valid layouts are enumerated once, in the canonical
 * {@link Layout#ORDER} (which is also the lexicographic order of their value indices).
 *
 * <pre>{@code
 * SearchSpace space = SearchSpace.of(scenario, false);          // the defaults below
 * SearchSpace tiny = SearchSpace.builder(scenario).tp(1, 2).pp(1).vpp(1).build();
 * List<Layout> valid = space.validLayouts();
 * }</pre>
 *
 * <p>Default candidates ({@link #of}): what a practitioner would try, not every divisor of everything (which
 * gives Qwen3-235B on 256 GPUs hundreds of thousands of valid layouts, days of simulation on a workstation).
 * The scenario's own value is always added to its dimension, and {@link Builder} replaces any dimension's
 * list.
 * <ul>
 *   <li>{@code nodes}: the scenario's, or 1 … its node count when the GPU count is searched;</li>
 *   <li>{@code tp}: divisors of the GPUs per node (tensor parallelism stays in the NVLink domain);</li>
 *   <li>{@code pp}: divisors of the GPU count leaving at least two layers per pipeline rank;</li>
 *   <li>{@code vpp}: 1, 2, 4;</li>
 *   <li>{@code cp}: 1, and the powers of two that leave every context-parallel rank at least
 *       {@value #MIN_CP_TOKENS} tokens of a sequence (context parallelism is for long sequences);</li>
 *   <li>{@code ep}: divisors of the expert count up to the GPU count (1 for a dense model);</li>
 *   <li>{@code etp}: 1, and the divisors of the GPUs per node that leave every expert-tensor-parallel rank at
 *       least {@value #MIN_ETP_COLUMNS} columns of an expert's FFN (narrower GEMMs only lose efficiency);</li>
 *   <li>{@code microBatch}: 1, 2, 4, 8 sequences, as long as a micro-batch holds at most
 *       {@value #MAX_MICRO_BATCH_TOKENS} tokens (always 1);</li>
 *   <li>{@code recompute}: none, selective, full; {@code dispatcher}: all-to-all, all-gather, DeepEP and
 *       {@code a2aOverlap}: off, on (MoE models only; a dense model keeps the scenario's).</li>
 * </ul>
 * The rules then remove what does not divide (heads by {@code tp}, experts by {@code ep}, the batch by
 * {@code microBatch·dp}, …).
 *
 * @implNote immutable and thread-safe after construction.
 */
public final class SearchSpace {
    /** The searched dimensions, in genotype and canonical order. */
    public enum Dimension {
        NODES, TP, PP, VPP, CP, EP, ETP, MICRO_BATCH, RECOMPUTE, DISPATCHER, A2A_OVERLAP;

        /** Whether the values have an order in which neighbours are similar (numbers), as opposed to categories. */
        public boolean ordered() {
            return ordinal() <= MICRO_BATCH.ordinal();
        }
    }

    /** Fewest tokens of one sequence a context-parallel rank keeps in the default {@code cp} candidates. */
    public static final int MIN_CP_TOKENS = 4096;
    /** Fewest expert-FFN columns an expert-tensor-parallel rank keeps in the default {@code etp} candidates. */
    public static final int MIN_ETP_COLUMNS = 1024;
    /** Most tokens of a micro-batch in the default {@code microBatch} candidates. */
    public static final int MAX_MICRO_BATCH_TOKENS = 8192;
    /** Most combinations a space may have (they are all checked once when it is built). */
    public static final long MAX_COMBINATIONS = 50_000_000L;

    private static final int DIMENSIONS = Dimension.values().length;

    private final Scenario base;
    private final List<Integer> nodes;
    private final List<Integer> tp;
    private final List<Integer> pp;
    private final List<Integer> vpp;
    private final List<Integer> cp;
    private final List<Integer> ep;
    private final List<Integer> etp;
    private final List<Integer> microBatch;
    private final List<Recompute> recompute;
    private final List<Dispatcher> dispatchers;
    private final List<Boolean> a2aOverlap;
    private final int[] sizes;
    private final List<Layout> valid;
    private final int[][] validIndices;
    private final long combinations;

    private SearchSpace(Builder b) {
        this.base = b.base;
        this.nodes = sorted(b.nodes, "nodes");
        this.tp = sorted(b.tp, "tp");
        this.pp = sorted(b.pp, "pp");
        this.vpp = sorted(b.vpp, "vpp");
        this.cp = sorted(b.cp, "cp");
        this.ep = sorted(b.ep, "ep");
        this.etp = sorted(b.etp, "etp");
        this.microBatch = sorted(b.microBatch, "microBatch");
        this.recompute = distinctEnums(b.recompute, "recompute");
        this.dispatchers = distinctEnums(b.dispatchers, "dispatcher");
        this.a2aOverlap = b.a2aOverlap.stream().distinct().sorted().toList();
        if (a2aOverlap.isEmpty()) {
            throw new IllegalArgumentException("a2aOverlap needs at least one value");
        }
        this.sizes = new int[]{nodes.size(), tp.size(), pp.size(), vpp.size(), cp.size(), ep.size(), etp.size(),
                microBatch.size(), recompute.size(), dispatchers.size(), a2aOverlap.size()};
        long product = 1;
        for (int s : sizes) {
            product = Math.multiplyExact(product, s);
        }
        if (product > MAX_COMBINATIONS) {
            throw new IllegalArgumentException("the search space has " + product + " combinations, more than "
                    + MAX_COMBINATIONS + "; give fewer candidates");
        }
        this.combinations = product;
        List<Layout> layouts = new ArrayList<>();
        List<int[]> indices = new ArrayList<>();
        int[] idx = new int[DIMENSIONS];
        for (long n = 0; n < product; n++) {
            Layout l = layoutAt(idx);
            if (isValid(l)) {
                layouts.add(l);
                indices.add(idx.clone());
            }
            for (int d = DIMENSIONS - 1; d >= 0; d--) {
                if (++idx[d] < sizes[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        this.valid = List.copyOf(layouts);
        this.validIndices = indices.toArray(new int[0][]);
    }

    private static List<Integer> sorted(List<Integer> values, String name) {
        TreeSet<Integer> set = new TreeSet<>();
        for (Integer v : values) {
            if (v == null || v < 1) {
                throw new IllegalArgumentException(name + " values must be at least 1, got " + v);
            }
            set.add(v);
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException(name + " needs at least one value");
        }
        return List.copyOf(set);
    }

    private static <E extends Enum<E>> List<E> distinctEnums(List<E> values, String name) {
        List<E> out = values.stream().map(v -> Objects.requireNonNull(v, name)).distinct().sorted().toList();
        if (out.isEmpty()) {
            throw new IllegalArgumentException(name + " needs at least one value");
        }
        return out;
    }

    /**
     * The default space of a training scenario (see the class documentation).
     *
     * @param varyNodes also search the node count, 1 … the scenario's
     * @throws IllegalArgumentException if the scenario is not a training step, or its own layout breaks a rule
     */
    public static SearchSpace of(Scenario scenario, boolean varyNodes) {
        return builder(scenario).varyNodes(varyNodes).build();
    }

    /**
     * A builder starting from the default candidates of {@code scenario}; every setter replaces one
     * dimension's candidates (the scenario's own value is then not added to that dimension).
     *
     * @throws IllegalArgumentException if the scenario is not a training step
     */
    public static Builder builder(Scenario scenario) {
        return new Builder(scenario);
    }

    /** Whether the scenario with this layout passes every {@link ScenarioRules} rule. */
    public boolean isValid(Layout layout) {
        return ScenarioRules.check(layout.applyTo(base)).isEmpty();
    }

    /** The scenario the space was built for. */
    public Scenario base() {
        return base;
    }

    /** Every valid layout, in canonical order. */
    public List<Layout> validLayouts() {
        return valid;
    }

    /** Number of combinations of candidate values, valid or not. */
    public long combinations() {
        return combinations;
    }

    /** Number of candidate values of each dimension, in {@link Dimension} order. */
    public int[] sizes() {
        return sizes.clone();
    }

    /** Number of candidate values of one dimension. */
    public int size(Dimension d) {
        return sizes[d.ordinal()];
    }

    /** The candidate values of one dimension, as display strings. */
    public List<String> values(Dimension d) {
        List<?> v = switch (d) {
            case NODES -> nodes;
            case TP -> tp;
            case PP -> pp;
            case VPP -> vpp;
            case CP -> cp;
            case EP -> ep;
            case ETP -> etp;
            case MICRO_BATCH -> microBatch;
            case RECOMPUTE -> recompute.stream().map(Recompute::id).toList();
            case DISPATCHER -> dispatchers.stream().map(Dispatcher::id).toList();
            case A2A_OVERLAP -> a2aOverlap;
        };
        return v.stream().map(String::valueOf).toList();
    }

    /** The layout with the given value index per dimension (valid or not). */
    public Layout layoutAt(int[] index) {
        if (index.length != DIMENSIONS) {
            throw new IllegalArgumentException("expected " + DIMENSIONS + " indices, got " + index.length);
        }
        return new Layout(nodes.get(index[0]), tp.get(index[1]), pp.get(index[2]), vpp.get(index[3]), cp.get(index[4]),
                ep.get(index[5]), etp.get(index[6]), microBatch.get(index[7]), recompute.get(index[8]),
                dispatchers.get(index[9]), a2aOverlap.get(index[10]));
    }

    /**
     * The value index per dimension of a layout.
     *
     * @throws IllegalArgumentException if a value is not a candidate of its dimension
     */
    public int[] indicesOf(Layout l) {
        return new int[]{index(nodes, l.nodes(), "nodes"), index(tp, l.tp(), "tp"), index(pp, l.pp(), "pp"),
                index(vpp, l.vpp(), "vpp"), index(cp, l.cp(), "cp"), index(ep, l.ep(), "ep"), index(etp, l.etp(), "etp"),
                index(microBatch, l.microBatch(), "microBatch"), index(recompute, l.recompute(), "recompute"),
                index(dispatchers, l.dispatcher(), "dispatcher"), index(a2aOverlap, l.a2aOverlap(), "a2aOverlap")};
    }

    /** Whether every value of the layout is a candidate of its dimension. */
    public boolean contains(Layout l) {
        return nodes.contains(l.nodes()) && tp.contains(l.tp()) && pp.contains(l.pp()) && vpp.contains(l.vpp())
                && cp.contains(l.cp()) && ep.contains(l.ep()) && etp.contains(l.etp())
                && microBatch.contains(l.microBatch()) && recompute.contains(l.recompute())
                && dispatchers.contains(l.dispatcher()) && a2aOverlap.contains(l.a2aOverlap());
    }

    private static <T> int index(List<T> values, T value, String name) {
        int i = values.indexOf(value);
        if (i < 0) {
            throw new IllegalArgumentException(name + " = " + value + " is not a candidate " + values);
        }
        return i;
    }

    /** The value indices of every valid layout, in canonical order (shared; do not modify). */
    int[][] validIndexTable() {
        return validIndices;
    }

    /**
     * Position in {@link #validLayouts()} of the valid layout nearest to the given value indices: the smallest
     * sum over dimensions of {@code |i−j|} (ordered dimensions) or 0/1 (categorical ones), ties to the first in
     * canonical order.
     *
     * @param fixedDimension a dimension whose value must be kept ({@link Dimension#ordinal()}), or −1
     * @return the position, or −1 when no valid layout has that dimension's value
     */
    int nearestValid(int[] indices, int fixedDimension) {
        Dimension[] dims = Dimension.values();
        int best = -1;
        int bestDistance = Integer.MAX_VALUE;
        for (int v = 0; v < validIndices.length; v++) {
            int[] cand = validIndices[v];
            if (fixedDimension >= 0 && cand[fixedDimension] != indices[fixedDimension]) {
                continue;
            }
            int dist = 0;
            for (int d = 0; d < indices.length && dist < bestDistance; d++) {
                int delta = Math.abs(cand[d] - indices[d]);
                dist += dims[d].ordered() ? delta : (delta == 0 ? 0 : 1);
            }
            if (dist < bestDistance) {
                bestDistance = dist;
                best = v;
                if (dist == 0) {
                    break;
                }
            }
        }
        return best;
    }

    /** One line per dimension with its candidates, and the counts. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Dimension d : Dimension.values()) {
            sb.append(d.name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(values(d)).append('\n');
        }
        return sb.append(combinations).append(" combinations, ").append(valid.size()).append(" valid").toString();
    }

    /**
     * Builds a {@link SearchSpace}; starts from the default candidates of the scenario.
     *
     * @implNote not thread-safe.
     */
    public static final class Builder {
        private final Scenario base;
        private List<Integer> nodes;
        private List<Integer> tp;
        private List<Integer> pp;
        private List<Integer> vpp;
        private List<Integer> cp;
        private List<Integer> ep;
        private List<Integer> etp;
        private List<Integer> microBatch;
        private List<Recompute> recompute;
        private List<Dispatcher> dispatchers;
        private List<Boolean> a2aOverlap;
        private boolean nodesSet;

        private Builder(Scenario s) {
            if (s.workload() != Workload.TRAINING_STEP || s.model() == null || s.batch() == null) {
                throw new IllegalArgumentException("workload: the layout search needs a training-step scenario, got "
                        + s.workload().id());
            }
            this.base = s;
            ModelSpec m = s.model();
            int perNode = s.cluster().gpusPerNode();
            int gpus = s.cluster().gpuCount();
            Layout own = Layout.of(s);
            nodes = List.of(s.cluster().nodes());
            tp = with(divisors(perNode, v -> true), own.tp());
            pp = with(divisors(gpus, this::pipelineCandidate), own.pp());
            vpp = with(List.of(1, 2, 4), own.vpp());
            int seqLen = s.batch().seqLen();
            cp = with(divisors(Integer.highestOneBit(seqLen), v -> Integer.bitCount(v) == 1
                    && (v == 1 || seqLen / v >= MIN_CP_TOKENS)), own.cp());
            boolean moe = m.moe() != null;
            ep = with(moe ? divisors(m.moe().experts(), v -> v <= gpus) : List.of(1), own.ep());
            etp = with(moe ? divisors(perNode, v -> v == 1 || m.moe().expertFfn() / v >= MIN_ETP_COLUMNS)
                    : List.of(1), own.etp());
            microBatch = with(List.of(1, 2, 4, 8).stream()
                    .filter(v -> v == 1 || (long) v * seqLen <= MAX_MICRO_BATCH_TOKENS).toList(), own.microBatch());
            recompute = List.of(Recompute.values());
            dispatchers = moe ? List.of(Dispatcher.values()) : List.of(own.dispatcher());
            a2aOverlap = moe ? List.of(false, true) : List.of(own.a2aOverlap());
        }

        /** At least two layers per pipeline rank. */
        private boolean pipelineCandidate(int pp) {
            return pp == 1 || 2 * pp <= base.model().layers();
        }

        private static List<Integer> with(List<Integer> values, int own) {
            TreeSet<Integer> set = new TreeSet<>(values);
            set.add(own);
            return List.copyOf(set);
        }

        private static List<Integer> divisors(int n, IntPredicate keep) {
            List<Integer> out = new ArrayList<>();
            for (int d = 1; d <= n; d++) {
                if (n % d == 0 && keep.test(d)) {
                    out.add(d);
                }
            }
            return out;
        }

        /**
         * Searches the node count 1 … the scenario's (true) or keeps the scenario's (false). The pipeline
         * candidates then include the divisors of every searched GPU count.
         */
        public Builder varyNodes(boolean vary) {
            if (nodesSet) {
                return this;
            }
            int n = base.cluster().nodes();
            if (vary) {
                List<Integer> all = new ArrayList<>();
                TreeSet<Integer> pps = new TreeSet<>(pp);
                for (int k = 1; k <= n; k++) {
                    all.add(k);
                    pps.addAll(divisors(k * base.cluster().gpusPerNode(), this::pipelineCandidate));
                }
                nodes = all;
                pp = List.copyOf(pps);
            } else {
                nodes = List.of(n);
            }
            return this;
        }

        /**
         * Replaces one dimension's candidates from text {@code DIM=V1,V2,…} (the CLI's {@code --space} and the
         * workbench's space field): {@code nodes}, {@code tp}, {@code pp}, {@code vpp}, {@code cp}, {@code ep},
         * {@code etp}, {@code microBatch} (or {@code mb}), {@code recompute}, {@code dispatcher},
         * {@code a2aOverlap}.
         *
         * @throws IllegalArgumentException {@code "DIM: reason"} naming the dimension and the value that cannot be
         *                                  read, or {@code ": expected DIM=…"} for an entry without a dimension
         */
        public Builder dimension(String entry) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException(": expected DIM=V1,V2,… got '" + entry + "'");
            }
            String dim = entry.substring(0, eq).strip();
            String[] values = entry.substring(eq + 1).split(",", -1);
            try {
                switch (dim.toLowerCase(java.util.Locale.ROOT)) {
                    case "nodes" -> nodes(ints(values));
                    case "tp" -> tp(ints(values));
                    case "pp" -> pp(ints(values));
                    case "vpp" -> vpp(ints(values));
                    case "cp" -> cp(ints(values));
                    case "ep" -> ep(ints(values));
                    case "etp" -> etp(ints(values));
                    case "microbatch", "mb" -> microBatch(ints(values));
                    case "recompute" -> recompute(java.util.Arrays.stream(values).map(v -> Recompute.fromId(v.strip()))
                            .toArray(Recompute[]::new));
                    case "dispatcher" -> dispatchers(java.util.Arrays.stream(values)
                            .map(v -> Dispatcher.fromId(v.strip())).toArray(Dispatcher[]::new));
                    case "a2aoverlap" -> a2aOverlap(java.util.Arrays.stream(values).map(Builder::bool)
                            .toArray(Boolean[]::new));
                    default -> throw new IllegalArgumentException("unknown dimension '" + dim + "' (expected nodes, tp, pp, "
                            + "vpp, cp, ep, etp, microBatch, recompute, dispatcher, a2aOverlap)");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(dim + ": " + e.getMessage(), e);
            }
            return this;
        }

        private static Integer[] ints(String[] values) {
            Integer[] out = new Integer[values.length];
            for (int i = 0; i < values.length; i++) {
                try {
                    out[i] = Integer.parseInt(values[i].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected whole numbers, got '" + values[i] + "'");
                }
                if (out[i] < 1) {
                    throw new IllegalArgumentException("values must be at least 1, got " + out[i]);
                }
            }
            return out;
        }

        private static Boolean bool(String v) {
            return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "on" -> true;
                case "false", "off" -> false;
                default -> throw new IllegalArgumentException("expected true or false, got '" + v + "'");
            };
        }

        /** Node counts to search. */
        public Builder nodes(Integer... values) {
            nodes = List.of(values);
            nodesSet = true;
            return this;
        }

        /** Tensor parallel sizes. */
        public Builder tp(Integer... values) {
            tp = List.of(values);
            return this;
        }

        /** Pipeline parallel sizes. */
        public Builder pp(Integer... values) {
            pp = List.of(values);
            return this;
        }

        /** Virtual pipeline stages per rank. */
        public Builder vpp(Integer... values) {
            vpp = List.of(values);
            return this;
        }

        /** Context parallel sizes. */
        public Builder cp(Integer... values) {
            cp = List.of(values);
            return this;
        }

        /** Expert parallel sizes. */
        public Builder ep(Integer... values) {
            ep = List.of(values);
            return this;
        }

        /** Expert tensor parallel sizes. */
        public Builder etp(Integer... values) {
            etp = List.of(values);
            return this;
        }

        /** Micro-batch sizes (sequences). */
        public Builder microBatch(Integer... values) {
            microBatch = List.of(values);
            return this;
        }

        /** Recompute choices. */
        public Builder recompute(Recompute... values) {
            recompute = List.of(values);
            return this;
        }

        /** Dispatchers. */
        public Builder dispatchers(Dispatcher... values) {
            dispatchers = List.of(values);
            return this;
        }

        /** All-to-all overlap choices. */
        public Builder a2aOverlap(Boolean... values) {
            a2aOverlap = List.of(values);
            return this;
        }

        /**
         * Enumerates the combinations and keeps the valid ones.
         *
         * @throws IllegalArgumentException if a dimension has no candidate, or the space has more than
         *                                  {@link Integer#MAX_VALUE} combinations
         */
        public SearchSpace build() {
            return new SearchSpace(this);
        }
    }
}
