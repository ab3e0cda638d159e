package io.moesim.scenario;

/**
 * Numeric precision of the training recipe. {@code FP8} follows the published recipes (Transformer
 * Engine / DeepSeek-V3): GEMMs in FP8 with BF16 master weights and activations elsewhere.
 */
public enum Precision {
    BF16, FP8;

    /** The id used in scenario files. */
    public String id() {
        return Ids.lower(this);
    }

    /** @throws IllegalArgumentException naming the accepted ids */
    public static Precision fromId(String id) {
        return Ids.parse(Precision.class, "precision", id, Precision::id);
    }
}
