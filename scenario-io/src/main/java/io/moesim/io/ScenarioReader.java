package io.moesim.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.hardware.GpuSpec;
import io.moesim.model.Activation;
import io.moesim.profiles.ProfileException;
import io.moesim.profiles.Profiles;
import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import io.moesim.scenario.BatchSpec;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.DataType;
import io.moesim.scenario.DispatchSpec;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.MoeConfig;
import io.moesim.scenario.MoeLayerSpec;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.RecomputeModule;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.RoutingSpec;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.ScenarioRules;
import io.moesim.scenario.StrategySpec;
import io.moesim.scenario.Violation;
import io.moesim.scenario.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads scenario files (the JSON schema of {@code docs/scenario.md} and the design contract) into
 * validated {@link Scenario}s. Reading never stops at the first problem: every malformed field,
 * unknown id and broken layout rule is collected and reported together, each naming the file, the
 * field and the rule.
 *
 * <pre>{@code
 * Scenario s = new ScenarioReader(ModelCatalog.builtIn()).read(Path.of("examples/qwen3.json"));
 * }</pre>
 *
 * @implNote stateless apart from the catalog; thread-safe.
 */
public final class ScenarioReader {
    private static final Set<String> TOP = Set.of("name", "description", "workload", "model", "cluster", "parallel",
            "batch", "precision", "recompute", "recomputeModules", "moe", "strategy", "layer", "dispatch");
    private static final Set<String> CLUSTER = Set.of("gpu", "nodes", "gpusPerNode", "nvlinkGBps", "nicGBps",
            "nicsPerNode", "oversubscription");
    private static final Set<String> PARALLEL = Set.of("tp", "pp", "vpp", "cp", "ep", "etp", "dp", "fsdp", "zero");
    private static final Set<String> BATCH = Set.of("seqLen", "globalBatch", "microBatch");
    private static final Set<String> MOE = Set.of("dispatcher", "routing", "capacityFactor");
    private static final Set<String> ROUTING = Set.of("kind", "skew", "file", "seed");
    private static final Set<String> STRATEGY = Set.of("name", "a2aOverlap", "commSms", "a2aAlgorithm", "hostLaunchUs",
            "sharedExpertOverlap", "tokenRounding", "padToCapacity", "pipelineDegree", "replicateHotExperts",
            "fullyShardedExperts", "rematerializeSlots", "localTrafficFraction", "crossEntropyFusion");
    private static final Set<String> LAYER = Set.of("tokens", "hidden", "expertFfn", "experts", "topK", "activation");
    private static final Set<String> DISPATCH = Set.of("tokensPerRank", "hidden", "topK", "experts", "dispatchDtype",
            "combineDtype", "maxNodesPerToken", "commSms");

    private final ModelCatalog catalog;

