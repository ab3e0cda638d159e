package io.moesim.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bundled model presets. Every preset's hyperparameters are copied from the model's published
 * Hugging Face {@code config.json} (cited in {@link ModelSpec#source()}); cross-checked against
 * Megatron-MoE-ModelZoo's benchmarking configs where those exist.
 *
 * <pre>{@code
 * ModelSpec v3 = ModelCatalog.builtIn().require("deepseek-v3");
 * }</pre>
 *
 * @implNote immutable and thread-safe; {@link #builtIn()} returns a shared instance.
 */
public final class ModelCatalog {
    private static final String HF = "https://huggingface.co/";
    private static final String CONFIG = "/blob/main/config.json";
    private static final ModelCatalog BUILT_IN = new ModelCatalog(builtInPresets());

    private final Map<String, ModelSpec> byId;

    private ModelCatalog(List<ModelSpec> models) {
        Map<String, ModelSpec> map = new LinkedHashMap<>();
        for (ModelSpec m : models) {
            if (map.put(m.id(), m) != null) {
                throw new IllegalArgumentException("duplicate model id " + m.id());
            }
        }
        this.byId = Collections.unmodifiableMap(map);
    }

    /** The presets that ship with moe-sim. */
    public static ModelCatalog builtIn() {
        return BUILT_IN;
    }

    /** All presets, in catalog order. */
    public List<ModelSpec> models() {
        return List.copyOf(byId.values());
    }

    /** Preset ids, in catalog order. */
    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    /** The preset with this id, if any. */
    public Optional<ModelSpec> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * The preset with this id.
     *
     * @throws IllegalArgumentException naming the unknown id and listing the known ones
     */
    public ModelSpec require(String id) {
        ModelSpec m = byId.get(id);
        if (m == null) {
            throw new IllegalArgumentException("unknown model '" + id + "' (known: " + String.join(", ", byId.keySet())
                    + "; or give a path to a Hugging Face config.json)");
        }
        return m;
    }

    private static String hf(String repo) {
        return HF + repo + CONFIG;
    }

    private static GroupedQueryAttention gqa(int heads, int kvHeads, int headDim) {
        return new GroupedQueryAttention(heads, kvHeads, headDim, false, false);
    }

    private static List<ModelSpec> builtInPresets() {
        List<ModelSpec> m = new ArrayList<>();
        Activation swiglu = Activation.SWIGLU;
        // --- DeepSeek family: MLA, shared experts, leading dense layers, group-limited routing ---
        m.add(new ModelSpec("deepseek-v3", "DeepSeek-V3 (671B, 37B active)", hf("deepseek-ai/DeepSeek-V3"),
                61, 7168, 18432, swiglu, new MultiLatentAttention(128, 1536, 512, 128, 64, 128),
                new MoeSpec(256, 2048, 8, 1, 2048, 3, 1, 8, 4), 129280, false, 1));
        m.add(new ModelSpec("kimi-k2", "Kimi-K2 (1.04T, 32B active)", hf("moonshotai/Kimi-K2-Instruct"),
                61, 7168, 18432, swiglu, new MultiLatentAttention(64, 1536, 512, 128, 64, 128),
                new MoeSpec(384, 2048, 8, 1, 2048, 1, 1, 1, 1), 163840, false, 0));
        m.add(new ModelSpec("deepseek-v2", "DeepSeek-V2 (236B, 21B active)", hf("deepseek-ai/DeepSeek-V2"),
                60, 5120, 12288, swiglu, new MultiLatentAttention(128, 1536, 512, 128, 64, 128),
                new MoeSpec(160, 1536, 6, 2, 1536, 1, 1, 8, 3), 102400, false, 0));
        m.add(new ModelSpec("deepseek-v2-lite", "DeepSeek-V2-Lite (15.7B, 2.4B active)",
                hf("deepseek-ai/DeepSeek-V2-Lite"),
                27, 2048, 10944, swiglu, new MultiLatentAttention(16, 0, 512, 128, 64, 128),
                new MoeSpec(64, 1408, 6, 2, 1408, 1, 1, 1, 1), 102400, false, 0));
        // --- Qwen family: GQA; Qwen3 has QK-norm, Qwen2 has QKV bias and a large shared expert ---
        m.add(new ModelSpec("qwen3-235b-a22b", "Qwen3-235B-A22B", hf("Qwen/Qwen3-235B-A22B"),
                94, 4096, 12288, swiglu, new GroupedQueryAttention(64, 4, 128, false, true),
                MoeSpec.simple(128, 1536, 8), 151936, false, 0));
        m.add(new ModelSpec("qwen3-30b-a3b", "Qwen3-30B-A3B", hf("Qwen/Qwen3-30B-A3B"),
                48, 2048, 6144, swiglu, new GroupedQueryAttention(32, 4, 128, false, true),
                MoeSpec.simple(128, 768, 8), 151936, false, 0));
        m.add(new ModelSpec("qwen2-57b-a14b", "Qwen2-57B-A14B", hf("Qwen/Qwen2-57B-A14B"),
                28, 3584, 18944, swiglu, new GroupedQueryAttention(28, 4, 128, true, false),
                new MoeSpec(64, 2560, 8, 1, 20480, 0, 1, 1, 1), 151936, false, 0));
        // --- Mixtral: few large experts, top-2 ---
        m.add(new ModelSpec("mixtral-8x7b", "Mixtral-8x7B", hf("mistralai/Mixtral-8x7B-v0.1"),
                32, 4096, 14336, swiglu, gqa(32, 8, 128), MoeSpec.simple(8, 14336, 2), 32000, false, 0));
        m.add(new ModelSpec("mixtral-8x22b", "Mixtral-8x22B", hf("mistralai/Mixtral-8x22B-v0.1"),
                56, 6144, 16384, swiglu, gqa(48, 8, 128), MoeSpec.simple(8, 16384, 2), 32000, false, 0));
        // --- Small MoE models used by the systems papers ---
        m.add(new ModelSpec("olmoe-1b-7b", "OLMoE-1B-7B", hf("allenai/OLMoE-1B-7B-0924"),
                16, 2048, 1024, swiglu, new GroupedQueryAttention(16, 16, 128, false, true),
                MoeSpec.simple(64, 1024, 8), 50304, false, 0));
        m.add(new ModelSpec("phi-3.5-moe", "Phi-3.5-MoE (42B, 6.6B active)", hf("microsoft/Phi-3.5-MoE-instruct"),
                32, 4096, 6400, swiglu, new GroupedQueryAttention(32, 8, 128, true, false),
                MoeSpec.simple(16, 6400, 2), 32064, false, 0));
        // --- Dense references ---
        m.add(new ModelSpec("llama3-70b", "Llama-3-70B (dense)", hf("meta-llama/Meta-Llama-3-70B"),
                80, 8192, 28672, swiglu, gqa(64, 8, 128), null, 128256, false, 0));
        m.add(new ModelSpec("llama3-8b", "Llama-3-8B (dense)", hf("meta-llama/Meta-Llama-3-8B"),
                32, 4096, 14336, swiglu, gqa(32, 8, 128), null, 128256, false, 0));
        return m;
    }
}
