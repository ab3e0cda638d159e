package io.moesim.model;

import java.util.Locale;

/**
 * The activation of a feed-forward block. A gated activation (SwiGLU, GeGLU) has three weight
 * matrices (gate, up, down) instead of two, which is why Megatron-LM multiplies FFN FLOPs by 3/2
 * for {@code --swiglu}.
 */
public enum Activation {
    /** SiLU-gated linear unit (Llama, Mixtral, Qwen, DeepSeek). Three matrices. */
    SWIGLU(true),
    /** GELU-gated linear unit. Three matrices. */
    GEGLU(true),
    /** Plain GELU (GPT-2/3 style, the Flux/Comet MoE-layer benchmark). Two matrices. */
    GELU(false),
    /** Plain ReLU. Two matrices. */
    RELU(false),
    /** Squared ReLU (Nemotron). Two matrices. */
    SQUARED_RELU(false);

    private final boolean gated;

    Activation(boolean gated) {
        this.gated = gated;
    }

    /** Whether the FFN has a separate gate projection (three weight matrices). */
    public boolean gated() {
        return gated;
    }

    /** Number of {@code hidden x ffn} weight matrices in one FFN (expert) with this activation. */
    public int weightMatrices() {
        return gated ? 3 : 2;
    }

    /** The id used in files: {@code swiglu}, {@code gelu}, … */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses an id as written in scenario files and model presets (case-insensitive; {@code silu}
     * is accepted for SwiGLU as Hugging Face configs name it).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Activation fromId(String id) {
        String norm = id.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        if (norm.equals("silu") || norm.equals("swish")) {
            return SWIGLU;
        }
        for (Activation a : values()) {
            if (a.id().equals(norm)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + id
                + "' (expected one of swiglu, geglu, gelu, relu, squared-relu)");
    }
}
