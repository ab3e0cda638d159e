package io.moesim.scenario;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

import io.moesim.model.ModelSpec;
import io.moesim.util.Require;

/**
 * Everything one simulation needs, as read from a scenario file. Which parts are present depends on
 * the workload: {@code training-step} needs {@code model} and {@code batch}; {@code moe-layer} needs
 * {@code layer}; {@code dispatch} needs {@code dispatch}. {@link ScenarioRules#check(Scenario)} checks
 * that and every layout rule.
 *
 * @param name      scenario name
 * @param workload  what to simulate
 * @param model     the model (training-step), else null
 * @param cluster   GPUs and links
 * @param parallel  parallel layout
 * @param batch     batch shape (training-step), else null
 * @param precision numeric precision
 * @param recompute activation recomputation
 * @param recomputeModules the modules selective recomputation re-runs (empty unless {@code recompute} is
 *                  {@code SELECTIVE}; null means {@link RecomputeModule#SELECTIVE_DEFAULT} for selective)
 * @param moe       MoE dispatcher, routing and capacity
 * @param strategy  MoE system
 * @param layer     the layer (moe-layer), else null
 * @param dispatch  the dispatch (dispatch), else null
 * @implNote immutable and thread-safe.
 */
public record Scenario(String name, Workload workload, ModelSpec model, ClusterSpec cluster, ParallelLayout parallel,
                       BatchSpec batch, Precision precision, Recompute recompute, MoeConfig moe,
                       StrategySpec strategy, MoeLayerSpec layer, DispatchSpec dispatch,
                       Set<RecomputeModule> recomputeModules) {

    /** A scenario whose selective recomputation (if any) re-runs {@link RecomputeModule#SELECTIVE_DEFAULT}. */
    public Scenario(String name, Workload workload, ModelSpec model, ClusterSpec cluster, ParallelLayout parallel,
                    BatchSpec batch, Precision precision, Recompute recompute, MoeConfig moe,
                    StrategySpec strategy, MoeLayerSpec layer, DispatchSpec dispatch) {
        this(name, workload, model, cluster, parallel, batch, precision, recompute, moe, strategy, layer, dispatch,
                null);
    }

    public Scenario {
        Require.nonBlank("name", name);
        Require.nonNull("workload", workload);
        Require.nonNull("cluster", cluster);
        Require.nonNull("parallel", parallel);
        Require.nonNull("precision", precision);
        Require.nonNull("recompute", recompute);
        Require.nonNull("moe", moe);
        Require.nonNull("strategy", strategy);
        if (recomputeModules == null) {
            recomputeModules = recompute == Recompute.SELECTIVE ? RecomputeModule.SELECTIVE_DEFAULT : Set.of();
        } else if (recompute != Recompute.SELECTIVE && !recomputeModules.isEmpty()) {
            throw new IllegalArgumentException("recomputeModules: only with recompute \"selective\" (recompute is \""
                    + recompute.id() + "\")");
        } else {
            recomputeModules = recomputeModules.isEmpty() ? Set.of()
                    : Collections.unmodifiableSet(EnumSet.copyOf(recomputeModules));
        }
    }

    /** Whether the backward re-runs {@code module}'s forward (selective recomputation of that module). */
    public boolean recomputes(RecomputeModule module) {
        return recomputeModules.contains(module);
    }

    /** This scenario with other recomputation settings (null modules: the default for {@code recompute}). */
    public Scenario withRecompute(Recompute recompute, Set<RecomputeModule> modules) {
        return new Scenario(name, workload, model, cluster, parallel, batch, precision, recompute, moe, strategy, layer,
                dispatch, modules);
    }

    /** This scenario with another strategy (system and knobs). */
    public Scenario withStrategy(StrategySpec strategy) {
        return new Scenario(name, workload, model, cluster, parallel, batch, precision, recompute, moe, strategy, layer,
                dispatch, recomputeModules);
    }
}
