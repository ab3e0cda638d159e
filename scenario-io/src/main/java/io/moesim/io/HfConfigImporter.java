package io.moesim.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.model.Activation;
import io.moesim.model.AttentionSpec;
import io.moesim.model.GroupedQueryAttention;
import io.moesim.model.ModelSpec;
import io.moesim.model.MoeSpec;
import io.moesim.model.MultiLatentAttention;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Imports a model from a Hugging Face {@code config.json}. Supported {@code model_type}s: Llama-style
 * dense ({@code llama}, {@code mistral}, {@code qwen2}, {@code qwen3}), {@code mixtral}, {@code qwen2_moe},
 * {@code qwen3_moe}, {@code deepseek_v2}, {@code deepseek_v3}, {@code kimi_k2}, {@code olmoe} and
 * {@code phimoe}. Field names and defaults follow the corresponding {@code transformers} configuration
 * classes; every other {@code model_type} is rejected with a message naming it.
 *
 * <pre>{@code
 * ModelSpec m = HfConfigImporter.read(Path.of("checkpoints/Qwen3-30B-A3B/config.json"));
 * }</pre>
 */
public final class HfConfigImporter {
    /** The {@code model_type}s this importer understands. */
    public static final List<String> SUPPORTED = List.of("llama", "mistral", "qwen2", "qwen3", "mixtral",
            "qwen2_moe", "qwen3_moe", "deepseek_v2", "deepseek_v3", "kimi_k2", "olmoe", "phimoe");

    private HfConfigImporter() {
    }

    /**
     * Reads {@code file} and converts it.
     *
     * @throws InputException naming the file and field when it is missing, malformed, of an unsupported
     *                        {@code model_type}, or lacks a required field
     */
    public static ModelSpec read(Path file) throws InputException {
        String display = file.toString();
        JsonNode root = Json.readTree(file, display);
        Path parent = file.toAbsolutePath().getParent();
        String dirName = parent == null || parent.getFileName() == null ? "hf-model" : parent.getFileName().toString();
        return convert(root, display, dirName);
    }

    /**
     * Converts a parsed {@code config.json}.
     *
     * @param display how to name the file in messages
     * @param fallbackName model name to use when the config has no {@code _name_or_path}
     */
    public static ModelSpec convert(JsonNode root, String display, String fallbackName) throws InputException {
        Problems problems = new Problems(display);
        if (!root.isObject()) {
            throw new InputException(new Problem(display, "", "expected a JSON object"));
        }
        Fields f = new Fields((ObjectNode) root, "", problems);
        String type = f.string("model_type", null);
        if (type == null) {
            problems.add("model_type", "is missing; cannot tell the architecture (supported: "
                    + String.join(", ", SUPPORTED) + ")");
            problems.throwIfAny();
        }
        if (!SUPPORTED.contains(type)) {
            throw new InputException(new Problem(display, "model_type", "unsupported architecture '" + type
                    + "' (supported: " + String.join(", ", SUPPORTED) + ")"));
        }
        String name = f.string("_name_or_path", null);
        if (name == null || name.isBlank()) {
            name = fallbackName;
        }
        String id = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);

