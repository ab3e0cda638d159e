package io.moesim.search;

import io.jenetics.EliteSelector;
import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.Optimize;
import io.jenetics.Phenotype;
import io.jenetics.TournamentSelector;
import io.jenetics.UniformCrossover;
import io.jenetics.engine.Engine;
import io.jenetics.engine.EvolutionResult;
import io.jenetics.engine.Evaluator;
import io.jenetics.ext.moea.UFTournamentSelector;
import io.jenetics.ext.moea.Vec;
import io.jenetics.util.ISeq;
import io.jenetics.util.RandomRegistry;
import io.jenetics.util.Seq;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Searches the layouts of a {@link SearchSpace} for the highest simulated throughput, or for the Pareto front
 * of two objectives.
 *
 * <ul>
 *   <li>{@link #exhaustive()}: evaluates every valid layout — the ground truth for small spaces.</li>
 *   <li>{@link #genetic()}: a Jenetics genetic algorithm over {@link LayoutCodec} genotypes (uniform crossover,
 *       {@link LayoutMutator}, {@link NoveltyAlterer}, tournament selection with elitism) for 80% of the budget, then a best-first
 *       neighbourhood search around the best layouts found ({@link Builder#polishShare}); at most
 *       {@code budget} distinct layouts are evaluated. Layouts that need at least the memory of a layout
 *       already found not to fit ({@link MemoryDominance}) are not evaluated.</li>
 *   <li>{@link #pareto(ParetoObjectives)}: NSGA-II-style multi-objective evolution (Jenetics' MOEA
 *       {@link UFTournamentSelector} on {@link Vec} fitness) with the same budget; {@link #paretoExhaustive}
 *       evaluates everything.</li>
 * </ul>
 * The result is always computed from everything evaluated (the cache), not just the last population: the
 * best layout is the best ever evaluated, the front is exact over the evaluated layouts.
 *
 * <pre>{@code
 * SearchResult r = LayoutSearch.builder(SearchSpace.of(scenario, false), simulator)
 *         .budget(500).seed(1).threads(8).build().genetic();
 * r.best().ifPresent(e -> System.out.println(e.layout() + " " + e.tokensPerSecondPerGpu()));
 * }</pre>
 *
 * <h2>Determinism</h2>
 * For a given seed the result does not depend on the thread count: the genetic algorithm's own steps run
 * on the calling thread (engine executor {@code Runnable::run}) with a {@code java.util.Random} seeded by
 * {@code seed} installed through {@link RandomRegistry#with}; only the fitness evaluations run in parallel,
 * and each is a pure function of its layout. When the budget ends inside a generation, the layouts
 * evaluated are the first new ones in population order. Ties in throughput are broken by the canonical
 * layout order.
 *
 * @implNote a search object is immutable; each search method creates its own evaluator and thread pool
 * and may be called from any thread.
 */
public final class LayoutSearch {
    /** Generations in a row without a new layout after which the genetic algorithm gives up. */
    static final int STAGNANT_GENERATIONS = 30;
    /** Fitness of an individual left unevaluated because the budget ran out (never selected: the run ends). */
    private static final double NOT_EVALUATED = -Double.MAX_VALUE;
    /** Offset that puts every infeasible layout behind every feasible one in the minimised objective. */
    private static final double INFEASIBLE_OFFSET = 1e9;

    private final SearchSpace space;
    private final TrainingSimulator simulator;
    private final int threads;
    private final long seed;
    private final int budget;
    private final int populationSize;
    private final double mutationProbability;
    private final double crossoverProbability;
    private final double polishShare;
    private final SearchProgress progress;

    private LayoutSearch(Builder b) {
        this.space = b.space;
        this.simulator = b.simulator;
        this.threads = b.threads;
        this.seed = b.seed;
        this.budget = b.budget;
        this.populationSize = b.populationSize > 0 ? b.populationSize : defaultPopulation(b.budget);
        this.mutationProbability = b.mutationProbability;
        this.crossoverProbability = b.crossoverProbability;
        this.polishShare = b.polishShare;
        this.progress = b.progress;
    }

    /** Population size when none is given: a tenth of the budget, between 16 and 64. */
    static int defaultPopulation(int budget) {
        return Math.max(16, Math.min(64, budget / 10));
    }

    /**
     * A builder for a search of {@code space} with {@code simulator} as the fitness function.
     *
     * @throws IllegalArgumentException if either is null
     */
    public static Builder builder(SearchSpace space, TrainingSimulator simulator) {
        return new Builder(space, simulator);
    }

    /** The space searched. */
    public SearchSpace space() {
        return space;
    }

    /** The budget: the most distinct layouts the genetic searches evaluate. */
    public int budget() {
        return budget;
    }

    /** Evaluates every valid layout and ranks them. */
    public SearchResult exhaustive() {
        long start = System.nanoTime();
        List<Layout> all = space.validLayouts();
        try (LayoutEvaluator ev = new LayoutEvaluator(space.base(), simulator, threads, progress, all.size())) {
            ev.evaluateAll(all);
            return result("exhaustive", ev, 0, 0, 0, 0, start);
        }
    }

    /** Evaluates every valid layout and returns the exact Pareto front. */
    public ParetoResult paretoExhaustive(ParetoObjectives objectives) {
        long start = System.nanoTime();
        List<Layout> all = space.validLayouts();
        try (LayoutEvaluator ev = new LayoutEvaluator(space.base(), simulator, threads, progress, all.size())) {
            ev.evaluateAll(all);
            return new ParetoResult(objectives, "exhaustive", all.size(), ev.evaluations(), ev.cacheHits(), 0,
                    front(ev.evaluated(), objectives), seconds(start));
        }
    }

    /** The genetic algorithm: at most {@link #budget()} distinct layouts evaluated. */
    public SearchResult genetic() {
        long start = System.nanoTime();
        LayoutCodec codec = LayoutCodec.of(space);
        int planned = Math.min(budget, space.validLayouts().size());
        try (LayoutEvaluator ev = new LayoutEvaluator(space.base(), simulator, threads, progress, planned)) {
            int evolutionBudget = Math.max(1, planned - (int) Math.floor(planned * polishShare));
            MemoryDominance dominance = new MemoryDominance();
            Run<Double> run = new Run<>(codec, ev, evolutionBudget, Evaluation::fitness, NOT_EVALUATED, dominance);
            Engine<IntegerGene, Double> engine = new Engine.Builder<>(run, codec.encoding())
                    .optimize(Optimize.MAXIMUM)
                    .populationSize(Math.min(populationSize, Math.max(2, planned)))
                    .offspringFraction(0.6)
                    .offspringSelector(new TournamentSelector<>(3))
                    .survivorsSelector(new EliteSelector<IntegerGene, Double>(2))
                    .alterers(new UniformCrossover<>(crossoverProbability, 0.5),
                            new LayoutMutator<>(codec, mutationProbability),
                            new NoveltyAlterer<>(codec, ev::isCached, dominance))
                    .constraint(codec.constraint())
                    .executor(Runnable::run)
                    .build();
            long generations = evolve(engine, codec, run, ev, evolutionBudget);
            polish(ev, planned, dominance);
            return result("genetic", ev, generations, run.individuals, run.invalidIndividuals, run.inferredMisfits,
                    start);
        }
    }

    /** Multi-objective evolution: the Pareto front of everything evaluated within the budget. */
    public ParetoResult pareto(ParetoObjectives objectives) {
        long start = System.nanoTime();
        LayoutCodec codec = LayoutCodec.of(space);
        int planned = Math.min(budget, space.validLayouts().size());
        try (LayoutEvaluator ev = new LayoutEvaluator(space.base(), simulator, threads, progress, planned)) {
            MemoryDominance dominance = new MemoryDominance();
            Run<Vec<double[]>> run = new Run<>(codec, ev, planned, e -> Vec.of(moeaVector(objectives, e)),
                    Vec.of(NOT_EVALUATED, NOT_EVALUATED), dominance);
            Engine<IntegerGene, Vec<double[]>> engine = new Engine.Builder<>(run, codec.encoding())
                    .populationSize(Math.min(populationSize, Math.max(2, planned)))
                    .offspringSelector(new TournamentSelector<>(3))
                    .survivorsSelector(UFTournamentSelector.ofVec())
                    .alterers(new UniformCrossover<>(crossoverProbability, 0.5),
                            new LayoutMutator<>(codec, mutationProbability),
                            new NoveltyAlterer<>(codec, ev::isCached, dominance))
                    .constraint(codec.constraint())
                    .executor(Runnable::run)
                    .build();
            long generations = evolve(engine, codec, run, ev, planned);
            return new ParetoResult(objectives, "nsga2", space.validLayouts().size(), ev.evaluations(), ev.cacheHits(),
                    generations, front(ev.evaluated(), objectives), seconds(start));
        }
    }

    /**
     * Best-first neighbourhood search within the rest of the budget: repeatedly take the best feasible layout
     * evaluated so far whose neighbourhood has not been searched yet, and evaluate its {@link #neighbours}
     * (in canonical order, in parallel), skipping those {@link MemoryDominance} rules out. Around a local
     * optimum this moves on to the next-best layouts instead of stopping, so the whole budget is used.
     */
    private void polish(LayoutEvaluator ev, int planned, MemoryDominance dominance) {
        Set<Layout> expanded = new HashSet<>();
        while (ev.evaluations() < planned) {
            List<Evaluation> ranked = new ArrayList<>();
            for (Evaluation e : ev.evaluated()) {
                if (e.feasible() && !expanded.contains(e.layout())) {
                    ranked.add(e);
                }
            }
            if (ranked.isEmpty()) {
                return;
            }
            Layout centre = Collections.min(ranked, Evaluation.BEST_FIRST).layout();
            expanded.add(centre);
            List<Layout> fresh = new ArrayList<>();
            for (Layout n : neighbours(centre)) {
                if (!ev.isCached(n) && dominance.dominatingMisfit(n) == null) {
                    fresh.add(n);
                }
            }
            List<Evaluation> found = ev.evaluateAll(fresh.subList(0, Math.min(fresh.size(), planned - ev.evaluations())));
            dominance.record(found);
        }
    }

    /**
     * The neighbours of {@code l}: for every dimension and every other candidate value of it, the valid layout
     * nearest to {@code l} with that value (so a move of one dimension carries the changes the rules force on
     * others, e.g. a smaller {@code ep} with a deeper pipeline); distinct, in canonical order.
     */
    private List<Layout> neighbours(Layout l) {
        int[] idx = space.indicesOf(l);
        int[] sizes = space.sizes();
        TreeSet<Layout> out = new TreeSet<>(Layout.ORDER);
        for (int d = 0; d < sizes.length; d++) {
            for (int v = 0; v < sizes[d]; v++) {
                if (v != idx[d]) {
                    int[] n = idx.clone();
                    n[d] = v;
                    int position = space.nearestValid(n, d);
                    if (position >= 0) {
                        out.add(space.validLayouts().get(position));
                    }
                }
            }
        }
        out.remove(l);
        return new ArrayList<>(out);
    }

    private static double[] moeaVector(ParetoObjectives objectives, Evaluation e) {
        if (e.feasible()) {
            return objectives.maximisedVector(e);
        }
        return new double[]{e.fitness(), -(INFEASIBLE_OFFSET + objectives.minimised(e))};
    }

    private <C extends Comparable<? super C>> long evolve(Engine<IntegerGene, C> engine, LayoutCodec codec, Run<C> run,
                                                          LayoutEvaluator ev, int planned) {
        List<Genotype<IntegerGene>> initial = new ArrayList<>();
        Layout own = Layout.of(space.base());
        if (space.contains(own) && space.isValid(own)) {
            initial.add(codec.encode(own));
        }
        long[] generations = {0};
        int[] lastEvaluations = {-1};
        int[] stagnant = {0};

        RandomRegistry.with(new Random(seed), r -> {
            engine.stream(initial, 1)
                    .limit(er -> {
                        generations[0] = er.generation();
                        int n = ev.evaluations();
                        stagnant[0] = n == lastEvaluations[0] ? stagnant[0] + 1 : 0;
                        lastEvaluations[0] = n;
                        return n < planned && stagnant[0] < STAGNANT_GENERATIONS;
                    })
                    .forEach(er -> {
                    });
            return null;
        });
        return generations[0];
    }

    private SearchResult result(String method, LayoutEvaluator ev, long generations, long individuals, long invalid,
                                long inferred, long start) {
        List<Evaluation> feasible = new ArrayList<>();
        int simulations = 0;
        for (Evaluation e : ev.evaluated()) {
            if (e.simulated()) {
                simulations++;
            }
            if (e.feasible()) {
                feasible.add(e);
            }
        }
        feasible.sort(Evaluation.BEST_FIRST);
        return new SearchResult(method, space.validLayouts().size(), ev.evaluations(), simulations, ev.cacheHits(),
                generations, individuals, invalid + ev.invalidRefused(), inferred, feasible, seconds(start));
    }

    /**
     * The feasible evaluations no other feasible evaluation dominates (at least as good in both objectives and
     * better in one), best maximised objective first; ties in both objectives are all kept, in canonical order.
     */
    public static List<Evaluation> front(Iterable<Evaluation> evaluated, ParetoObjectives objectives) {
        List<Evaluation> feasible = new ArrayList<>();
        for (Evaluation e : evaluated) {
            if (e.feasible()) {
                feasible.add(e);
            }
        }
        Comparator<Evaluation> order = Comparator.comparingDouble((Evaluation e) -> -objectives.maximised(e))
                .thenComparingDouble(objectives::minimised).thenComparing(Evaluation::layout);
        feasible.sort(order);
        List<Evaluation> front = new ArrayList<>();
        double bestMinimised = Double.POSITIVE_INFINITY;
        double lastMax = Double.NaN;
        double lastMin = Double.NaN;
        for (Evaluation e : feasible) {
            double max = objectives.maximised(e);
            double min = objectives.minimised(e);
            // Sorted by the maximised objective (descending), then the minimised (ascending): e is dominated
            // exactly when an earlier one has a smaller minimised value, or the same value with a larger
            // maximised one.
            boolean tie = max == lastMax && min == lastMin;
            if (min < bestMinimised || tie) {
                front.add(e);
                bestMinimised = Math.min(bestMinimised, min);
                lastMax = max;
                lastMin = min;
            }
        }
        return front;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * The Jenetics evaluator of one run: decodes each unevaluated individual to its (valid) layout, counts
     * individuals whose genotype was invalid, evaluates the distinct layouts in parallel through the cache
     * while the budget lasts, and assigns the fitness.
     */
    private static final class Run<C extends Comparable<? super C>> implements Evaluator<IntegerGene, C> {
        private final LayoutCodec codec;
        private final LayoutEvaluator ev;
        private final int budget;
        private final Function<Evaluation, C> fitness;
        private final C notEvaluated;
        private final MemoryDominance dominance;
        long individuals;
        long invalidIndividuals;
        long inferredMisfits;

        Run(LayoutCodec codec, LayoutEvaluator ev, int budget, Function<Evaluation, C> fitness, C notEvaluated,
            MemoryDominance dominance) {
            this.dominance = dominance;
            this.codec = codec;
            this.ev = ev;
            this.budget = budget;
            this.fitness = fitness;
            this.notEvaluated = notEvaluated;
        }

        @Override
        public ISeq<Phenotype<IntegerGene, C>> eval(Seq<Phenotype<IntegerGene, C>> population) {
            Layout[] layouts = new Layout[population.size()];
            boolean[] allowed = new boolean[population.size()];
            Evaluation[] inferred = new Evaluation[population.size()];
            List<Layout> toEvaluate = new ArrayList<>();
            Set<Layout> newOnes = new HashSet<>();
            int room = budget - ev.evaluations();
            for (int i = 0; i < population.size(); i++) {
                Phenotype<IntegerGene, C> pt = population.get(i);
                if (pt.isEvaluated()) {
                    continue;
                }
                individuals++;
                if (!codec.isValid(pt.genotype())) {
                    invalidIndividuals++;
                }
                Layout l = codec.decode(pt.genotype());
                layouts[i] = l;
                if (ev.isCached(l) || newOnes.contains(l)) {
                    allowed[i] = true;
                } else if ((inferred[i] = dominance.dominatingMisfit(l)) != null) {
                    inferredMisfits++;
                } else if (newOnes.size() < room) {
                    newOnes.add(l);
                    allowed[i] = true;
                }
                if (allowed[i]) {
                    toEvaluate.add(l);
                }
            }
            List<Evaluation> results = ev.evaluateAll(toEvaluate);
            dominance.record(results);
            List<Phenotype<IntegerGene, C>> out = new ArrayList<>(population.size());
            int next = 0;
            for (int i = 0; i < population.size(); i++) {
                Phenotype<IntegerGene, C> pt = population.get(i);
                if (pt.isEvaluated()) {
                    out.add(pt);
                } else if (allowed[i]) {
                    out.add(pt.withFitness(fitness.apply(results.get(next++))));
                } else if (inferred[i] != null) {
                    // needs at least the memory of a layout that does not fit: its penalty is an upper bound
                    out.add(pt.withFitness(fitness.apply(inferred[i])));
                } else {
                    out.add(pt.withFitness(notEvaluated));
                }
            }
            return ISeq.of(out);
        }
    }

    /**
     * Configures a {@link LayoutSearch}.
     *
     * @implNote not thread-safe.
     */
    public static final class Builder {
        private final SearchSpace space;
        private final TrainingSimulator simulator;
        private int threads = Runtime.getRuntime().availableProcessors();
        private long seed = 1;
        private int budget = 500;
        private int populationSize;
        private double mutationProbability = 0.1;
        private double crossoverProbability = 0.5;
        private double polishShare = 0.2;
        private SearchProgress progress = SearchProgress.NONE;

        private Builder(SearchSpace space, TrainingSimulator simulator) {
            if (space == null || simulator == null) {
                throw new IllegalArgumentException("space and simulator must not be null");
            }
            this.space = space;
            this.simulator = simulator;
        }

        /** Layouts evaluated at once (default: the machine's processors). */
        public Builder threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + n);
            }
            threads = n;
            return this;
        }

        /** Seed of the genetic algorithm's random generator (default 1). */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** The most distinct layouts the genetic searches evaluate (default 500). */
        public Builder budget(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("budget must be at least 1, got " + n);
            }
            budget = n;
            return this;
        }

        /** Population size (default: a tenth of the budget, between 16 and 64). */
        public Builder populationSize(int n) {
            if (n < 2) {
                throw new IllegalArgumentException("population size must be at least 2, got " + n);
            }
            populationSize = n;
            return this;
        }

        /** Probability that a gene is mutated (default 0.1). */
        public Builder mutationProbability(double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("mutation probability must be in [0, 1], got " + p);
            }
            mutationProbability = p;
            return this;
        }

        /** Probability that an individual takes part in crossover (default 0.5). */
        public Builder crossoverProbability(double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("crossover probability must be in [0, 1], got " + p);
            }
            crossoverProbability = p;
            return this;
        }

        /**
         * Share of the budget kept for the final local search around the best layout the evolution found
         * (default 0.2; 0 = evolution only).
         */
        public Builder polishShare(double share) {
            if (!(share >= 0 && share < 1)) {
                throw new IllegalArgumentException("polish share must be in [0, 1), got " + share);
            }
            polishShare = share;
            return this;
        }

        /** Receives progress reports (default none). */
        public Builder progress(SearchProgress p) {
            if (p == null) {
                throw new IllegalArgumentException("progress must not be null");
            }
            progress = p;
            return this;
        }

        /** The search. */
        public LayoutSearch build() {
            return new LayoutSearch(this);
        }
    }
}