    public ScenarioReader(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Reads and validates a scenario file.
     *
     * @throws InputException listing every problem, each with the file and field
     */
    public Scenario read(Path file) throws InputException {
        String display = file.toString();
        JsonNode root = Json.readTree(file, display);
        String fileName = file.getFileName() == null ? "scenario" : file.getFileName().toString();
        String defaultName = fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
        return read(root, display, file.toAbsolutePath().getParent(), defaultName);
    }

    /**
     * Reads a scenario file with command-line overrides ({@code --set PATH=VALUE}) applied to its JSON first. Messages
     * name the file and say that overrides were applied, so a bad override value reads as
     * {@code FILE (with --set ...): strategy.hostLaunchUs: ...}.
     *
     * @throws InputException listing every problem, or one naming an override whose path runs through a non-object
     */
    public Scenario read(Path file, java.util.List<ScenarioOverride> overrides) throws InputException {
        if (overrides.isEmpty()) {
            return read(file);
        }
        JsonNode root = Json.readTree(file, file.toString());
        String display = file + " (with --set " + String.join(", --set ",
                overrides.stream().map(ScenarioOverride::spec).toList()) + ")";
        if (!root.isObject()) {
            throw new InputException(new Problem(display, "", "expected a JSON object at the top level, got "
                    + Fields.describe(root)));
        }
        for (ScenarioOverride o : overrides) {
            try {
                o.applyTo((ObjectNode) root);
            } catch (IllegalArgumentException e) {
                throw new InputException(new Problem(display, String.join(".", o.path()), e.getMessage()));
            }
        }
        String fileName = file.getFileName() == null ? "scenario" : file.getFileName().toString();
        String defaultName = fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
        return read(root, display, file.toAbsolutePath().getParent(), defaultName);
    }

    /**
     * Validates an already-parsed scenario.
     *
     * @param display     how to name the source in messages
     * @param baseDir     directory that relative paths (hfConfig, routing trace) are resolved against
     * @param defaultName scenario name when the file has none
     */
    public Scenario read(JsonNode root, String display, Path baseDir, String defaultName) throws InputException {
        Problems problems = new Problems(display);
        if (!root.isObject()) {
            throw new InputException(new Problem(display, "", "expected a JSON object at the top level, got "
                    + Fields.describe(root)));
        }
        Fields top = new Fields((ObjectNode) root, "", problems);
        top.rejectUnknown(TOP);
        String name = top.string("name", defaultName);
        top.string("description", null);
        Workload workload = top.choice("workload", "training-step", Workload::fromId);
        ModelSpec model = new ModelJson(Json.mapper()).readModelField(top, "model", catalog, baseDir);
        if (top.has("model") && model == null && problems.isEmpty()) {
            problems.add("model", "could not be read");
        }
        ClusterSpec cluster = readCluster(top);
        GpuSpec gpu = cluster == null ? null : resolveGpu(cluster.gpu(), baseDir, top);
        ParallelLayout parallel = readParallel(top, cluster, model == null || model.isMoe());
        BatchSpec batch = readBatch(top);
        Precision precision = top.choice("precision", "bf16", Precision::fromId);
        Recompute recompute = top.choice("recompute", "none", Recompute::fromId);
        java.util.List<RecomputeModule> modules = top.choices("recomputeModules", RecomputeModule::fromId);
        if (modules != null && recompute != null && recompute != Recompute.SELECTIVE) {
            problems.add("recomputeModules", "only applies with \"recompute\": \"selective\" (recompute is \""
                    + recompute.id() + "\")");
        } else if (modules != null && modules.isEmpty()) {
            problems.add("recomputeModules", "must name at least one module (or use \"recompute\": \"none\")");
        }
        MoeConfig moe = readMoe(top, baseDir);
        StrategySpec strategy = readStrategy(top);
        MoeLayerSpec layer = readLayer(top);
        DispatchSpec dispatch = readDispatch(top);
        problems.throwIfAny();

        Scenario scenario = build(problems, "", () -> new Scenario(name, workload, model, cluster, parallel, batch,
                precision, recompute, moe, strategy, layer, dispatch,
                modules == null ? null : java.util.EnumSet.copyOf(modules)));
        problems.throwIfAny();
        if (scenario.precision() == Precision.FP8 && !gpu.supports(DataType.FP8)) {
            problems.add("precision", "fp8 needs FP8 tensor cores, which GPU profile '" + gpu.id() + "' does not have");
        }
        io.moesim.scenario.RoutingTrace trace = scenario.moe().routing().trace();
        if (trace != null && scenario.model() != null && scenario.model().isMoe()
                && trace.experts() > scenario.model().moe().experts()) {
            problems.add("moe.routing.file", "the trace routes to " + trace.experts() + " experts; model '"
                    + scenario.model().id() + "' has " + scenario.model().moe().experts());
        }
        if (dispatch != null && dispatch.commSms() >= gpu.smCount()) {
            problems.add("dispatch.commSms", "must leave SMs for compute: " + dispatch.commSms() + " >= the "
                    + gpu.smCount() + " SMs of '" + gpu.id() + "'");
        }
        for (Violation v : ScenarioRules.check(scenario)) {
            problems.add(v.field(), v.message());
        }
        problems.throwIfAny();
        return scenario;
    }

    /** Resolves {@code cluster.gpu}: a bundled profile id, or a profile directory relative to the scenario file. */
    /**
     * The hardware profile a scenario's {@code cluster.gpu} names: a bundled id, or a profile directory
     * relative to the scenario file.
     */
    public static io.moesim.profiles.HardwareProfile resolveProfile(String gpu, Path scenarioFile) throws ProfileException {
        Path baseDir = scenarioFile.toAbsolutePath().getParent();
        return Profiles.resolve(!Profiles.BUNDLED.contains(gpu) && baseDir != null ? baseDir.resolve(gpu).toString() : gpu);
    }

    private static GpuSpec resolveGpu(String gpu, Path baseDir, Fields top) {
        String target = gpu;
        if (!Profiles.BUNDLED.contains(gpu) && baseDir != null) {
            target = baseDir.resolve(gpu).toString();
        }
        try {
            return Profiles.resolve(target).gpu();
        } catch (ProfileException e) {
            if (Profiles.BUNDLED.contains(gpu) || !java.nio.file.Files.exists(Path.of(target))) {
                top.problems().add("cluster.gpu", "unknown GPU profile '" + gpu + "' (bundled: "
                        + String.join(", ", Profiles.BUNDLED) + "; or a profile directory)");
            } else {
                e.problems().forEach(p -> top.problems().add("cluster.gpu", p));
            }
            return null;
        }
    }

    private static <T> T build(Problems problems, String field, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            problems.add(field, e.getMessage());
            return null;
        }
    }

