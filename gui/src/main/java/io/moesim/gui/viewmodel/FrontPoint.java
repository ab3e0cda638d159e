package io.moesim.gui.viewmodel;

/**
 * One layout on a Pareto front, as the scatter chart draws it.
 *
 * @param x   the minimised objective: peak memory per GPU in GiB, or the GPU count
 * @param y   the maximised objective: tokens/s per GPU (against memory) or tokens/s of the cluster (against GPUs)
 * @param row the layout, which {@link SearchViewModel#apply(SearchRow)} and {@link SearchViewModel#export(SearchRow)} take
 */
public record FrontPoint(double x, double y, SearchRow row) {
}
