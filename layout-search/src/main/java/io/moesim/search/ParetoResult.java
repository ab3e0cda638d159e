package io.moesim.search;

import java.util.List;

/**
 * The outcome of a two-objective search: the feasible evaluated layouts no other evaluated layout dominates.
 *
 * @param objectives     the two objectives
 * @param method         {@code exhaustive} or {@code nsga2}
 * @param validLayouts   valid layouts in the space
 * @param evaluations    distinct layouts evaluated
 * @param cacheHits      evaluations answered from the cache
 * @param generations    generations evolved (0 when exhaustive)
 * @param front          the Pareto front, best maximised objective first
 * @param elapsedSeconds wall time of the search
 * @implNote immutable and thread-safe.
 */
public record ParetoResult(ParetoObjectives objectives, String method, int validLayouts, int evaluations,
                           long cacheHits, long generations, List<Evaluation> front, double elapsedSeconds) {
    public ParetoResult {
        front = List.copyOf(front);
    }
}
