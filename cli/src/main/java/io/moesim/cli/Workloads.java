package io.moesim.cli;

import io.moesim.cost.CostModel;
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
import io.moesim.workload.DispatchResult;
import io.moesim.workload.DispatchWorkload;
import io.moesim.workload.MoeLayerResult;
import io.moesim.workload.MoeLayerWorkload;
import io.moesim.workload.TrainingStepResult;
import io.moesim.workload.TrainingStepWorkload;
import java.nio.file.Path;

/** Runs a scenario's workload with the cost model of its GPU profile; shared by simulate, validate and memory. */
final class Workloads {
    private Workloads() {
    }

    /** The scenario's GPU profile (resolved like the reader does) with its link overrides applied. */
    static HardwareProfile profile(ClusterSpec cluster, Path scenarioFile) throws ProfileException {
        HardwareProfile p = ScenarioReader.resolveProfile(cluster.gpu(), scenarioFile);
        GpuSpec gpu = p.gpu().withLinks(cluster.nvlinkGBps(), cluster.nicGBps(), cluster.nicsPerNode());
        return new HardwareProfile(gpu, p.provenance(), p.date(), p.notes(), p.tables());
    }

    static CostModel costModel(ClusterSpec cluster, Path scenarioFile) throws ProfileException {
        return ProfileCostModel.of(profile(cluster, scenarioFile));
    }

    static TrainingStepResult trainingStep(Scenario s, Path file) throws ProfileException {
        HardwareProfile profile = profile(s.cluster(), file);
        double peak = profile.gpu().peakTflops().getOrDefault(
                s.precision() == Precision.FP8 ? DataType.FP8 : DataType.BF16, 0.0);
        return TrainingStepWorkload.run(s, ProfileCostModel.of(profile), peak, profile.gpu().hbmBytes(),
                SimulationListener.NONE);
    }

    static MoeLayerResult moeLayer(Scenario s, Path file) throws ProfileException {
        return MoeLayerWorkload.run(s, costModel(s.cluster(), file), SimulationListener.NONE);
    }

    static DispatchResult dispatch(Scenario s, Path file) throws ProfileException {
        return DispatchWorkload.run(s, costModel(s.cluster(), file), SimulationListener.NONE);
    }
}
