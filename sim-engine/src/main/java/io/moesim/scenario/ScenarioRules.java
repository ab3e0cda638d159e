package io.moesim.scenario;

import io.moesim.model.AttentionSpec;
import io.moesim.model.GroupedQueryAttention;
import io.moesim.model.ModelSpec;
import io.moesim.model.MoeSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules a scenario must satisfy before it can be simulated, beyond the per-field checks of the
 * records: the parts each workload needs, and the divisibility rules of Megatron-Core's parallel
 * layouts. Every rule reports a {@link Violation} naming the field and the rule, and all rules are
 * checked (not just the first that fails) so a user sees every problem at once.
 *
 * <p>Layout rules (training-step), with {@code N = nodes·gpusPerNode}:
 * <ol>
 *   <li>{@code tp·pp·cp} divides {@code N}; then {@code dp = N / (tp·pp·cp)}.</li>
 *   <li>{@code ep·etp} divides {@code tp·cp·dp} (MoE Parallel Folding: the expert layers reuse the
 *       attention layers' ranks).</li>
 *   <li>experts divisible by {@code ep}; expert FFN divisible by {@code etp}; dense and shared FFN, heads
 *       and key/value heads divisible by {@code tp} (Megatron-Core divides them evenly).</li>
 *   <li>a dense model has {@code ep = etp = 1}.</li>
 *   <li>{@code vpp > 1} needs {@code pp > 1}; the layers must fill {@code pp·vpp} virtual stages
 *       ({@link io.moesim.layout.PipelineSplit}: evenly, with the embedding and/or loss counted as layers,
 *       or unevenly with shorter first and last stages).</li>
 *   <li>{@code globalBatch} is a multiple of {@code microBatch·dp}; with {@code vpp > 1} the micro-batches per
 *       step are a multiple of {@code pp} (Megatron-Core's interleaved schedule).</li>
 *   <li>{@code seqLen} divisible by {@code tp} (sequence parallelism) and by {@code 2·cp} (load-balanced causal
 *       context parallelism).</li>
 * </ol>
 *
 * @implNote stateless and thread-safe.
 */
public final class ScenarioRules {
    private ScenarioRules() {
    }

    /** Checks every rule; an empty list means the scenario is valid. */
    public static List<Violation> check(Scenario scenario) {
        List<Violation> out = new ArrayList<>();
        requirePresence(scenario, out);
        switch (scenario.workload()) {
            case TRAINING_STEP -> {
                if (scenario.model() != null && scenario.batch() != null) {
                    checkTraining(scenario.model(), scenario.cluster(), scenario.parallel(), scenario.batch(), out);
                    if (out.isEmpty() && scenario.strategy().name().equals("dualpipe")) {
                        checkDualPipe(scenario, out);
                    }
                    if (scenario.strategy().a2aOverlap()) {
                        checkA2aOverlap(scenario, out);
                    }
                    checkRecomputeModules(scenario, out);
                }
            }
            case MOE_LAYER -> {
                if (scenario.layer() != null) {
                    checkMoeLayer(scenario.layer(), scenario.cluster(), scenario.parallel(), out);
                }
            }
            case DISPATCH -> {
                if (scenario.dispatch() != null) {
                    checkDispatch(scenario.dispatch(), scenario.cluster(), scenario.parallel(), out);
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * DualPipe's requirements (deepseek-ai/DualPipe): an even pipeline of at least two ranks without virtual
     * stages, and an even number of micro-batches per step, at least {@code 2·pp}.
     */
    private static void checkDualPipe(Scenario s, List<Violation> out) {
        ParallelLayout p = s.parallel();
        if (p.pp() < 2 || p.pp() % 2 != 0) {
            out.add(new Violation("parallel.pp", "strategy 'dualpipe' needs an even pp of at least 2, got " + p.pp()));
        }
        if (p.vpp() != 1) {
            out.add(new Violation("parallel.vpp", "strategy 'dualpipe' runs two chunks per rank itself; vpp must be 1, got "
                    + p.vpp()));
        }
        int dp = p.dp(s.cluster().gpuCount());
        long m = s.batch().globalBatch() / ((long) s.batch().microBatch() * dp);
        if (m % 2 != 0 || m < 2L * p.pp()) {
            out.add(new Violation("batch.globalBatch", "strategy 'dualpipe' needs an even number of micro-batches per step, "
                    + "at least 2*pp = " + 2 * p.pp() + "; globalBatch/(microBatch*dp) = " + m));
        }
    }

    /**
     * Megatron-Core's requirements for {@code --overlap-moe-expert-parallel-comm} (its argument validation):
     * expert parallelism, the alltoall or flex (DeepEP) dispatcher, no full recompute, and virtual pipeline
     * stages when {@code pp > 1}.
     */
    private static void checkA2aOverlap(Scenario s, List<Violation> out) {
        ParallelLayout p = s.parallel();
        if (p.pp() > 1 && p.vpp() == 1) {
            out.add(new Violation("strategy.a2aOverlap", "the 1F1B all-to-all overlap needs the interleaved schedule "
                    + "(vpp > 1) when pp > 1, as Megatron-Core requires; got pp " + p.pp() + ", vpp 1"));
        }
        if (p.ep() < 2) {
            out.add(new Violation("strategy.a2aOverlap", "the 1F1B all-to-all overlap needs expert parallelism (ep > 1)"));
        }
        if (s.moe() != null && s.moe().dispatcher() == Dispatcher.ALLGATHER) {
            out.add(new Violation("strategy.a2aOverlap", "the 1F1B all-to-all overlap needs the alltoall or deepep "
                    + "dispatcher, not allgather"));
        }
        if (s.recompute() == Recompute.FULL) {
            out.add(new Violation("strategy.a2aOverlap", "the 1F1B all-to-all overlap does not work with full "
                    + "recompute (Megatron-Core rejects it)"));
        }
    }

    /** Megatron-Core's checks of {@code --recompute-modules} (transformer_config.py) that depend on the model. */
    private static void checkRecomputeModules(Scenario s, List<Violation> out) {
        if (s.recomputes(RecomputeModule.MLA_UP_PROJ) && s.model().attention() instanceof GroupedQueryAttention) {
            out.add(new Violation("recomputeModules", "mla_up_proj needs a model with multi-latent attention; '"
                    + s.model().id() + "' has grouped-query attention"));
        }
        if (s.recomputes(RecomputeModule.SHARED_EXPERTS) && s.strategy().knobs().sharedExpertOverlap()
                && s.model().isMoe() && s.model().moe().sharedFfnTotal() > 0) {
            out.add(new Violation("recomputeModules", "shared_experts recompute does not work with the shared-expert "
                    + "overlap (strategy.sharedExpertOverlap; Megatron-Core rejects it)"));
        }
    }

    private static void requirePresence(Scenario s, List<Violation> out) {
        String w = s.workload().id();
        need(s.workload() == Workload.TRAINING_STEP, s.model() != null, "model", w, out);
        need(s.workload() == Workload.TRAINING_STEP, s.batch() != null, "batch", w, out);
        need(s.workload() == Workload.MOE_LAYER, s.layer() != null, "layer", w, out);
        need(s.workload() == Workload.DISPATCH, s.dispatch() != null, "dispatch", w, out);
    }

    private static void need(boolean needed, boolean present, String field, String workload, List<Violation> out) {
        if (needed && !present) {
            out.add(new Violation(field, "is required for workload '" + workload + "'"));
        } else if (!needed && present) {
            out.add(new Violation(field, "does not apply to workload '" + workload + "'"));
        }
    }

    /** Checks the layout rules of a training step (see the class documentation). */
    public static void checkTraining(ModelSpec model, ClusterSpec cluster, ParallelLayout p, BatchSpec batch,
                                     List<Violation> out) {
        int gpus = cluster.gpuCount();
        int mp = p.modelParallelSize();
        String tpppcp = "tp*pp*cp = " + p.tp() + "*" + p.pp() + "*" + p.cp() + " = " + mp;
        if (gpus % mp != 0) {
            out.add(new Violation("parallel", tpppcp + " must divide the cluster's " + gpus
                    + " GPUs (nodes*gpusPerNode = " + cluster.nodes() + "*" + cluster.gpusPerNode() + ")"));
        } else {
            int dp = gpus / mp;
            int attentionRanks = p.tp() * p.cp() * dp;
            int expertRanks = p.ep() * p.etp();
            if (attentionRanks % expertRanks != 0) {
                out.add(new Violation("parallel.ep", "ep*etp = " + p.ep() + "*" + p.etp() + " = " + expertRanks
                        + " must divide tp*cp*dp = " + p.tp() + "*" + p.cp() + "*" + dp + " = " + attentionRanks
                        + " (MoE Parallel Folding: expert layers reuse the attention layers' ranks)"));
            }
            long perStep = (long) batch.microBatch() * dp;
            if (batch.globalBatch() % perStep != 0) {
                out.add(new Violation("batch.globalBatch", "globalBatch " + batch.globalBatch()
                        + " must be a multiple of microBatch*dp = " + batch.microBatch() + "*" + dp + " = " + perStep));
            } else if (p.vpp() > 1 && (batch.globalBatch() / perStep) % p.pp() != 0) {
                out.add(new Violation("batch.globalBatch", "the interleaved schedule (vpp " + p.vpp()
                        + ") needs the micro-batches per step, globalBatch/(microBatch*dp) = " + batch.globalBatch() / perStep
                        + ", to be a multiple of pp = " + p.pp() + " (Megatron-Core's requirement)"));
            }
        }

        AttentionSpec attention = model.attention();
        divisible("parallel.tp", "attention heads", attention.heads(), "tp", p.tp(), model, out);
        if (attention instanceof GroupedQueryAttention gqa) {
            divisible("parallel.tp", "key/value heads", gqa.kvHeads(), "tp", p.tp(), model, out);
        }
        if (model.denseLayers() > 0 || (model.mtpLayers() > 0 && !model.mtpLayersAreMoe())) {
            divisible("parallel.tp", "dense FFN size", model.ffn(), "tp", p.tp(), model, out);
        }
        MoeSpec moe = model.moe();
        if (moe == null) {
            if (p.ep() > 1 || p.etp() > 1) {
                out.add(new Violation("parallel.ep", "model '" + model.id()
                        + "' has no experts, so ep and etp must be 1 (got ep=" + p.ep() + ", etp=" + p.etp() + ")"));
            }
        } else {
            divisible("parallel.ep", "experts", moe.experts(), "ep", p.ep(), model, out);
            divisible("parallel.etp", "expert FFN size", moe.expertFfn(), "etp", p.etp(), model, out);
            if (moe.sharedExperts() > 0) {
                divisible("parallel.tp", "shared-expert FFN size", moe.sharedFfnTotal(), "tp", p.tp(), model, out);
            }
        }

        checkPipelineSplit(model.layers(), p, out);

        if (p.tp() > 1 && batch.seqLen() % p.tp() != 0) {
            out.add(new Violation("batch.seqLen", "seqLen " + batch.seqLen() + " must be divisible by tp = " + p.tp()
                    + " (sequence parallelism splits the sequence over the TP ranks)"));
        }
        if (p.cp() > 1 && batch.seqLen() % (2 * p.cp()) != 0) {
            out.add(new Violation("batch.seqLen", "seqLen " + batch.seqLen() + " must be divisible by 2*cp = "
                    + 2 * p.cp() + " (load-balanced causal context parallelism)"));
        }
    }

    private static void checkPipelineSplit(int layers, ParallelLayout p, List<Violation> out) {
        if (p.vpp() > 1 && p.pp() == 1) {
            out.add(new Violation("parallel.vpp", "vpp = " + p.vpp() + " needs pp > 1 (interleaved pipeline schedule)"));
            return;
        }
        int stages = p.virtualStages();
        if (stages == 1) {
            return;
        }
        if (!io.moesim.layout.PipelineSplit.possible(layers, stages)) {
            out.add(new Violation("parallel.pp", layers + " layers cannot fill pp*vpp = " + p.pp() + "*" + p.vpp()
                    + " = " + stages + " virtual stages (each needs at least one layer)"));
        }
    }

    private static void checkMoeLayer(MoeLayerSpec layer, ClusterSpec cluster, ParallelLayout p, List<Violation> out) {
        int group = p.tp() * p.ep();
        if (cluster.gpuCount() % group != 0) {
            out.add(new Violation("parallel", "tp*ep = " + group + " must divide the cluster's " + cluster.gpuCount()
                    + " GPUs"));
        }
        if (layer.experts() % p.ep() != 0) {
            out.add(new Violation("parallel.ep", "layer.experts = " + layer.experts() + " must be divisible by ep = "
                    + p.ep()));
        }
        if (layer.expertFfn() % p.tp() != 0) {
            out.add(new Violation("parallel.tp", "layer.expertFfn = " + layer.expertFfn()
                    + " must be divisible by tp = " + p.tp() + " (tensor-parallel experts)"));
        }
        if (layer.tokens() % group != 0) {
            out.add(new Violation("layer.tokens", "tokens = " + layer.tokens()
                    + " must split evenly over the tp*ep = " + group + " GPUs of the group"));
        }
    }

    private static void checkDispatch(DispatchSpec d, ClusterSpec cluster, ParallelLayout p, List<Violation> out) {
        if (p.ep() > cluster.gpuCount() || cluster.gpuCount() % p.ep() != 0) {
            out.add(new Violation("parallel.ep", "ep = " + p.ep() + " must divide the cluster's "
                    + cluster.gpuCount() + " GPUs"));
        }
        if (d.experts() % p.ep() != 0) {
            out.add(new Violation("dispatch.experts", "experts = " + d.experts() + " must be divisible by ep = "
                    + p.ep()));
        }
    }

    private static void divisible(String field, String what, int value, String by, int divisor, ModelSpec model,
                                  List<Violation> out) {
        if (value % divisor != 0) {
            out.add(new Violation(field, "model '" + model.id() + "' has " + what + " " + value
                    + ", not divisible by " + by + " = " + divisor));
        }
    }
}
