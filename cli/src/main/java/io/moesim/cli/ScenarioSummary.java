package io.moesim.cli;

import io.moesim.accounting.MegatronFlops;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Scenario;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints what a validated scenario resolves to: GPU count, derived parallel sizes, batch arithmetic. */
final class ScenarioSummary {
    private ScenarioSummary() {
    }

    static void print(Scenario s, PrintWriter out) {
        ClusterSpec c = s.cluster();
        ParallelLayout p = s.parallel();
        int gpus = c.gpuCount();
        out.println("scenario   " + s.name() + " (" + s.workload().id() + ")");
        out.println("cluster    " + c.nodes() + " x " + c.gpusPerNode() + " " + c.gpu() + " = " + gpus + " GPUs");
        switch (s.workload()) {
            case TRAINING_STEP -> {
                int dp = p.dp(gpus);
                out.println("model      " + s.model().displayName() + " (" + s.model().id() + ")");
                out.println(String.format(Locale.ROOT,
                        "layout     tp %d, pp %d, vpp %d, cp %d, dp %d | ep %d, etp %d, edp %d%s, zero %d",
                        p.tp(), p.pp(), p.vpp(), p.cp(), dp, p.ep(), p.etp(), p.expertDp(gpus),
                        p.fsdp() ? ", fsdp" : "", p.zeroStage()));
                int stages = p.virtualStages();
                int layers = s.model().layers();
                String split = io.moesim.layout.PipelineSplit.describe(layers, stages);
                out.println("pipeline   " + split);
                long microBatches = s.batch().globalBatch() / ((long) s.batch().microBatch() * dp);
                out.println(String.format(Locale.ROOT, "batch      seq %d, global %d, micro %d -> %d micro-batches per step, %d tokens per step",
                        s.batch().seqLen(), s.batch().globalBatch(), s.batch().microBatch(), microBatches,
                        s.batch().tokensPerStep()));
                double flops = MegatronFlops.perToken(s.model(), s.batch().seqLen(), p.tp()).trainingFlops()
                        * s.batch().tokensPerStep();
                out.println(String.format(Locale.ROOT, "work       %.3e model FLOPs per step (%.3e per GPU)", flops, flops / gpus));
                out.println("recipe     " + s.precision().id() + ", recompute " + s.recompute().id() + ", dispatcher "
                        + s.moe().dispatcher().id() + ", routing " + s.moe().routing().kind().id() + ", strategy "
                        + s.strategy().name() + (s.strategy().a2aOverlap() ? " (a2a overlap)" : ""));
            }
            case MOE_LAYER -> {
                var l = s.layer();
                out.println(String.format(Locale.ROOT, "layer      %d tokens, hidden %d, %d experts x FFN %d (%s), top-%d",
                        l.tokens(), l.hidden(), l.experts(), l.expertFfn(), l.activation().id(), l.topK()));
                out.println("layout     tp " + p.tp() + ", ep " + p.ep() + "; strategy " + s.strategy().name());
            }
            case DISPATCH -> {
                var d = s.dispatch();
                out.println(String.format(Locale.ROOT, "dispatch   %d tokens per rank, hidden %d, top-%d of %d experts, %s dispatch, %s combine",
                        d.tokensPerRank(), d.hidden(), d.topK(), d.experts(), d.dispatchDtype().id(), d.combineDtype().id()));
                out.println("layout     ep " + p.ep() + "; routing " + s.moe().routing().kind().id());
            }
        }
    }
}