    private static ClusterSpec readCluster(Fields top) {
        top.require("cluster");
        Fields c = top.object("cluster");
        if (c == null) {
            return null;
        }
        int before = c.problems().size();
        c.rejectUnknown(CLUSTER);
        c.require("gpu", "nodes");
        String gpu = c.string("gpu", null);
        Integer nodes = c.positiveInt("nodes", null);
        Integer perNode = c.positiveInt("gpusPerNode", 8);
        Double nvlink = c.positiveNumber("nvlinkGBps", null);
        Double nic = c.positiveNumber("nicGBps", null);
        Integer nics = c.positiveInt("nicsPerNode", null);
        Double over = c.number("oversubscription", null);
        if (over != null && over < 1.0) {
            c.problems().add(c.pathOf("oversubscription"), "must be at least 1 (1 = non-blocking), got " + over);
        }
        if (c.problems().size() > before) {
            return null;
        }
        return build(c.problems(), "cluster", () -> new ClusterSpec(gpu, nodes, perNode, nvlink, nic, nics, over));
    }

    /** {@code etp} defaults to {@code tp} for MoE models (Megatron-Core's default) and to 1 for dense ones. */
    private static ParallelLayout readParallel(Fields top, ClusterSpec cluster, boolean moe) {
        Fields p = top.object("parallel");
        if (p == null) {
            return top.has("parallel") ? null : ParallelLayout.none();
        }
        int before = p.problems().size();
        p.rejectUnknown(PARALLEL);
        Integer tp = p.positiveInt("tp", 1);
        Integer pp = p.positiveInt("pp", 1);
        Integer vpp = p.positiveInt("vpp", 1);
        Integer cp = p.positiveInt("cp", 1);
        Integer ep = p.positiveInt("ep", 1);
        Integer etp = p.positiveInt("etp", moe ? tp : Integer.valueOf(1));
        Integer dp = p.positiveInt("dp", null);
        Boolean fsdp = p.bool("fsdp", false);
        Integer zero = p.integer("zero", Boolean.TRUE.equals(fsdp) ? 3 : 1);
        if (zero != null && (zero < 0 || zero > 3)) {
            p.problems().add(p.pathOf("zero"), "must be 0, 1, 2 or 3, got " + zero);
        }
        if (Boolean.TRUE.equals(fsdp) && zero != null && zero != 3) {
            p.problems().add(p.pathOf("zero"), "fsdp shards parameters, gradients and optimizer state (ZeRO-3); zero must be 3 or left out, got "
                    + zero);
        }
        if (p.problems().size() > before) {
            return null;
        }
        if (dp != null && cluster != null) {
            int mp = tp * pp * cp;
            if (cluster.gpuCount() % mp == 0 && cluster.gpuCount() / mp != dp) {
                p.problems().add(p.pathOf("dp"), "dp is derived as gpus/(tp*pp*cp) = " + cluster.gpuCount() + "/" + mp
                        + " = " + cluster.gpuCount() / mp + ", but the file says " + dp + " (leave dp out)");
            }
        }
        return build(p.problems(), "parallel", () -> new ParallelLayout(tp, pp, vpp, cp, ep, etp, fsdp, zero));
    }

    private static BatchSpec readBatch(Fields top) {
        Fields b = top.object("batch");
        if (b == null) {
            return null;
        }
        int before = b.problems().size();
        b.rejectUnknown(BATCH);
        b.require("seqLen", "globalBatch");
        Integer seq = b.positiveInt("seqLen", null);
        Integer global = b.positiveInt("globalBatch", null);
        Integer micro = b.positiveInt("microBatch", 1);
        if (b.problems().size() > before) {
            return null;
        }
        return new BatchSpec(seq, global, micro);
    }

