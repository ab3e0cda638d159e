package io.moesim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.InputException;
import io.moesim.io.LaunchFlags;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code moe-sim export FILE --format megatron|deepspeed|scenario}: the scenario's layout as a runtime's
 * configuration, rendered by {@link LaunchFlags} (scenario-io), which the workbench's Export shares. Megatron-LM
 * flag names follow {@code megatron/training/arguments.py}; DeepSpeed keys follow its config documentation, with the MoE layer's constructor arguments of
 * {@code deepspeed/moe/layer.py} beside them; {@code scenario} is the canonical scenario JSON, which
 * simulates to the same result as the original.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Prints a training-step scenario as Megatron-LM arguments, a DeepSpeed config, or the canonical scenario JSON.")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "scenario JSON file")
    Path file;

    @Mixin
    OverrideOptions overrideOptions = new OverrideOptions();

    @Option(names = "--format", required = true, paramLabel = "F", description = "megatron | deepspeed | scenario")
    String format;

    /** The formats {@code --format} accepts. */
    static final List<String> FORMATS = List.of("megatron", "deepspeed", "scenario");

    @Override
    public Integer call() throws InputException {
        ModelCatalog catalog = ModelCatalog.builtIn();
        String f = checkFormat("--format", format);
        Scenario s = new ScenarioReader(catalog).read(file, overrideOptions.overrides());
        requireTraining(s, f, file);
        spec.commandLine().getOut().print(render(s, f, catalog, file));
        return ExitCodes.OK;
    }

    /**
     * The format in lower case.
     *
     * @throws BadArgumentException naming {@code option} when the format is unknown
     */
    static String checkFormat(String option, String format) {
        String f = format.toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(f)) {
            throw new BadArgumentException(option + ": expected megatron, deepspeed or scenario, got '" + format + "'");
        }
        return f;
    }

    /** The Megatron-LM and DeepSpeed formats describe training runs only. */
    static void requireTraining(Scenario s, String format, Path file) {
        String problem = LaunchFlags.problem(s, LaunchFlags.Format.fromId(format));
        if (problem != null) {
            throw new BadArgumentException(file + ": workload: " + problem);
        }
    }

    /**
     * The scenario in a checked format ({@link #checkFormat}), exactly as {@code moe-sim export} prints it: Megatron-LM
     * arguments one per line, or pretty-printed JSON (rendered by {@link LaunchFlags}, which the workbench uses too).
     *
     * @param file the scenario file (paths in the canonical scenario are written relative to it)
     */
    static String render(Scenario s, String format, ModelCatalog catalog, Path file) {
        return LaunchFlags.render(s, LaunchFlags.Format.fromId(format), catalog, file);
    }

    /** The scenario in a checked format as a JSON value: the arguments as an array of strings, or the JSON object. */
    static JsonNode renderJson(Scenario s, String format, ModelCatalog catalog, Path file) {
        return LaunchFlags.renderJson(s, LaunchFlags.Format.fromId(format), catalog, file);
    }
}
