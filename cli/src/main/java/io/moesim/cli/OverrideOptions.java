package io.moesim.cli;

import io.moesim.io.ScenarioOverride;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The repeatable {@code --set PATH=VALUE} option of the commands that read scenario files: a what-if change to
 * each scenario's JSON before it is read ({@link ScenarioOverride}), e.g. {@code --set strategy.hostLaunchUs=90}.
 */
final class OverrideOptions {
    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = {"change a scenario field before reading it, e.g. strategy.hostLaunchUs=90 or parallel.tp=1;",
                    "repeatable; the value is JSON when it parses as JSON, else a string"})
    List<String> sets = new ArrayList<>();

    /** The parsed overrides, in command-line order. */
    List<ScenarioOverride> overrides() {
        List<ScenarioOverride> out = new ArrayList<>(sets.size());
        for (String s : sets) {
            try {
                out.add(ScenarioOverride.parse(s));
            } catch (IllegalArgumentException e) {
                throw new BadArgumentException(e.getMessage());
            }
        }
        return out;
    }
}