    private static MoeConfig readMoe(Fields top, Path baseDir) {
        Fields m = top.object("moe");
        if (m == null) {
            return top.has("moe") ? null : MoeConfig.defaults();
        }
        int before = m.problems().size();
        m.rejectUnknown(MOE);
        Dispatcher dispatcher = m.choice("dispatcher", "alltoall", Dispatcher::fromId);
        Double capacity = m.positiveNumber("capacityFactor", null);
        RoutingSpec routing = RoutingSpec.balanced();
        Fields r = m.object("routing");
        if (r != null) {
            r.rejectUnknown(ROUTING);
            RoutingKind kind = r.choice("kind", "balanced", RoutingKind::fromId);
            Double skew = r.number("skew", null);
            String file = r.string("file", null);
            Long seed = r.longValue("seed", RoutingSpec.DEFAULT_SEED);
            if (kind == RoutingKind.ZIPF && skew == null && !r.has("skew")) {
                r.problems().add(r.pathOf("skew"), "is required for kind 'zipf' (the Zipf exponent, e.g. 1.2)");
            } else if (kind == RoutingKind.ZIPF && skew != null && !(skew > 0)) {
                r.problems().add(r.pathOf("skew"), "must be positive, got " + skew);
            } else if (kind != RoutingKind.ZIPF && kind != null && r.has("skew")) {
                r.problems().add(r.pathOf("skew"), "applies only to kind 'zipf'");
            }
            if (kind == RoutingKind.TRACE && file == null && !r.has("file")) {
                r.problems().add(r.pathOf("file"), "is required for kind 'trace' (a CSV of per-expert token counts)");
            } else if (kind != RoutingKind.TRACE && kind != null && r.has("file")) {
                r.problems().add(r.pathOf("file"), "applies only to kind 'trace'");
            }
            String resolved = null;
            io.moesim.scenario.RoutingTrace traceContents = null;
            if (kind == RoutingKind.TRACE && file != null) {
                Path p = baseDir == null ? Path.of(file) : baseDir.resolve(file);
                if (!Files.isRegularFile(p)) {
                    r.problems().add(r.pathOf("file"), "routing trace not found: " + p);
                } else {
                    try {
                        traceContents = RoutingTraceReader.read(p);
                    } catch (ProfileException e) {
                        e.problems().forEach(problem -> r.problems().add(r.pathOf("file"), problem));
                    }
                }
                resolved = p.toString();
            }
            if (m.problems().size() > before) {
                return null;
            }
            double skewValue = kind == RoutingKind.ZIPF ? skew : 0.0;
            String traceFile = resolved;
            io.moesim.scenario.RoutingTrace loaded = traceContents;
            routing = build(m.problems(), r.path(), () -> new RoutingSpec(kind, skewValue, traceFile, seed, loaded));
        } else if (m.has("routing")) {
            return null;
        }
        if (m.problems().size() > before || routing == null) {
            return null;
        }
        RoutingSpec finalRouting = routing;
        return build(m.problems(), "moe", () -> new MoeConfig(dispatcher, finalRouting, capacity));
    }

