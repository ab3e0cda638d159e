package io.moesim.search;

import io.moesim.scenario.Scenario;
import io.moesim.scenario.ScenarioRules;
import io.moesim.scenario.Violation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Evaluates layouts with a {@link TrainingSimulator}, in parallel, each distinct layout once: a concurrent
 * cache keyed by the layout holds one future per layout, so two threads asking for the same layout at the
 * same moment share one simulation. Every layout is checked against {@link ScenarioRules} before it is
 * simulated; an invalid one is refused with an {@link IllegalStateException} (and counted), so no invalid
 * layout is ever evaluated.
 *
 * <pre>{@code
 * try (LayoutEvaluator ev = new LayoutEvaluator(base, simulator, 8, SearchProgress.NONE, 0)) {
 *     List<Evaluation> results = ev.evaluateAll(space.validLayouts());
 * }
 * }</pre>
 *
 * @implNote thread-safe. The results do not depend on the thread count: each evaluation is a pure function
 * of its layout, and {@link #evaluateAll} returns them in the order asked.
 */
public final class LayoutEvaluator implements AutoCloseable {
    private final Scenario base;
    private final TrainingSimulator simulator;
    private final int threads;
    private final ExecutorService pool;
    private final SearchProgress progress;
    private final long planned;
    private final Map<Layout, CompletableFuture<Evaluation>> cache = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong invalidRefused = new AtomicLong();

    /**
     * @param base      the scenario the layouts are applied to
     * @param simulator the fitness function
     * @param threads   layouts evaluated at once (1 = on the calling thread)
     * @param progress  receives the number of distinct layouts evaluated
     * @param planned   the most layouts this evaluator is expected to evaluate (for progress reports only)
     * @throws IllegalArgumentException if {@code threads} is below 1
     */
    public LayoutEvaluator(Scenario base, TrainingSimulator simulator, int threads, SearchProgress progress,
                           long planned) {
        if (base == null || simulator == null || progress == null) {
            throw new IllegalArgumentException("base, simulator and progress must not be null");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.base = base;
        this.simulator = simulator;
        this.threads = threads;
        this.progress = progress;
        this.planned = planned;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, daemonThreads());
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "layout-search-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Evaluates one layout, or returns its cached evaluation. */
    public Evaluation evaluate(Layout layout) {
        requests.incrementAndGet();
        CompletableFuture<Evaluation> mine = new CompletableFuture<>();
        CompletableFuture<Evaluation> known = cache.putIfAbsent(layout, mine);
        if (known != null) {
            cacheHits.incrementAndGet();
            return join(known);
        }
        try {
            Evaluation e = simulate(layout);
            mine.complete(e);
            progress.update(completed.incrementAndGet(), planned);
            return e;
        } catch (RuntimeException | Error ex) {
            cache.remove(layout, mine);
            mine.completeExceptionally(ex);
            throw ex;
        }
    }

    private Evaluation simulate(Layout layout) {
        Scenario s = layout.applyTo(base);
        List<Violation> violations = ScenarioRules.check(s);
        if (!violations.isEmpty()) {
            invalidRefused.incrementAndGet();
            throw new IllegalStateException("invalid layout reached the evaluator: " + layout + ": " + violations);
        }
        Evaluation e = simulator.evaluate(layout, s);
        if (e == null || !e.layout().equals(layout)) {
            throw new IllegalStateException("the simulator returned " + e + " for " + layout);
        }
        return e;
    }

    private static Evaluation join(CompletableFuture<Evaluation> f) {
        try {
            return f.get();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an evaluation", ex);
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(ex.getCause());
        }
    }

    /**
     * Evaluates every layout (in parallel; each distinct one once) and returns the evaluations in the order
     * of {@code layouts}.
     */
    public List<Evaluation> evaluateAll(List<Layout> layouts) {
        if (pool == null) {
            List<Evaluation> out = new ArrayList<>(layouts.size());
            for (Layout l : layouts) {
                out.add(evaluate(l));
            }
            return out;
        }
        // Longest first (by the size of the simulated pipeline), so that one long simulation does not start
        // last and leave the other threads idle; the order of evaluation never changes a result.
        List<Layout> distinct = new ArrayList<>(new LinkedHashSet<>(layouts));
        distinct.sort(Comparator.comparingDouble(this::work).reversed());
        List<Future<Evaluation>> futures = new ArrayList<>();
        for (Layout l : distinct) {
            futures.add(pool.submit(() -> evaluate(l)));
        }
        for (Future<Evaluation> f : futures) {
            try {
                f.get();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while evaluating layouts", ex);
            } catch (ExecutionException ex) {
                if (ex.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(ex.getCause());
            }
        }
        // Every distinct layout is now cached; read them back in the order asked (these reads are not cache
        // hits of the search, so they are not counted).
        List<Evaluation> out = new ArrayList<>(layouts.size());
        for (Layout l : layouts) {
            out.add(join(cache.get(l)));
        }
        int duplicates = layouts.size() - futures.size();
        requests.addAndGet(duplicates);
        cacheHits.addAndGet(duplicates);
        return out;
    }

    /**
     * Relative cost of simulating a layout: micro-batches per step times layers, which the simulation time grows
     * with (docs/training-step.md). Only orders the work; cached layouts cost nothing.
     */
    private double work(Layout l) {
        if (cache.containsKey(l)) {
            return 0;
        }
        int gpus = l.gpus(base.cluster().gpusPerNode());
        int dp = Math.max(1, gpus / (l.tp() * l.pp() * l.cp()));
        double microBatches = Math.max(1.0, base.batch().globalBatch() / (double) (l.microBatch() * dp));
        return microBatches * base.model().layers();
    }

    /** Whether this layout has been (or is being) evaluated. */
    public boolean isCached(Layout layout) {
        return cache.containsKey(layout);
    }

    /** Distinct layouts evaluated (or being evaluated): the search's cost. */
    public int evaluations() {
        return cache.size();
    }

    /** Evaluations asked for, cache hits included. */
    public long requests() {
        return requests.get();
    }

    /** Evaluations answered from the cache. */
    public long cacheHits() {
        return cacheHits.get();
    }

    /** Invalid layouts refused (always 0 unless a caller bypassed the codec: a bug). */
    public long invalidRefused() {
        return invalidRefused.get();
    }

    /** Threads evaluating at once. */
    public int threads() {
        return threads;
    }

    /** Every completed evaluation, in no particular order. */
    public Collection<Evaluation> evaluated() {
        List<Evaluation> out = new ArrayList<>(cache.size());
        for (CompletableFuture<Evaluation> f : cache.values()) {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                out.add(f.join());
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
