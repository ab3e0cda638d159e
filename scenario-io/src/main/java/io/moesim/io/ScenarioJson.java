package io.moesim.io;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import io.moesim.profiles.Profiles;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.DispatchSpec;
import io.moesim.scenario.MoeConfig;
import io.moesim.scenario.MoeLayerSpec;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.RecomputeModule;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.RoutingSpec;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.StrategyKnobs;
import java.nio.file.Path;

/**
 * Writes a scenario as the canonical scenario JSON: every field explicit (defaults filled in), the
 * model as its preset id when it is one and inline otherwise, the strategy's knobs spelled out, and
 * paths (a profile directory, a routing trace) made absolute so the file can be read from anywhere.
 * Reading the output back gives an equal scenario.
 */
public final class ScenarioJson {
    private ScenarioJson() {
    }

    /**
     * @param scenarioFile the file the scenario was read from (resolves relative profile paths); may be null
     */
    public static ObjectNode toJson(Scenario s, ModelCatalog catalog, Path scenarioFile) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("name", s.name());
        o.put("workload", s.workload().id());
        if (s.model() != null) {
            ModelSpec preset = catalog.find(s.model().id()).orElse(null);
            if (s.model().equals(preset)) {
                o.put("model", s.model().id());
            } else {
                o.set("model", ModelJson.toJson(s.model()));
            }
        }
        ClusterSpec c = s.cluster();
        ObjectNode cluster = o.putObject("cluster");
        String gpu = c.gpu();
        if (!Profiles.BUNDLED.contains(gpu) && scenarioFile != null) {
            Path base = scenarioFile.toAbsolutePath().getParent();
            gpu = (base == null ? Path.of(gpu) : base.resolve(gpu)).toAbsolutePath().normalize().toString();
        }
        cluster.put("gpu", gpu).put("nodes", c.nodes()).put("gpusPerNode", c.gpusPerNode());
        if (c.nvlinkGBps() != null) {
            cluster.put("nvlinkGBps", c.nvlinkGBps());
        }
        if (c.nicGBps() != null) {
            cluster.put("nicGBps", c.nicGBps());
        }
        if (c.nicsPerNode() != null) {
            cluster.put("nicsPerNode", c.nicsPerNode());
        }
        if (c.oversubscription() != null) {
            cluster.put("oversubscription", c.oversubscription());
        }
        ParallelLayout p = s.parallel();
        ObjectNode parallel = o.putObject("parallel");
        parallel.put("tp", p.tp()).put("pp", p.pp()).put("vpp", p.vpp()).put("cp", p.cp()).put("ep", p.ep())
                .put("etp", p.etp()).put("fsdp", p.fsdp()).put("zero", p.zeroStage());
        if (s.batch() != null) {
            o.putObject("batch").put("seqLen", s.batch().seqLen()).put("globalBatch", s.batch().globalBatch())
                    .put("microBatch", s.batch().microBatch());
        }
        o.put("precision", s.precision().id());
        o.put("recompute", s.recompute().id());
        if (!s.recomputeModules().isEmpty() && !s.recomputeModules().equals(RecomputeModule.SELECTIVE_DEFAULT)) {
            ArrayNode modules = o.putArray("recomputeModules");
            s.recomputeModules().forEach(m -> modules.add(m.id()));
        }
        MoeConfig m = s.moe();
        ObjectNode moe = o.putObject("moe");
        moe.put("dispatcher", m.dispatcher().id());
        RoutingSpec r = m.routing();
        ObjectNode routing = moe.putObject("routing");
        routing.put("kind", r.kind().id());
        if (r.kind() == RoutingKind.ZIPF) {
            routing.put("skew", r.skew());
        }
        if (r.traceFile() != null) {
            routing.put("file", Path.of(r.traceFile()).toAbsolutePath().normalize().toString());
        }
        routing.put("seed", r.seed());
        if (m.capacityFactor() == null) {
            moe.putNull("capacityFactor");
        } else {
            moe.put("capacityFactor", m.capacityFactor());
        }
        StrategyKnobs k = s.strategy().knobs();
        ObjectNode strategy = o.putObject("strategy");
        strategy.put("name", s.strategy().name()).put("a2aOverlap", s.strategy().a2aOverlap());
        if (k.commSms() != null) {
            strategy.put("commSms", k.commSms());
        }
        strategy.put("a2aAlgorithm", k.a2aAlgorithm().id()).put("sharedExpertOverlap", k.sharedExpertOverlap())
                .put("tokenRounding", k.tokenRounding()).put("padToCapacity", k.padToCapacity())
                .put("pipelineDegree", k.pipelineDegree()).put("replicateHotExperts", k.replicateHotExperts())
                .put("fullyShardedExperts", k.fullyShardedExperts()).put("rematerializeSlots", k.rematerializeSlots())
                .put("localTrafficFraction", k.localTrafficFraction()).put("hostLaunchUs", k.hostLaunchUs())
                .put("crossEntropyFusion", k.crossEntropyFusion().id());
        MoeLayerSpec l = s.layer();
        if (l != null) {
            o.putObject("layer").put("tokens", l.tokens()).put("hidden", l.hidden()).put("expertFfn", l.expertFfn())
                    .put("experts", l.experts()).put("topK", l.topK()).put("activation", l.activation().id());
        }
        DispatchSpec d = s.dispatch();
        if (d != null) {
            o.putObject("dispatch").put("tokensPerRank", d.tokensPerRank()).put("hidden", d.hidden())
                    .put("topK", d.topK()).put("experts", d.experts()).put("dispatchDtype", d.dispatchDtype().id())
                    .put("combineDtype", d.combineDtype().id()).put("maxNodesPerToken", d.maxNodesPerToken())
                    .put("commSms", d.commSms());
        }
        return o;
    }
}