    private static StrategySpec readStrategy(Fields top) {
        Fields s = top.object("strategy");
        if (s == null) {
            return top.has("strategy") ? null : StrategySpec.defaults();
        }
        int before = s.problems().size();
        s.rejectUnknown(STRATEGY);
        String name = s.string("name", "megatron");
        Boolean overlap = s.bool("a2aOverlap", false);
        if (s.problems().size() > before) {
            return null;
        }
        if (!StrategySpec.KNOWN_NAMES.contains(name)) {
            return build(s.problems(), s.pathOf("name"), () -> new StrategySpec(name, overlap));
        }
        io.moesim.scenario.StrategyKnobs p = io.moesim.scenario.StrategyKnobs.preset(name);
        Integer commSms = s.positiveInt("commSms", p.commSms());
        io.moesim.cost.CollectiveAlgorithm algorithm = s.choice("a2aAlgorithm", p.a2aAlgorithm().id(),
                io.moesim.cost.CollectiveAlgorithm::fromId);
        Boolean sharedOverlap = s.bool("sharedExpertOverlap", p.sharedExpertOverlap());
        Integer rounding = s.nonNegativeInt("tokenRounding", p.tokenRounding());
        Boolean pad = s.bool("padToCapacity", p.padToCapacity());
        Integer degree = s.nonNegativeInt("pipelineDegree", p.pipelineDegree());
        Integer replicate = s.integer("replicateHotExperts", p.replicateHotExperts());
        Boolean sharded = s.bool("fullyShardedExperts", p.fullyShardedExperts());
        Integer slots = s.nonNegativeInt("rematerializeSlots", p.rematerializeSlots());
        Double local = s.number("localTrafficFraction", p.localTrafficFraction());
        Double hostLaunch = s.positiveNumber("hostLaunchUs", p.hostLaunchUs());
        io.moesim.scenario.CrossEntropyFusion crossEntropy = s.choice("crossEntropyFusion",
                p.crossEntropyFusion().id(), io.moesim.scenario.CrossEntropyFusion::fromId);
        if (hostLaunch != null && hostLaunch > 10_000) {
            s.problems().add(s.pathOf("hostLaunchUs"), "must be at most 10000 µs per launch, got " + hostLaunch);
        }
        if (local != null && !(local >= 0 && local < 1)) {
            s.problems().add(s.pathOf("localTrafficFraction"), "must be at least 0 and below 1, got " + local);
        }
        if (algorithm != null && algorithm != io.moesim.cost.CollectiveAlgorithm.AUTO
                && algorithm != io.moesim.cost.CollectiveAlgorithm.FLAT
                && algorithm != io.moesim.cost.CollectiveAlgorithm.HIERARCHICAL) {
            s.problems().add(s.pathOf("a2aAlgorithm"), "must be flat or hierarchical, got " + algorithm.id());
        }
        if (degree != null && degree > 64) {
            s.problems().add(s.pathOf("pipelineDegree"), "must be 0 (adaptive) to 64, got " + degree);
        }
        if (replicate != null && replicate < -1) {
            s.problems().add(s.pathOf("replicateHotExperts"), "must be -1 (dynamic), 0 or more, got " + replicate);
        }
        if (s.problems().size() > before) {
            return null;
        }
        return build(s.problems(), "strategy", () -> new StrategySpec(name, overlap,
                new io.moesim.scenario.StrategyKnobs(commSms, algorithm, sharedOverlap, rounding, pad, degree, replicate,
                        sharded, slots, local, hostLaunch, crossEntropy)));
    }

    private static MoeLayerSpec readLayer(Fields top) {
        Fields l = top.object("layer");
        if (l == null) {
            return null;
        }
        int before = l.problems().size();
        l.rejectUnknown(LAYER);
        l.require("tokens", "hidden", "expertFfn", "experts", "topK");
        Integer tokens = l.positiveInt("tokens", null);
        Integer hidden = l.positiveInt("hidden", null);
        Integer ffn = l.positiveInt("expertFfn", null);
        Integer experts = l.positiveInt("experts", null);
        Integer topK = l.positiveInt("topK", null);
        Activation act = l.choice("activation", "swiglu", Activation::fromId);
        if (l.problems().size() > before) {
            return null;
        }
        return build(l.problems(), "layer", () -> new MoeLayerSpec(tokens, hidden, ffn, experts, topK, act));
    }

    private static DispatchSpec readDispatch(Fields top) {
        Fields d = top.object("dispatch");
        if (d == null) {
            return null;
        }
        int before = d.problems().size();
        d.rejectUnknown(DISPATCH);
        d.require("tokensPerRank", "hidden", "topK", "experts");
        Integer tokens = d.positiveInt("tokensPerRank", null);
        Integer hidden = d.positiveInt("hidden", null);
        Integer topK = d.positiveInt("topK", null);
        Integer experts = d.positiveInt("experts", null);
        DataType dispatchType = d.choice("dispatchDtype", "bf16", DataType::fromId);
        DataType combineType = d.choice("combineDtype", "bf16", DataType::fromId);
        Integer maxNodes = d.positiveInt("maxNodesPerToken", DispatchSpec.DEFAULT_MAX_NODES_PER_TOKEN);
        Integer commSms = d.positiveInt("commSms", DispatchSpec.DEFAULT_COMM_SMS);
        if (d.problems().size() > before) {
            return null;
        }
        return build(d.problems(), "dispatch",
                () -> new DispatchSpec(tokens, hidden, topK, experts, dispatchType, combineType, maxNodes, commSms));
    }
}
