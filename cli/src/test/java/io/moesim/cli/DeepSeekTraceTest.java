package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.engine.SimulationResult;
import io.moesim.engine.Span;
import io.moesim.io.Json;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import io.moesim.workload.TrainingStepWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The measured DeepSeek-V3 DualPipe trace (deepseek-ai/profile-data {@code train.json}, in {@code ../shared}
 * beside the checkout; skipped when absent): one overlapped pair of forward and backward chunks of four MoE
 * layers on an H800, EP64 over 8 nodes, DeepEP on 20 SMs, balanced routing, sequence 4096. moe-sim simulates
 * the same pair and is compared span by span: the whole pair, and the compute stream's GEMM and attention time.
 */
class DeepSeekTraceTest {
    private static final Path TRACE = Path.of("..", "..", "shared", "data", "traces",
            "deepseek-v3-train-dualpipe-ep64-h800.json");

    @TempDir
    Path dir;

    @Test
    void overlappedChunkPairMatchesTheMeasuredTrace() throws Exception {
        assumeTrue(Files.exists(TRACE), "the DeepSeek trace is not beside this checkout");
        // The measured pair: GPU span of all kernels, and the compute stream's GEMM and FlashAttention time.
        JsonNode events = Json.mapper().readTree(TRACE.toFile()).get("traceEvents");
        double first = Double.MAX_VALUE;
        double last = 0;
        double gemmUs = 0;
        double attentionUs = 0;
        for (JsonNode e : events) {
            String cat = e.path("cat").asText();
            if (!e.path("ph").asText().equals("X") || !(cat.equals("kernel") || cat.startsWith("gpu_mem"))) {
                continue;
            }
            double ts = e.get("ts").asDouble();
            double dur = e.get("dur").asDouble();
            first = Math.min(first, ts);
            last = Math.max(last, ts + dur);
            String name = e.get("name").asText();
            if (e.path("tid").asInt() == 7) {
                if (name.contains("flash")) {
                    attentionUs += dur;
                } else if (name.toLowerCase(Locale.ROOT).contains("gemm") || name.contains("xmma")) {
                    gemmUs += dur;
                }
            }
        }
        double measuredMs = (last - first) / 1e3;

        Path file = dir.resolve("deepseek-v3-ep64.json");
        Files.writeString(file, """
                {"name": "deepseek-v3-ep64-chunk-pair", "workload": "training-step", "model": "deepseek-v3",
                 "cluster": {"gpu": "h800-sxm", "nodes": 8, "gpusPerNode": 8},
                 "parallel": {"tp": 1, "pp": 1, "ep": 64},
                 "batch": {"seqLen": 4096, "globalBatch": 64, "microBatch": 1},
                 "precision": "fp8", "recompute": "none",
                 "moe": {"dispatcher": "deepep", "routing": {"kind": "balanced"}},
                 "strategy": {"name": "megatron", "commSms": 20}}
                """);
        Scenario s = new ScenarioReader(ModelCatalog.builtIn()).read(file);
        SimulationResult pair = TrainingStepWorkload.chunkPair(s, Workloads.costModel(s.cluster(), file), 4, false);
        double simulatedMs = pair.makespanNs() / 1e6;
        double simGemmMs = 0;
        double simAttentionMs = 0;
        for (Span span : pair.spans()) {
            if (span.stream() == 0 && span.category() == io.moesim.engine.Category.GEMM) {
                simGemmMs += span.durationNs() / 1e6;
            } else if (span.stream() == 0 && span.category() == io.moesim.engine.Category.ATTENTION) {
                simAttentionMs += span.durationNs() / 1e6;
            }
        }
        System.out.printf(Locale.ROOT, "DeepSeek-V3 F&B chunk pair (4 MoE layers): measured %.1f ms, simulated %.1f ms"
                        + " (%+.1f%%); compute-stream GEMM %.1f vs %.1f ms, attention %.1f vs %.1f ms%n", measuredMs,
                simulatedMs, 100 * (simulatedMs / measuredMs - 1), gemmUs / 1e3, simGemmMs, attentionUs / 1e3,
                simAttentionMs);
        assertThat(measuredMs).isBetween(120.0, 140.0);
        // Regression guard at today's accuracy (-19.2%; the trace's FP8 cast, transpose and cast-back kernels take
        // ~18 ms, moe-sim's streaming-cast model ~5 ms), not a target.
        assertThat(simulatedMs / measuredMs).isBetween(0.65, 1.15);
        // Kernel level: the compute stream's GEMMs (today -5%) and FlashAttention (today -7%), each its own span
        // category in moe-sim.
        assertThat(simGemmMs / (gemmUs / 1e3)).isBetween(0.85, 1.15);
        assertThat(simAttentionMs / (attentionUs / 1e3)).isBetween(0.8, 1.2);
    }
}
