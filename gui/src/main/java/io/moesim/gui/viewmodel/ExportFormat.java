package io.moesim.gui.viewmodel;

import io.moesim.io.LaunchFlags;

/**
 * What the workbench's Export writes: Megatron-LM launch arguments, a DeepSpeed config, or the canonical
 * scenario file — the formats of {@code moe-sim export --format}, rendered by the same code
 * ({@link LaunchFlags}).
 *
 * @implNote immutable.
 */
public enum ExportFormat {
    /** Megatron-LM command-line arguments, one per line with shell continuations */
    MEGATRON("Megatron-LM arguments", "megatron.sh", LaunchFlags.Format.MEGATRON),
    /** a DeepSpeed config, with the {@code deepspeed.moe.layer.MoE} arguments beside it */
    DEEPSPEED("DeepSpeed config", "deepspeed.json", LaunchFlags.Format.DEEPSPEED),
    /** the canonical scenario JSON (every default explicit) */
    SCENARIO("scenario file", "json", LaunchFlags.Format.SCENARIO);

    private final String label;
    private final String extension;
    private final LaunchFlags.Format format;

    ExportFormat(String label, String extension, LaunchFlags.Format format) {
        this.label = label;
        this.extension = extension;
        this.format = format;
    }

    /** What the menus show, e.g. {@code Megatron-LM arguments}. */
    public String label() {
        return label;
    }

    /** The name {@code moe-sim export --format} takes: {@code megatron}, {@code deepspeed}, {@code scenario}. */
    public String id() {
        return format.id();
    }

    /** A file name for the scenario named {@code name}: {@code NAME.megatron.sh}, {@code NAME.deepspeed.json}, {@code NAME.json}. */
    public String fileName(String name) {
        return name + "." + extension;
    }

    /** The file-name pattern of a save dialog's filter: {@code *.sh} or {@code *.json}. */
    public String pattern() {
        int dot = extension.lastIndexOf('.');
        return "*." + (dot < 0 ? extension : extension.substring(dot + 1));
    }

    LaunchFlags.Format flags() {
        return format;
    }

    @Override
    public String toString() {
        return label;
    }
}
