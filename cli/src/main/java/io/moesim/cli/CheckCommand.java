package io.moesim.cli;

import io.moesim.io.InputException;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code moe-sim check FILE}: validates a scenario and shows what it resolves to. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validates a scenario file and prints what it resolves to (derived dp, edp, micro-batches, FLOPs).",
                "Exits 2 with every broken rule (file, field, rule) when it is invalid."})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "scenario JSON file")
    Path file;

    @Mixin
    OverrideOptions overrideOptions = new OverrideOptions();

    @Override
    public Integer call() throws InputException {
        Scenario s = new ScenarioReader(ModelCatalog.builtIn()).read(file, overrideOptions.overrides());
        ScenarioSummary.print(s, spec.commandLine().getOut());
        spec.commandLine().getOut().println("valid      yes");
        return ExitCodes.OK;
    }
}
