package io.moesim.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.model.Activation;
import io.moesim.model.AttentionSpec;
import io.moesim.model.GroupedQueryAttention;
import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import io.moesim.model.MoeSpec;
import io.moesim.model.MultiLatentAttention;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of a {@link ModelSpec}: what {@code moe-sim models show ID --json} prints and what a
 * scenario's inline {@code "model": {…}} object contains. A scenario's model may be
 * <ul>
 *   <li>a preset id: {@code "model": "qwen3-235b-a22b"};</li>
 *   <li>a Hugging Face config: {@code "model": {"hfConfig": "path/config.json"}} (relative to the scenario file);</li>
 *   <li>a preset with overrides: {@code "model": {"preset": "qwen3-235b-a22b", "layers": 48}};</li>
 *   <li>a full inline object with the fields below.</li>
 * </ul>
 *
 * <pre>{@code
 * {"id": "tiny", "layers": 2, "hidden": 1024, "ffn": 4096, "activation": "swiglu", "vocab": 32000,
 *  "tiedEmbeddings": false, "mtpLayers": 0,
 *  "attention": {"kind": "gqa", "heads": 8, "kvHeads": 8, "headDim": 128, "qkvBias": false, "qkNorm": false},
 *  "moe": {"experts": 8, "expertFfn": 2048, "topK": 2, "sharedExperts": 0, "sharedExpertFfn": 0,
 *          "firstDenseLayers": 0, "layerInterval": 1, "expertGroups": 1, "topKGroups": 1}}
 * }</pre>
 */
public final class ModelJson {
    private static final Set<String> MODEL_FIELDS = Set.of("id", "name", "source", "layers", "hidden", "ffn",
            "activation", "attention", "moe", "vocab", "tiedEmbeddings", "mtpLayers");
    private static final Set<String> GQA_FIELDS = Set.of("kind", "heads", "kvHeads", "headDim", "qkvBias", "qkNorm");
    private static final Set<String> MLA_FIELDS = Set.of("kind", "heads", "qLoraRank", "kvLoraRank", "qkNopeHeadDim",
            "qkRopeHeadDim", "vHeadDim");
    private static final Set<String> MOE_FIELDS = Set.of("experts", "expertFfn", "topK", "sharedExperts",
            "sharedExpertFfn", "firstDenseLayers", "layerInterval", "expertGroups", "topKGroups");

    private final ObjectMapper mapper;

    ModelJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Writes {@code model} as its JSON object. */
    public static ObjectNode toJson(ModelSpec model) {
        return new ModelJson(Json.mapper()).write(model);
    }

