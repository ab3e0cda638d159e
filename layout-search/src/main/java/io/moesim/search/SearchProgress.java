package io.moesim.search;

/**
 * Receives the search's progress: how many distinct layouts have been evaluated out of how many it will
 * evaluate at most.
 *
 * @implNote called from the evaluating threads, concurrently; implementations must be thread-safe and quick.
 */
@FunctionalInterface
public interface SearchProgress {
    /** No reporting. */
    SearchProgress NONE = (evaluated, planned) -> {
    };

    /**
     * @param evaluated distinct layouts evaluated so far
     * @param planned   the most the search will evaluate (the budget, or the valid layouts when exhaustive)
     */
    void update(long evaluated, long planned);
}
