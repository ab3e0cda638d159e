package io.moesim.search;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of a single-objective search (throughput per GPU).
 *
 * @param method             {@code exhaustive} or {@code genetic}
 * @param validLayouts       valid layouts in the space
 * @param evaluations        distinct layouts evaluated (simulated, or rejected by the memory model)
 * @param simulations        layouts the engine ran (the rest did not fit in memory)
 * @param cacheHits          evaluations answered from the cache
 * @param generations        generations evolved (0 when exhaustive)
 * @param individuals        individuals whose fitness the genetic algorithm asked for (cache hits included)
 * @param invalidIndividuals of those, individuals whose genotype selected an invalid layout (always 0: the
 *                           codec and the engine constraint repair them before evaluation)
 * @param inferredMisfits    of those, individuals not evaluated because their layout needs at least the memory
 *                           of one already found not to fit (they get that layout's penalty fitness)
 * @param ranked             every feasible evaluated layout, best first ({@link Evaluation#BEST_FIRST})
 * @param elapsedSeconds     wall time of the search
 * @implNote immutable and thread-safe.
 */
public record SearchResult(String method, int validLayouts, int evaluations, int simulations, long cacheHits,
                           long generations, long individuals, long invalidIndividuals, long inferredMisfits,
                           List<Evaluation> ranked,
                           double elapsedSeconds) {

    public SearchResult {
        ranked = List.copyOf(ranked);
    }

    /** The fastest feasible layout, empty when no evaluated layout fits in memory. */
    public Optional<Evaluation> best() {
        return ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0));
    }

    /** The {@code k} best feasible layouts (fewer when fewer were found). */
    public List<Evaluation> top(int k) {
        return ranked.subList(0, Math.min(k, ranked.size()));
    }
}
