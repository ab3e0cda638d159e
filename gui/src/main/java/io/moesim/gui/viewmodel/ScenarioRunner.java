package io.moesim.gui.viewmodel;

import io.moesim.engine.SimulationListener;
import io.moesim.hardware.GpuSpec;
import io.moesim.io.ScenarioReader;
import io.moesim.profiles.HardwareProfile;
import io.moesim.profiles.ProfileException;
import io.moesim.profiles.cost.ProfileCostModel;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.DataType;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Scenario;
import io.moesim.workload.DispatchWorkload;
import io.moesim.workload.MoeLayerWorkload;
import io.moesim.workload.TrainingStepWorkload;
import java.nio.file.Path;

/**
 * Runs a scenario's workload with the cost model of its GPU profile, the way {@code moe-sim simulate}
 * does (the scenario's link overrides applied to the profile), and wraps the answer in a
 * {@link SimulationOutcome}.
 *
 * <pre>{@code
 * SimulationOutcome o = ScenarioRunner.run(scenario, Path.of("qwen3.json"), SimulationListener.NONE, true);
 * }</pre>
 *
 * @implNote stateless and thread-safe; every call reads the profile anew.
 */
public final class ScenarioRunner {
    private ScenarioRunner() {
    }

    /**
     * The scenario's GPU profile with its link overrides applied.
     *
     * @param scenarioFile the file relative profile paths are resolved against (a file in the working
     *                     directory when the scenario was never saved)
     */
    public static HardwareProfile profile(ClusterSpec cluster, Path scenarioFile) throws ProfileException {
        HardwareProfile p = ScenarioReader.resolveProfile(cluster.gpu(), scenarioFile);
        GpuSpec gpu = p.gpu().withLinks(cluster.nvlinkGBps(), cluster.nicGBps(), cluster.nicsPerNode());
        return new HardwareProfile(gpu, p.provenance(), p.date(), p.notes(), p.tables());
    }

    /**
     * Simulates the scenario.
     *
     * @param scenarioFile  where the scenario lives (or would), for relative profile paths; may be null
     * @param listener      progress and cancellation
     * @param keepTimeline  whether to build the timeline of the run (the GUI's main view); sweeps skip it
     * @throws ProfileException when the GPU profile cannot be read
     * @throws io.moesim.engine.SimulationCancelledException when the listener cancelled the run
     */
    public static SimulationOutcome run(Scenario scenario, Path scenarioFile, SimulationListener listener,
                                        boolean keepTimeline) throws ProfileException {
        Path file = scenarioFile == null ? Path.of("scenario.json") : scenarioFile;
        HardwareProfile profile = profile(scenario.cluster(), file);
        long t0 = System.nanoTime();
        SimulationOutcome outcome = switch (scenario.workload()) {
            case TRAINING_STEP -> {
                double peak = profile.gpu().peakTflops().getOrDefault(
                        scenario.precision() == Precision.FP8 ? DataType.FP8 : DataType.BF16, 0.0);
                yield SimulationOutcome.of(scenario, TrainingStepWorkload.run(scenario, ProfileCostModel.of(profile),
                        peak, profile.gpu().hbmBytes(), listener), keepTimeline);
            }
            case MOE_LAYER -> SimulationOutcome.of(scenario,
                    MoeLayerWorkload.run(scenario, ProfileCostModel.of(profile), listener), keepTimeline);
            case DISPATCH -> SimulationOutcome.of(scenario,
                    DispatchWorkload.run(scenario, ProfileCostModel.of(profile), listener), keepTimeline);
        };
        return outcome.withWallMillis((System.nanoTime() - t0) / 1e6);
    }
}