        f.require("num_hidden_layers", "hidden_size", "vocab_size", "num_attention_heads");
        Integer layers = f.positiveInt("num_hidden_layers", null);
        Integer hidden = f.positiveInt("hidden_size", null);
        Integer vocab = f.positiveInt("vocab_size", null);
        Boolean tied = f.bool("tie_word_embeddings", false);
        Activation activation = gatedActivation(f);
        AttentionSpec attention = null;
        MoeSpec moe = null;
        Integer ffn = 0;
        int mtp = 0;
        switch (type) {
            case "deepseek_v2", "deepseek_v3", "kimi_k2" -> {
                attention = mla(f);
                f.require("intermediate_size");
                ffn = f.positiveInt("intermediate_size", null);
                Integer experts = f.positiveInt("n_routed_experts", null);
                if (experts != null) {
                    f.require("moe_intermediate_size", "num_experts_per_tok");
                    Integer expertFfn = f.positiveInt("moe_intermediate_size", null);
                    Integer topK = f.positiveInt("num_experts_per_tok", null);
                    Integer shared = f.nonNegativeInt("n_shared_experts", 0);
                    Integer firstDense = f.nonNegativeInt("first_k_dense_replace", 0);
                    Integer interval = f.positiveInt("moe_layer_freq", 1);
                    Integer groups = f.positiveInt("n_group", 1);
                    Integer topKGroups = f.positiveInt("topk_group", groups);
                    moe = problems.isEmpty() ? moeSpec(problems, experts, expertFfn, topK, shared,
                            shared == null || shared == 0 ? 0 : expertFfn, firstDense, interval, groups, topKGroups) : null;
                }
                Integer n = f.nonNegativeInt("num_nextn_predict_layers", 0);
                mtp = n == null ? 0 : n;
            }
            default -> {
                attention = gqa(f, type, hidden);
                String expertsField = switch (type) {
                    case "mixtral", "phimoe" -> "num_local_experts";
                    case "qwen2_moe", "qwen3_moe", "olmoe" -> "num_experts";
                    default -> null;
                };
                f.require("intermediate_size");
                ffn = f.positiveInt("intermediate_size", null);
                if (expertsField != null) {
                    f.require(expertsField, "num_experts_per_tok");
                    Integer experts = f.positiveInt(expertsField, null);
                    Integer topK = f.positiveInt("num_experts_per_tok", null);
                    boolean qwenMoe = type.startsWith("qwen");
                    if (qwenMoe) {
                        f.require("moe_intermediate_size");
                    }
                    Integer expertFfn = qwenMoe ? f.positiveInt("moe_intermediate_size", null) : ffn;
                    Integer sharedFfn = type.equals("qwen2_moe")
                            ? f.nonNegativeInt("shared_expert_intermediate_size", 0) : Integer.valueOf(0);
                    Integer interval = qwenMoe ? f.positiveInt("decoder_sparse_step", 1) : Integer.valueOf(1);
                    Integer firstDense = qwenMoe ? leadingDenseLayers(f) : Integer.valueOf(0);
                    moe = problems.isEmpty() ? moeSpec(problems, experts, expertFfn, topK,
                            sharedFfn == null || sharedFfn == 0 ? 0 : 1, sharedFfn, firstDense, interval, 1, 1) : null;
                }
            }
        }
        problems.throwIfAny();
        try {
            return new ModelSpec(id, name, display, layers, hidden, ffn, activation, attention, moe, vocab, tied, mtp);
        } catch (IllegalArgumentException e) {
            throw new InputException(new Problem(display, "", "inconsistent configuration: " + e.getMessage()));
        }
    }

    private static MoeSpec moeSpec(Problems problems, int experts, int expertFfn, int topK, int shared, int sharedFfn,
                                   int firstDense, int interval, int groups, int topKGroups) {
        try {
            return new MoeSpec(experts, expertFfn, topK, shared, sharedFfn, firstDense, interval, groups, topKGroups);
        } catch (IllegalArgumentException e) {
            problems.add("", "inconsistent MoE configuration: " + e.getMessage());
            return null;
        }
    }

    /** Qwen-MoE's {@code mlp_only_layers}: supported when it is a prefix 0..k-1 (leading dense layers). */
    private static Integer leadingDenseLayers(Fields f) {
        JsonNode list = f.raw("mlp_only_layers");
        if (list == null || list.isNull()) {
            return 0;
        }
        if (!list.isArray()) {
            f.problems().add("mlp_only_layers", "expected an array of layer indices");
            return null;
        }
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isInt() || list.get(i).asInt() != i) {
                f.problems().add("mlp_only_layers", "only a leading run of dense layers [0, 1, …, k-1] is supported, got "
                        + list);
                return null;
            }
        }
        return list.size();
    }

    private static Activation gatedActivation(Fields f) {
        String act = f.string("hidden_act", "silu");
        if (act == null) {
            return null;
        }
        // Every supported architecture has a gated MLP (gate, up, down projections).
        return switch (act) {
            case "silu", "swish" -> Activation.SWIGLU;
            case "gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activation.GEGLU;
            default -> {
                f.problems().add("hidden_act", "unsupported activation '" + act + "' (expected silu or gelu)");
                yield null;
            }
        };
    }

    private static AttentionSpec gqa(Fields f, String type, Integer hidden) {
        Integer heads = f.positiveInt("num_attention_heads", null);
        Integer kv = f.positiveInt("num_key_value_heads", heads);
        Integer headDim = f.positiveInt("head_dim", heads == null || hidden == null ? null : hidden / heads);
        boolean bias = type.equals("qwen2") || type.equals("qwen2_moe")
                || Boolean.TRUE.equals(f.bool("attention_bias", false));
        boolean qkNorm = type.equals("qwen3") || type.equals("qwen3_moe") || type.equals("olmoe");
        if (heads == null || kv == null || headDim == null) {
            return null;
        }
        try {
            return new GroupedQueryAttention(heads, kv, headDim, bias, qkNorm);
        } catch (IllegalArgumentException e) {
            f.problems().add("num_key_value_heads", e.getMessage());
            return null;
        }
    }

    private static AttentionSpec mla(Fields f) {
        f.require("kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim");
        Integer heads = f.positiveInt("num_attention_heads", null);
        Integer qLora = f.nonNegativeInt("q_lora_rank", 0);
        Integer kvLora = f.positiveInt("kv_lora_rank", null);
        Integer nope = f.positiveInt("qk_nope_head_dim", null);
        Integer rope = f.nonNegativeInt("qk_rope_head_dim", null);
        Integer v = f.positiveInt("v_head_dim", null);
        if (heads == null || qLora == null || kvLora == null || nope == null || rope == null || v == null) {
            return null;
        }
        return new MultiLatentAttention(heads, qLora, kvLora, nope, rope, v);
    }
}
