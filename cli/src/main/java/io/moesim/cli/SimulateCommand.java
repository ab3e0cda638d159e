package io.moesim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.engine.SimulationResult;
import io.moesim.io.ChromeTrace;
import io.moesim.io.InputException;
import io.moesim.io.Json;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.profiles.ProfileException;
import io.moesim.scenario.Scenario;
import io.moesim.workload.DispatchResult;
import io.moesim.workload.MemoryEstimate;
import io.moesim.workload.MoeLayerResult;
import io.moesim.workload.TrainingStepResult;
import io.moesim.workload.TrainingStepWorkload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code moe-sim simulate FILE [--json] [--trace OUT.json [--trace-ranks R]]}: simulates one scenario on
 * the discrete-event engine — a training step, one MoE layer, or one expert-parallel dispatch — and
 * optionally writes its Chrome trace.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulates one scenario: a training step (step time, throughput, MFU, breakdown, memory), one",
                "MoE layer (layer time, exposed communication), or one DeepEP-style dispatch + combine (bandwidth)."})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "scenario JSON file")
    Path file;

    @Mixin
    OverrideOptions overrideOptions = new OverrideOptions();

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--trace", paramLabel = "OUT.json", description = "write a Chrome trace (Perfetto, chrome://tracing)")
    Path trace;

    @Option(names = "--trace-ranks", paramLabel = "R", description = "GPUs to keep in the trace, e.g. 0-7,16 (default: all)")
    String traceRanks;

    @Override
    public Integer call() throws InputException, ProfileException, IOException {
        Scenario s = new ScenarioReader(ModelCatalog.builtIn()).read(file, overrideOptions.overrides());
        SimulationResult sim;
        switch (s.workload()) {
            case TRAINING_STEP -> {
                for (String limitation : TrainingStepWorkload.limitations(s)) {
                    spec.commandLine().getErr().println("warning: " + limitation);
                }
                BitSet ranks = traceRanks(s.parallel().pp());
                TrainingStepResult r = Workloads.trainingStep(s, file);
                sim = r.simulation();
                writeTrace(sim, ranks);
                print(s, r);
            }
            case MOE_LAYER -> {
                BitSet ranks = traceRanks(1);
                MoeLayerResult r = Workloads.moeLayer(s, file);
                writeTrace(r.simulation(), ranks);
                print(s, r);
            }
            default -> {
                BitSet ranks = traceRanks(s.parallel().ep());
                DispatchResult r = Workloads.dispatch(s, file);
                writeTrace(r.simulation(), ranks);
                print(s, r);
            }
        }
        return ExitCodes.OK;
    }

    /** The GPUs to keep in the trace (checked before simulating), or null without --trace. */
    private BitSet traceRanks(int gpus) {
        if (trace == null) {
            return null;
        }
        try {
            return ChromeTrace.ranks(traceRanks, gpus);
        } catch (IllegalArgumentException e) {
            throw new BadArgumentException("--trace-ranks: " + e.getMessage());
        }
    }

    private void writeTrace(SimulationResult sim, BitSet ranks) throws IOException {
        if (trace != null) {
            ChromeTrace.write(sim, ranks, trace);
        }
    }

    private void print(Scenario s, MoeLayerResult r) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("scenario", s.name()).put("workload", s.workload().id());
            o.put("layerTimeMs", round(r.layerTimeMs())).put("exposedCommMs", round(r.exposedCommMs()))
                    .put("computeMs", round(r.computeMs())).put("chunks", r.chunks()).put("commSms", r.commSms());
            o.put("routerMs", round(r.routerMs())).put("layer0Ms", round(r.layer0Ms()))
                    .put("activationMs", round(r.activationMs())).put("layer1Ms", round(r.layer1Ms()));
            out.print(Json.pretty(o));
            return;
        }
        out.println(String.format(Locale.ROOT, "%s: MoE layer forward %.3f ms (compute %.3f ms, exposed communication "
                + "%.3f ms; %s)", s.name(), r.layerTimeMs(), r.computeMs(), r.exposedCommMs(),
                r.chunks() > 1 ? r.chunks() + " overlapped chunks, " + r.commSms() + " communication SMs" : "no overlap"));
        out.println(String.format(Locale.ROOT, "  router %.3f ms, layer0 (all-gather + scatter + GEMM) %.3f ms, "
                + "activation %.3f ms, layer1 (GEMM + top-k reduce + reduce-scatter) %.3f ms", r.routerMs(),
                r.layer0Ms(), r.activationMs(), r.layer1Ms()));
        traceNote(out, "one representative GPU");
    }

    private void print(Scenario s, TrainingStepResult r) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("scenario", s.name()).put("workload", s.workload().id());
            o.put("stepTimeSeconds", round(r.stepTimeSeconds())).put("tokensPerSecondPerGpu", round(r.tokensPerSecondPerGpu()))
                    .put("modelTflopsPerGpu", round(r.modelTflopsPerGpu())).put("mfu", round(r.mfu()));
            o.put("peakMemoryGiB", round(r.memory().peakGiB())).put("fitsInMemory", r.memory().fits());
            ObjectNode br = o.putObject("breakdown");
            br.put("computeSeconds", round(r.computeSeconds())).put("exposedCommSeconds", round(r.exposedCommSeconds()))
                    .put("pipelineBubbleSeconds", round(r.pipelineBubbleSeconds()))
                    .put("hostBoundSeconds", round(r.hostBoundSeconds()));
            ObjectNode kinds = br.putObject("exposedCommByKind");
            r.exposedCommByKind().forEach((k, v) -> kinds.put(k, round(v)));
            o.put("microBatches", r.microBatches()).put("loadImbalance", round(r.loadImbalance()))
                    .put("droppedTokenFraction", round(r.droppedTokenFraction()));
            ArrayNode mean = o.putArray("loadPerEpRank");
            for (double v : r.loadPerEpRank()) {
                mean.add(round(v));
            }
            ArrayNode max = o.putArray("maxLoadPerEpRank");
            for (double v : r.maxLoadPerEpRank()) {
                max.add(round(v));
            }
            out.print(Json.pretty(o));
            return;
        }
        out.println(String.format(Locale.ROOT, "%s: step %.2f s, %.0f tokens/s/GPU, %.1f model TFLOPS/GPU (MFU %.1f%%)",
                s.name(), r.stepTimeSeconds(), r.tokensPerSecondPerGpu(), r.modelTflopsPerGpu(), r.mfu() * 100));
        StringBuilder kinds = new StringBuilder();
        r.exposedCommByKind().forEach((k, v) -> {
            if (v >= 0.005) {
                kinds.append(kinds.length() == 0 ? " (" : ", ").append(k.replace("-comm", "").toUpperCase(Locale.ROOT))
                        .append(String.format(Locale.ROOT, " %.2f", v));
            }
        });
        if (kinds.length() > 0) {
            kinds.append(')');
        }
        out.println(String.format(Locale.ROOT, "  busiest stage: compute %.2f s, exposed communication %.2f s%s, "
                + "host-bound %.2f s, pipeline bubble %.2f s; %d micro-batches; load imbalance %.2f", r.computeSeconds(),
                r.exposedCommSeconds(), kinds, r.hostBoundSeconds(), r.pipelineBubbleSeconds(), r.microBatches(),
                r.loadImbalance()));
        double[] perRank = r.loadPerEpRank();
        if (perRank.length > 1) {
            double[] worst = r.maxLoadPerEpRank();
            out.println(String.format(Locale.ROOT, "  expert-parallel ranks: tokens over the mean %.2f-%.2f "
                    + "(average over MoE layers), at most %.2f in one layer",
                    java.util.Arrays.stream(perRank).min().orElse(1), java.util.Arrays.stream(perRank).max().orElse(1),
                    java.util.Arrays.stream(worst).max().orElse(1)));
        }
        out.println(String.format(Locale.ROOT, "  memory: %.1f GiB per GPU on pipeline rank %d (%s the %.0f GiB of HBM)",
                r.memory().peakGiB(), r.memory().pipelineRank(), r.memory().fits() ? "fits" : "DOES NOT FIT",
                MemoryEstimate.gib(r.memory().hbmBytes())));
        traceNote(out, "one GPU per pipeline stage");
    }

    private void traceNote(PrintWriter out, String what) {
        if (trace != null) {
            out.println("trace written to " + trace + " (" + what + ")");
        }
    }

    private void print(Scenario s, DispatchResult r) {
        PrintWriter out = spec.commandLine().getOut();
        SimulationResult sim = r.simulation();
        if (json) {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("scenario", s.name()).put("workload", s.workload().id());
            o.put("dispatchTimeUs", round(r.dispatchTimeUs())).put("combineTimeUs", round(r.combineTimeUs()));
            o.put("dispatchGBps", round(r.dispatchGBps())).put("combineGBps", round(r.combineGBps()));
            o.put("bottleneck", r.bottleneck()).put("loadImbalance", round(r.maxTokensPerRank()));
            o.put("events", sim.events());
            out.print(Json.pretty(o));
            return;
        }
        int ranks = s.parallel().ep();
        int perNode = Math.min(ranks, s.cluster().gpusPerNode());
        out.println(String.format(Locale.ROOT, "dispatch over %d GPUs (%d node%s of %d), %d tokens per rank, hidden %d, top-%d of %d experts",
                ranks, ranks / perNode, ranks / perNode == 1 ? "" : "s", perNode, s.dispatch().tokensPerRank(),
                s.dispatch().hidden(), s.dispatch().topK(), s.dispatch().experts()));
        out.println(String.format(Locale.ROOT, "  dispatch (%s)  %10.1f us  %8.1f GB/s", s.dispatch().dispatchDtype().id(),
                r.dispatchTimeUs(), r.dispatchGBps()));
        out.println(String.format(Locale.ROOT, "  combine  (%s)  %10.1f us  %8.1f GB/s", s.dispatch().combineDtype().id(),
                r.combineTimeUs(), r.combineGBps()));
        out.println(String.format(Locale.ROOT, "  bottleneck %s; %d SMs held; busiest rank receives %.2fx the mean tokens",
                r.bottleneck(), s.dispatch().commSms(), r.maxTokensPerRank()));
        out.println("  (GB/s as DeepEP reports it: " + (ranks > perNode
                ? "RDMA logical bytes, the sender's own node included)" : "NVLink bytes received)"));
        if (trace != null) {
            out.println("trace written to " + trace);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
