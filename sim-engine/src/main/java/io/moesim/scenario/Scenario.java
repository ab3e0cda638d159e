package io.moesim.scenario;

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
 * @param moe       MoE dispatcher, routing and capacity
 * @param strategy  MoE system
 * @param layer     the layer (moe-layer), else null
 * @param dispatch  the dispatch (dispatch), else null
 * @implNote immutable and thread-safe.
 */
public record Scenario(String name, Workload workload, ModelSpec model, ClusterSpec cluster, ParallelLayout parallel,
                       BatchSpec batch, Precision precision, Recompute recompute, MoeConfig moe,
                       StrategySpec strategy, MoeLayerSpec layer, DispatchSpec dispatch) {

    public Scenario {
        Require.nonBlank("name", name);
        Require.nonNull("workload", workload);
        Require.nonNull("cluster", cluster);
        Require.nonNull("parallel", parallel);
        Require.nonNull("precision", precision);
        Require.nonNull("recompute", recompute);
        Require.nonNull("moe", moe);
        Require.nonNull("strategy", strategy);
    }
}
