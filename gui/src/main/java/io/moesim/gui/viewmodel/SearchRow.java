package io.moesim.gui.viewmodel;

import io.moesim.search.Evaluation;
import io.moesim.search.Layout;

/**
 * One feasible layout of a finished search, as the table shows it (the view never sees the search's own
 * types); {@link SearchViewModel#apply(SearchRow)} and {@link SearchViewModel#export(SearchRow)} take it back.
 *
 * @implNote immutable and thread-safe.
 */
public final class SearchRow {
    private final int rank;
    private final Evaluation evaluation;

    SearchRow(int rank, Evaluation evaluation) {
        this.rank = rank;
        this.evaluation = evaluation;
    }

    Layout layout() {
        return evaluation.layout();
    }

    /** 1 = the best. */
    public int rank() {
        return rank;
    }

    /** The layout, {@code 2 nodes tp2 pp2 vpp1 cp1 ep4 etp1 mb1 selective alltoall}. */
    public String describe() {
        return evaluation.layout().describeWithNodes();
    }

    public double tokensPerSecondPerGpu() {
        return evaluation.tokensPerSecondPerGpu();
    }

    public double stepTimeSeconds() {
        return evaluation.stepTimeSeconds();
    }

    public double modelTflopsPerGpu() {
        return evaluation.modelTflopsPerGpu();
    }

    /** Model FLOPs utilisation, 0 to 1. */
    public double mfu() {
        return evaluation.mfu();
    }

    public double peakMemoryGiB() {
        return evaluation.peakMemoryGiB();
    }

    /** GPUs of the layout (the node count may differ from the scenario's in a throughput-against-GPUs search). */
    public int gpus() {
        return evaluation.gpus();
    }

    /** Tokens per second of the whole cluster. */
    public double totalTokensPerSecond() {
        return evaluation.totalTokensPerSecond();
    }

    public int tp() {
        return evaluation.layout().tp();
    }

    public int pp() {
        return evaluation.layout().pp();
    }

    public int ep() {
        return evaluation.layout().ep();
    }

    @Override
    public String toString() {
        return "#" + rank + " " + describe();
    }
}
