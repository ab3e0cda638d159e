package io.moesim.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The two-objective searches: throughput against memory, or against the number of GPUs.
 *
 * <pre>{@code
 * ParetoObjectives o = ParetoObjectives.parse("throughput,gpus");   // THROUGHPUT_GPUS
 * double[] v = o.maximised(evaluation);                             // {tokens/s, -gpus}
 * }</pre>
 *
 * @implNote immutable and thread-safe.
 */
public enum ParetoObjectives {
    /** Tokens per second per GPU (maximised) against per-GPU peak memory in GiB (minimised), on the scenario's GPUs. */
    THROUGHPUT_MEMORY("throughput,memory", "tokensPerSecondPerGpu", "peakMemoryGiB", false),
    /**
     * Tokens per second of the whole cluster (maximised) against GPUs (minimised); the node count is searched
     * from 1 to the scenario's (counts where no layout divides the global batch drop out by the rules).
     */
    THROUGHPUT_GPUS("throughput,gpus", "totalTokensPerSecond", "gpus", true);

    /** The objective names accepted by {@link #parse}. */
    public static final List<String> NAMES = List.of("throughput", "memory", "gpus");

    private final String id;
    private final String maximisedName;
    private final String minimisedName;
    private final boolean varyNodes;

    ParetoObjectives(String id, String maximisedName, String minimisedName, boolean varyNodes) {
        this.id = id;
        this.maximisedName = maximisedName;
        this.minimisedName = minimisedName;
        this.varyNodes = varyNodes;
    }

    /** The id as given on the command line, e.g. {@code throughput,memory}. */
    public String id() {
        return id;
    }

    /** Name (with unit) of the maximised objective. */
    public String maximisedName() {
        return maximisedName;
    }

    /** Name (with unit) of the minimised objective. */
    public String minimisedName() {
        return minimisedName;
    }

    /** Whether the node count is a searched dimension. */
    public boolean varyNodes() {
        return varyNodes;
    }

    /** The maximised objective of an evaluation. */
    public double maximised(Evaluation e) {
        return this == THROUGHPUT_GPUS ? e.totalTokensPerSecond() : e.tokensPerSecondPerGpu();
    }

    /** The minimised objective of an evaluation. */
    public double minimised(Evaluation e) {
        return this == THROUGHPUT_GPUS ? e.gpus() : e.peakMemoryGiB();
    }

    /** Both objectives in "larger is better" form: {@code {maximised, -minimised}}. */
    public double[] maximisedVector(Evaluation e) {
        return new double[]{maximised(e), -minimised(e)};
    }

    /**
     * Parses a comma-separated objective list. {@code throughput} alone is the single-objective search and
     * yields null.
     *
     * @throws IllegalArgumentException naming the unknown objective or the unsupported combination
     */
    public static ParetoObjectives parse(String list) {
        List<String> names = new ArrayList<>();
        for (String part : list.split(",", -1)) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown objective '" + part.strip() + "' (expected "
                        + String.join(", ", NAMES) + ")");
            }
            if (names.contains(name)) {
                throw new IllegalArgumentException("objective '" + name + "' given twice");
            }
            names.add(name);
        }
        if (names.equals(List.of("throughput"))) {
            return null;
        }
        if (names.size() == 2 && names.contains("throughput")) {
            return names.contains("memory") ? THROUGHPUT_MEMORY : THROUGHPUT_GPUS;
        }
        throw new IllegalArgumentException("unsupported objectives '" + list
                + "' (expected throughput, throughput,memory or throughput,gpus)");
    }
}
