package io.moesim.cli;

import io.moesim.io.InputException;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code moe-sim simulate FILE}: simulates one scenario. This build validates the scenario fully (exit 2
 * on any broken rule); the discrete-event engine and the workloads land in the following releases, so
 * a valid scenario is summarised and the command exits 1 saying so.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulates one scenario (this build: validates it; the engine arrives in the next release).")
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "scenario JSON file")
    Path file;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws InputException {
        Scenario s = new ScenarioReader(ModelCatalog.builtIn()).read(file);
        if (!json) {
            ScenarioSummary.print(s, spec.commandLine().getOut());
        }
        spec.commandLine().getErr().println("moe-sim: the scenario is valid, but this build has no simulation engine yet "
                + "(it arrives with the engine and training-step releases); use 'moe-sim check' to validate files.");
        return ExitCodes.INTERNAL_ERROR;
    }
}
