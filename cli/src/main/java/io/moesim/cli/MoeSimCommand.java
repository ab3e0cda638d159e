package io.moesim.cli;

import picocli.CommandLine.Command;

/** The top-level {@code moe-sim} command; it only groups the subcommands. */
@Command(name = "moe-sim",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Performance modeling and simulation of Mixture-of-Experts training on GPU clusters.",
        subcommands = {ModelsCommand.class, ProfilesCommand.class, FlopsCommand.class, CostCommand.class, CheckCommand.class,
                MemoryCommand.class, ValidateCommand.class, ExportCommand.class, SearchCommand.class,
                SimulateCommand.class, GuiCommand.class},
        footer = {"", "Exit codes: 0 success, 2 bad input, 1 internal error."})
final class MoeSimCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
