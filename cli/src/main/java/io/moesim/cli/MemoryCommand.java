package io.moesim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.cost.CostModel;
import io.moesim.io.InputException;
import io.moesim.io.Json;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.profiles.HardwareProfile;
import io.moesim.profiles.ProfileException;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.Workload;
import io.moesim.workload.MemoryEstimate;
import io.moesim.workload.MemoryModel;
import io.moesim.workload.TrainingStepWorkload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code moe-sim memory FILE [--json]}: per-GPU memory of a training-step scenario, without simulating it. */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = {"Per-GPU memory of a training-step scenario on its most loaded pipeline rank: weights,",
                "gradients, optimizer states, activations in flight, logits, buffers and allowance."})
final class MemoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "scenario JSON file (workload training-step)")
    Path file;

    @Mixin
    OverrideOptions overrideOptions = new OverrideOptions();

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws InputException, ProfileException {
        Scenario s = new ScenarioReader(ModelCatalog.builtIn()).read(file, overrideOptions.overrides());
        if (s.workload() != Workload.TRAINING_STEP) {
            throw new BadArgumentException(file + ": workload: memory needs a training-step scenario, got " + s.workload().id());
        }
        HardwareProfile profile = ScenarioReader.resolveProfile(s.cluster().gpu(), file);
        CostModel cost = Workloads.costModel(s.cluster(), file);
        double imbalance = TrainingStepWorkload.routingImbalance(s, cost);
        MemoryEstimate m = MemoryModel.estimate(s, profile.gpu().hbmBytes(), imbalance);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("scenario", s.name()).put("pipelineRank", m.pipelineRank());
            o.put("peakMemoryGiB", round(m.peakGiB())).put("fitsInMemory", m.fits())
                    .put("hbmGiB", round(MemoryEstimate.gib(m.hbmBytes())));
            ObjectNode b = o.putObject("breakdownGiB");
            b.put("weights", round(MemoryEstimate.gib(m.weights()))).put("gradients", round(MemoryEstimate.gib(m.gradients())))
                    .put("optimizer", round(MemoryEstimate.gib(m.optimizer())))
                    .put("activations", round(MemoryEstimate.gib(m.activations())))
                    .put("logits", round(MemoryEstimate.gib(m.logits())))
                    .put("commBuffers", round(MemoryEstimate.gib(m.commBuffers())))
                    .put("allowance", round(MemoryEstimate.gib(m.allowance())));
            out.print(Json.pretty(o));
            return ExitCodes.OK;
        }
        out.println(String.format(Locale.ROOT, "%s: %.1f GiB per GPU on pipeline rank %d, %s the %.0f GiB of %s",
                s.name(), m.peakGiB(), m.pipelineRank(), m.fits() ? "fits" : "DOES NOT FIT", MemoryEstimate.gib(m.hbmBytes()),
                profile.id()));
        Table t = new Table("part", ">GiB");
        t.row("weights (bf16)", gib(m.weights()));
        t.row("gradients (fp32)", gib(m.gradients()));
        t.row("optimizer (fp32 master + Adam)", gib(m.optimizer()));
        t.row("activations in flight", gib(m.activations()));
        t.row("logits (last stage)", gib(m.logits()));
        t.row("communication buffers", gib(m.commBuffers()));
        t.row("context + fragmentation", gib(m.allowance()));
        t.row("total", gib(m.totalBytes()));
        t.print(out);
        return ExitCodes.OK;
    }

    private static String gib(double bytes) {
        return String.format(Locale.ROOT, "%.2f", MemoryEstimate.gib(bytes));
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