    ObjectNode write(ModelSpec m) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", m.id());
        o.put("name", m.displayName());
        o.put("source", m.source());
        o.put("layers", m.layers());
        o.put("hidden", m.hidden());
        o.put("ffn", m.ffn());
        o.put("activation", m.activation().id());
        ObjectNode a = o.putObject("attention");
        a.put("kind", m.attention().kind());
        a.put("heads", m.attention().heads());
        if (m.attention() instanceof GroupedQueryAttention g) {
            a.put("kvHeads", g.kvHeads());
            a.put("headDim", g.headDim());
            a.put("qkvBias", g.qkvBias());
            a.put("qkNorm", g.qkNorm());
        } else if (m.attention() instanceof MultiLatentAttention l) {
            a.put("qLoraRank", l.qLoraRank());
            a.put("kvLoraRank", l.kvLoraRank());
            a.put("qkNopeHeadDim", l.qkNopeHeadDim());
            a.put("qkRopeHeadDim", l.qkRopeHeadDim());
            a.put("vHeadDim", l.vHeadDim());
        }
        if (m.moe() == null) {
            o.putNull("moe");
        } else {
            MoeSpec e = m.moe();
            ObjectNode n = o.putObject("moe");
            n.put("experts", e.experts());
            n.put("expertFfn", e.expertFfn());
            n.put("topK", e.topK());
            n.put("sharedExperts", e.sharedExperts());
            n.put("sharedExpertFfn", e.sharedExpertFfn());
            n.put("firstDenseLayers", e.firstDenseLayers());
            n.put("layerInterval", e.layerInterval());
            n.put("expertGroups", e.expertGroups());
            n.put("topKGroups", e.topKGroups());
        }
        o.put("vocab", m.vocab());
        o.put("tiedEmbeddings", m.tiedEmbeddings());
        o.put("mtpLayers", m.mtpLayers());
        return o;
    }

    /**
     * Reads the {@code model} field of a scenario: a preset id (string) or an object. Records problems
     * and returns null when it cannot.
     */
    ModelSpec readModelField(Fields parent, String name, ModelCatalog catalog, Path baseDir) {
        JsonNode v = parent.raw(name);
        String path = parent.pathOf(name);
        Problems problems = parent.problems();
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return catalog.find(v.asText()).orElseGet(() -> {
                problems.add(path, "unknown model '" + v.asText() + "' (known presets: "
                        + String.join(", ", catalog.ids()) + "; or {\"hfConfig\": \"path/config.json\"})");
                return null;
            });
        }
        Fields f = parent.object(name);
        if (f == null) {
            return null;
        }
        if (f.has("hfConfig")) {
            f.rejectUnknown(Set.of("hfConfig"));
            String file = f.string("hfConfig", null);
            if (file == null) {
                return null;
            }
            Path p = baseDir == null ? Path.of(file) : baseDir.resolve(file);
            try {
                return HfConfigImporter.read(p);
            } catch (InputException e) {
                problems.addAll(e.problems());
                return null;
            }
        }
        if (f.has("preset")) {
            String preset = f.string("preset", null);
            if (preset == null) {
                return null;
            }
            ModelSpec base = catalog.find(preset).orElse(null);
            if (base == null) {
                problems.add(f.pathOf("preset"), "unknown model preset '" + preset + "' (known: "
                        + String.join(", ", catalog.ids()) + ")");
                return null;
            }
            ObjectNode merged = write(base);
            ObjectNode overrides = f.node().deepCopy();
            overrides.remove("preset");
            if (!overrides.has("id") && overrides.size() > 0) {
                merged.put("id", base.id() + "-custom");
                merged.put("name", base.displayName() + " (customised)");
            }
            merge(merged, overrides);
            return read(new Fields(merged, path, problems));
        }
        return read(f);
    }

    /** Reads a full model object; records problems and returns null when it cannot. */
    ModelSpec read(Fields f) {
        Problems problems = f.problems();
        int before = problems.size();
        f.rejectUnknown(MODEL_FIELDS);
        f.require("layers", "hidden", "vocab", "attention");
        String id = f.string("id", "custom-model");
        String name = f.string("name", id);
        String source = f.string("source", "inline");
        Integer layers = f.positiveInt("layers", null);
        Integer hidden = f.positiveInt("hidden", null);
        Integer ffn = f.nonNegativeInt("ffn", 0);
        Integer vocab = f.positiveInt("vocab", null);
        Boolean tied = f.bool("tiedEmbeddings", false);
        Integer mtp = f.nonNegativeInt("mtpLayers", 0);
        Activation activation = f.choice("activation", "swiglu", Activation::fromId);
        AttentionSpec attention = readAttention(f);
        MoeSpec moe = readMoe(f);
        if (problems.size() > before) {
            return null;
        }
        try {
            return new ModelSpec(id, name, source, layers, hidden, ffn, activation, attention, moe, vocab, tied, mtp);
        } catch (IllegalArgumentException e) {
            problems.add(f.path(), e.getMessage());
            return null;
        }
    }

    private AttentionSpec readAttention(Fields parent) {
        Fields a = parent.object("attention");
        if (a == null) {
            return null;
        }
        String kind = a.string("kind", "gqa");
        if (kind == null) {
            return null;
        }
        int before = a.problems().size();
        try {
            switch (kind) {
                case "gqa", "mha" -> {
                    a.rejectUnknown(GQA_FIELDS);
                    a.require("heads", "headDim");
                    Integer heads = a.positiveInt("heads", null);
                    Integer kv = a.positiveInt("kvHeads", heads);
                    Integer headDim = a.positiveInt("headDim", null);
                    Boolean bias = a.bool("qkvBias", false);
                    Boolean norm = a.bool("qkNorm", false);
                    return a.problems().size() > before ? null
                            : new GroupedQueryAttention(heads, kv, headDim, bias, norm);
                }
                case "mla" -> {
                    a.rejectUnknown(MLA_FIELDS);
                    a.require("heads", "kvLoraRank", "qkNopeHeadDim", "vHeadDim");
                    Integer heads = a.positiveInt("heads", null);
                    Integer qLora = a.nonNegativeInt("qLoraRank", 0);
                    Integer kvLora = a.positiveInt("kvLoraRank", null);
                    Integer nope = a.positiveInt("qkNopeHeadDim", null);
                    Integer rope = a.nonNegativeInt("qkRopeHeadDim", 0);
                    Integer v = a.positiveInt("vHeadDim", null);
                    return a.problems().size() > before ? null
                            : new MultiLatentAttention(heads, qLora, kvLora, nope, rope, v);
                }
                default -> {
                    a.problems().add(a.pathOf("kind"), "unknown attention kind '" + kind + "' (expected gqa or mla)");
                    return null;
                }
            }
        } catch (IllegalArgumentException e) {
            a.problems().add(a.path(), e.getMessage());
            return null;
        }
    }

    private MoeSpec readMoe(Fields parent) {
        Fields m = parent.object("moe");
        if (m == null) {
            return null;
        }
        int before = m.problems().size();
        m.rejectUnknown(MOE_FIELDS);
        m.require("experts", "expertFfn", "topK");
        Integer experts = m.positiveInt("experts", null);
        Integer expertFfn = m.positiveInt("expertFfn", null);
        Integer topK = m.positiveInt("topK", null);
        Integer shared = m.nonNegativeInt("sharedExperts", 0);
        Integer sharedFfn = m.nonNegativeInt("sharedExpertFfn", shared != null && shared > 0 ? expertFfn : 0);
        Integer firstDense = m.nonNegativeInt("firstDenseLayers", 0);
        Integer interval = m.positiveInt("layerInterval", 1);
        Integer groups = m.positiveInt("expertGroups", 1);
        Integer topKGroups = m.positiveInt("topKGroups", groups);
        if (m.problems().size() > before) {
            return null;
        }
        try {
            return new MoeSpec(experts, expertFfn, topK, shared, sharedFfn, firstDense, interval, groups, topKGroups);
        } catch (IllegalArgumentException e) {
            m.problems().add(m.path(), e.getMessage());
            return null;
        }
    }

    private static void merge(ObjectNode target, ObjectNode overrides) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = target.get(e.getKey());
            boolean sameKind = existing != null && existing.path("kind").equals(e.getValue().path("kind"))
                    || !e.getValue().has("kind");
            if (existing != null && existing.isObject() && e.getValue().isObject() && sameKind) {
                merge((ObjectNode) existing, (ObjectNode) e.getValue());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }
}
