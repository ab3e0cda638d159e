package io.moesim.search;

import io.moesim.scenario.BatchSpec;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.MoeConfig;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.StrategySpec;
import java.util.Comparator;
import java.util.Locale;

/**
 * One point of the layout search space: everything the search may change in a training scenario. The
 * model, the GPU type, the global batch, the sequence length, the precision, the routing and the strategy's
 * other knobs stay as the scenario has them.
 *
 * <pre>{@code
 * Layout l = Layout.of(scenario);                    // the scenario's own layout
 * Scenario s = l.applyTo(scenario);                  // the scenario with this layout
 * }</pre>
 *
 * @param nodes      nodes of the cluster (searched only by the {@code throughput,gpus} objectives)
 * @param tp         tensor parallel size
 * @param pp         pipeline parallel size
 * @param vpp        virtual stages per pipeline rank
 * @param cp         context parallel size
 * @param ep         expert parallel size
 * @param etp        expert tensor parallel size
 * @param microBatch sequences per micro-batch
 * @param recompute  activation recomputation
 * @param dispatcher MoE token dispatcher
 * @param a2aOverlap Megatron-Core's 1F1B all-to-all overlap
 * @implNote immutable and thread-safe; equal layouts are equal records, so a layout is a cache key.
 */
public record Layout(int nodes, int tp, int pp, int vpp, int cp, int ep, int etp, int microBatch,
                     Recompute recompute, Dispatcher dispatcher, boolean a2aOverlap) implements Comparable<Layout> {

    /** The canonical order: the fields in declaration order, enums by declaration order, false before true. */
    public static final Comparator<Layout> ORDER = Comparator.comparingInt(Layout::nodes)
            .thenComparingInt(Layout::tp).thenComparingInt(Layout::pp).thenComparingInt(Layout::vpp)
            .thenComparingInt(Layout::cp).thenComparingInt(Layout::ep).thenComparingInt(Layout::etp)
            .thenComparingInt(Layout::microBatch).thenComparing(Layout::recompute)
            .thenComparing(Layout::dispatcher).thenComparing(Layout::a2aOverlap);

    public Layout {
        positive("nodes", nodes);
        positive("tp", tp);
        positive("pp", pp);
        positive("vpp", vpp);
        positive("cp", cp);
        positive("ep", ep);
        positive("etp", etp);
        positive("microBatch", microBatch);
        if (recompute == null) {
            throw new IllegalArgumentException("recompute must not be null");
        }
        if (dispatcher == null) {
            throw new IllegalArgumentException("dispatcher must not be null");
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }

    /**
     * The layout of a training scenario.
     *
     * @throws IllegalArgumentException if the scenario has no batch (not a training step)
     */
    public static Layout of(Scenario s) {
        if (s.batch() == null) {
            throw new IllegalArgumentException("scenario '" + s.name() + "' has no batch (not a training step)");
        }
        ParallelLayout p = s.parallel();
        return new Layout(s.cluster().nodes(), p.tp(), p.pp(), p.vpp(), p.cp(), p.ep(), p.etp(),
                s.batch().microBatch(), s.recompute(), s.moe().dispatcher(), s.strategy().a2aOverlap());
    }

    /** GPUs this layout runs on with {@code gpusPerNode} GPUs per node. */
    public int gpus(int gpusPerNode) {
        return nodes * gpusPerNode;
    }

    /**
     * The scenario with this layout and everything else unchanged (FSDP and the ZeRO stage included). The
     * name stays the base scenario's.
     */
    public Scenario applyTo(Scenario base) {
        ParallelLayout bp = base.parallel();
        ClusterSpec c = base.cluster();
        ClusterSpec cluster = nodes == c.nodes() ? c : new ClusterSpec(c.gpu(), nodes, c.gpusPerNode(), c.nvlinkGBps(),
                c.nicGBps(), c.nicsPerNode(), c.oversubscription());
        ParallelLayout parallel = new ParallelLayout(tp, pp, vpp, cp, ep, etp, bp.fsdp(), bp.zeroStage());
        BatchSpec b = base.batch();
        BatchSpec batch = new BatchSpec(b.seqLen(), b.globalBatch(), microBatch);
        MoeConfig moe = new MoeConfig(dispatcher, base.moe().routing(), base.moe().capacityFactor());
        StrategySpec st = base.strategy();
        StrategySpec strategy = new StrategySpec(st.name(), a2aOverlap, st.knobs());
        // The template's recompute modules carry over when the layout keeps its selective recompute.
        return new Scenario(base.name(), base.workload(), base.model(), cluster, parallel, batch, base.precision(),
                recompute, moe, strategy, base.layer(), base.dispatch(),
                recompute == base.recompute() ? base.recomputeModules() : null);
    }

    /** A compact description: {@code tp2 pp8 vpp4 cp1 ep32 etp1 mb1 selective deepep}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "tp%d pp%d vpp%d cp%d ep%d etp%d mb%d %s %s%s",
                tp, pp, vpp, cp, ep, etp, microBatch, recompute.id(), dispatcher.id(), a2aOverlap ? " a2a-overlap" : "");
    }

    /** {@link #toString()} with the node count in front. */
    public String describeWithNodes() {
        return nodes + " node" + (nodes == 1 ? "" : "s") + " " + this;
    }

    @Override
    public int compareTo(Layout o) {
        return ORDER.compare(this, o);
    }
}
