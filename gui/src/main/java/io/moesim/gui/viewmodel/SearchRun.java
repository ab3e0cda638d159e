package io.moesim.gui.viewmodel;

import io.moesim.profiles.HardwareProfile;
import io.moesim.profiles.ProfileException;
import io.moesim.profiles.cost.ProfileCostModel;
import io.moesim.scenario.DataType;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Scenario;
import io.moesim.search.Evaluation;
import io.moesim.search.LayoutSearch;
import io.moesim.search.ParetoObjectives;
import io.moesim.search.ParetoResult;
import io.moesim.search.SearchProgress;
import io.moesim.search.SearchResult;
import io.moesim.search.SearchSpace;
import io.moesim.search.TrainingSimulator;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The layout search as the workbench runs it, without a toolkit: the search space of a scenario (the
 * defaults of {@code moe-sim search}, with dimensions replaced as {@code --space} does), and a search
 * through {@code layout-search}'s public API ({@link LayoutSearch}, {@link TrainingSimulator}) that reports
 * every evaluation as a {@link ConvergencePoint} and stops when asked.
 *
 * <pre>{@code
 * SearchSpace space = SearchRun.space(scenario, "tp=1,2 ep=2,4,8");
 * SearchResult r = SearchRun.run(scenario, file, space, false, 100, 1, 4, () -> false, p -> {}, SearchProgress.NONE);
 * }</pre>
 *
 * @implNote stateless; {@link #run} may be called from any thread, and calls its callbacks from the search's
 * evaluating threads, one at a time.
 */
public final class SearchRun {
    private SearchRun() {
    }

    /**
     * The search space of {@code base}: {@code moe-sim search}'s default candidates, each dimension named in
     * {@code spaceText} ({@code DIM=V1,V2} entries separated by spaces or semicolons) replaced.
     *
     * @throws IllegalArgumentException naming the entry that cannot be read, or when no layout is valid
     */
    public static SearchSpace space(Scenario base, String spaceText) {
        return space(base, spaceText, false);
    }

    /**
     * The search space of {@code base} as {@link #space(Scenario, String)}, with the node count searched too
     * (1 … the scenario's, unless {@code spaceText} names it) when {@code varyNodes} — what the
     * throughput-against-GPUs Pareto search needs.
     *
     * @throws IllegalArgumentException naming the entry that cannot be read, or when no layout is valid
     */
    public static SearchSpace space(Scenario base, String spaceText, boolean varyNodes) {
        SearchSpace.Builder b = SearchSpace.builder(base);
        String text = spaceText == null ? "" : spaceText.strip();
        if (!text.isEmpty()) {
            for (String entry : text.split("[;\\s]+")) {
                try {
                    b.dimension(entry);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("space" + (e.getMessage().startsWith(":") ? "" : " ") + e.getMessage(),
                            e);
                }
            }
        }
        b.varyNodes(varyNodes);
        SearchSpace s = b.build();
        if (s.validLayouts().isEmpty()) {
            throw new IllegalArgumentException("no layout of the search space passes the layout rules");
        }
        return s;
    }


    /**
     * Searches {@code space}: every valid layout ({@code exhaustive}) or the genetic algorithm within
     * {@code budget} distinct layouts, with the seed given, on {@code threads} threads.
     *
     * @param file         where the scenario lives (relative profile paths), may be null
     * @param cancelled    polled before each evaluation; when true the search stops with a
     *                     {@link CancellationException}
     * @param onEvaluation receives the convergence after each distinct layout evaluated
     * @throws ProfileException       when the GPU profile cannot be read
     * @throws CancellationException  when {@code cancelled} said so
     */
    public static SearchResult run(Scenario base, Path file, SearchSpace space, boolean exhaustive, int budget,
                                   long seed, int threads, BooleanSupplier cancelled,
                                   Consumer<ConvergencePoint> onEvaluation, SearchProgress progress)
            throws ProfileException {
        LayoutSearch search = search(base, file, space, budget, seed, threads, cancelled, onEvaluation, progress);
        return stopWhenCancelled(cancelled, () -> exhaustive ? search.exhaustive() : search.genetic());
    }

    /**
     * The Pareto front of {@code space} for two objectives: exact over every valid layout ({@code exhaustive})
     * or NSGA-II within {@code budget} distinct layouts. Arguments and callbacks as {@link #run}; the convergence
     * still follows the best feasible tokens/s/GPU.
     *
     * @throws ProfileException      when the GPU profile cannot be read
     * @throws CancellationException when {@code cancelled} said so
     */
    public static ParetoResult runPareto(Scenario base, Path file, SearchSpace space, ParetoObjectives objectives,
                                         boolean exhaustive, int budget, long seed, int threads,
                                         BooleanSupplier cancelled, Consumer<ConvergencePoint> onEvaluation,
                                         SearchProgress progress) throws ProfileException {
        LayoutSearch search = search(base, file, space, budget, seed, threads, cancelled, onEvaluation, progress);
        return stopWhenCancelled(cancelled,
                () -> exhaustive ? search.paretoExhaustive(objectives) : search.pareto(objectives));
    }

    private static LayoutSearch search(Scenario base, Path file, SearchSpace space, int budget, long seed, int threads,
                                       BooleanSupplier cancelled, Consumer<ConvergencePoint> onEvaluation,
                                       SearchProgress progress) throws ProfileException {
        HardwareProfile profile = ScenarioRunner.profile(base.cluster(), file == null ? Path.of("scenario.json") : file);
        double peak = profile.gpu().peakTflops().getOrDefault(
                base.precision() == Precision.FP8 ? DataType.FP8 : DataType.BF16, 0.0);
        TrainingSimulator simulator = TrainingSimulator.of(ProfileCostModel.of(profile), peak, profile.gpu().hbmBytes());
        Object lock = new Object();
        int[] count = {0};
        double[] best = {Double.NaN};
        TrainingSimulator observed = (layout, scenario) -> {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("search cancelled");
            }
            Evaluation e = simulator.evaluate(layout, scenario);
            synchronized (lock) {
                count[0]++;
                if (e.feasible() && !(e.tokensPerSecondPerGpu() <= best[0])) {
                    best[0] = e.tokensPerSecondPerGpu();
                }
                onEvaluation.accept(new ConvergencePoint(count[0], best[0]));
            }
            return e;
        };
        return LayoutSearch.builder(space, observed).threads(threads).seed(seed).budget(budget).progress(progress).build();
    }

    private static <T> T stopWhenCancelled(BooleanSupplier cancelled, Supplier<T> search) {
        try {
            return search.get();
        } catch (RuntimeException e) {
            if (cancelled.getAsBoolean()) {
                CancellationException c = new CancellationException("search cancelled");
                c.initCause(e);
                throw c;
            }
            throw e;
        }
    }
}
