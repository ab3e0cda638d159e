package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchCommandTest {
    private static final Path SCENARIO = Path.of("src", "test", "resources", "search", "olmoe-h100x16.json");
    /** Narrows the default space to a few dozen layouts so the tests stay fast. */
    private static final String[] SMALL = {"--space", "tp=1,2", "--space", "pp=1,2", "--space", "vpp=1",
            "--space", "ep=4,8", "--space", "microBatch=1,2", "--space", "recompute=none,full", "--space", "a2aOverlap=false"};

    @TempDir
    Path dir;

    private static String[] args(String... first) {
        return Stream.concat(Stream.of(first), Stream.of(SMALL)).toArray(String[]::new);
    }

    @Test
    void jsonCarriesTheContractFields() throws Exception {
        CliRun run = CliRun.of(args("search", SCENARIO.toString(), "--json", "--budget", "12", "--top", "3", "--threads", "2"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode n = Json.mapper().readTree(run.out());
        assertThat(n.get("method").asText()).isEqualTo("genetic");
        assertThat(n.get("evaluations").asInt()).isBetween(1, 12);
        assertThat(n.get("bestTokensPerSecondPerGpu").asDouble()).isPositive();
        assertThat(n.get("top")).hasSize(3);
        assertThat(n.at("/top/0/tokensPerSecondPerGpu").asDouble()).isEqualTo(n.get("bestTokensPerSecondPerGpu").asDouble());
        assertThat(n.at("/top/0/tokensPerSecondPerGpu").asDouble()).isGreaterThanOrEqualTo(n.at("/top/2/tokensPerSecondPerGpu").asDouble());
        // best is a complete scenario: written to a file, it reads back and simulates to the reported throughput
        JsonNode best = n.get("best");
        assertThat(best.get("workload").asText()).isEqualTo("training-step");
        assertThat(best.at("/parallel/tp").asInt()).isEqualTo(n.at("/top/0/layout/tp").asInt());
        assertThat(best.at("/parallel/ep").asInt()).isEqualTo(n.at("/top/0/layout/ep").asInt());
        Path bestFile = dir.resolve("best.json");
        Files.writeString(bestFile, Json.pretty(best));
        Scenario reread = new ScenarioReader(ModelCatalog.builtIn()).read(bestFile);
        assertThat(reread.parallel().pp()).isEqualTo(n.at("/top/0/layout/pp").asInt());
        CliRun sim = CliRun.of("simulate", bestFile.toString(), "--json");
        assertThat(sim.exitCode()).as(sim.err()).isZero();
        assertThat(Json.mapper().readTree(sim.out()).get("tokensPerSecondPerGpu").asDouble())
                .isCloseTo(n.get("bestTokensPerSecondPerGpu").asDouble(), org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void exhaustiveEvaluatesEveryValidLayoutAndWritesTheCsv() throws Exception {
        Path csv = dir.resolve("out").resolve("results.csv");
        CliRun run = CliRun.of(args("search", SCENARIO.toString(), "--exhaustive", "--json", "--out", csv.toString()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode n = Json.mapper().readTree(run.out());
        assertThat(n.get("method").asText()).isEqualTo("exhaustive");
        assertThat(n.get("evaluations").asInt()).isEqualTo(n.get("validLayouts").asInt()).isGreaterThan(10);
        try (CSVParser p = CSVParser.builder().setReader(Files.newBufferedReader(csv))
                .setFormat(CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
            List<CSVRecord> rows = p.getRecords();
            assertThat(p.getHeaderNames()).contains("rank", "tp", "pp", "ep", "tokens_per_second_per_gpu", "peak_memory_gib");
            assertThat(rows).isNotEmpty();
            assertThat(Double.parseDouble(rows.get(0).get("tokens_per_second_per_gpu")))
                    .isCloseTo(n.get("bestTokensPerSecondPerGpu").asDouble(), org.assertj.core.data.Offset.offset(0.01));
        }
        try (Stream<Path> files = Files.list(csv.getParent())) {
            assertThat(files).containsExactly(csv);
        }
    }

    @Test
    void tableListsTheTopLayouts() {
        CliRun run = CliRun.of(args("search", SCENARIO.toString(), "--budget", "10", "--top", "4", "--threads", "1"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("genetic algorithm (seed 1, budget 10)", "tokens/s/GPU", "TFLOPS/GPU", "memory GiB",
                "the scenario's own layout (tp1 pp1 vpp1 cp1 ep8 etp1 mb1 none alltoall)");
        assertThat(run.out().lines().filter(l -> l.matches("\\s*[1-4]\\s+\\d+.*"))).hasSize(4);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void exportPrintsTheBestLayoutThroughTheExportCode() throws Exception {
        CliRun json = CliRun.of(args("search", SCENARIO.toString(), "--exhaustive", "--json"));
        int tp = Json.mapper().readTree(json.out()).at("/top/0/layout/tp").asInt();
        CliRun run = CliRun.of(args("search", SCENARIO.toString(), "--exhaustive", "--export", "megatron"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> flags = Stream.of(run.out().split("\\\\\n")).map(String::strip).toList();
        assertThat(flags).contains("--tensor-model-parallel-size " + tp, "--num-layers 16", "--global-batch-size 32");
        assertThat(run.err()).contains("best: tp" + tp);
        CliRun ds = CliRun.of(args("search", SCENARIO.toString(), "--exhaustive", "--json", "--export", "deepspeed"));
        assertThat(Json.mapper().readTree(ds.out()).at("/export/train_batch_size").asInt()).isEqualTo(32);
    }

    @Test
    void paretoFrontOfThroughputAndMemory() throws Exception {
        Path csv = dir.resolve("front.csv");
        CliRun run = CliRun.of(args("search", SCENARIO.toString(), "--objectives", "throughput,memory", "--exhaustive", "--json",
                "--out", csv.toString()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode n = Json.mapper().readTree(run.out());
        JsonNode front = n.get("front");
        assertThat(front.size()).isGreaterThan(1);
        for (int i = 1; i < front.size(); i++) {
            assertThat(front.get(i).get("tokensPerSecondPerGpu").asDouble())
                    .isLessThanOrEqualTo(front.get(i - 1).get("tokensPerSecondPerGpu").asDouble());
            assertThat(front.get(i).get("peakMemoryGiB").asDouble())
                    .isLessThan(front.get(i - 1).get("peakMemoryGiB").asDouble());
        }
        assertThat(Files.readAllLines(csv)).hasSize(front.size() + 1);
        CliRun table = CliRun.of(args("search", SCENARIO.toString(), "--objectives", "throughput,gpus", "--budget", "15"));
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("Pareto front of throughput,gpus", "GPUs", "node");
    }

    @Test
    void badInputExitsTwoWithAMessageNamingTheProblem() {
        CliRun missing = CliRun.of("search", dir.resolve("nope.json").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.json");

        CliRun dispatch = CliRun.of("search", Path.of("..", "validation", "scenarios", "deepep-h800-ep8-normal.json").toString());
        assertThat(dispatch.exitCode()).isEqualTo(2);
        assertThat(dispatch.err()).contains("workload", "training-step", "dispatch");

        CliRun budget = CliRun.of("search", SCENARIO.toString(), "--budget", "0");
        assertThat(budget.exitCode()).isEqualTo(2);
        assertThat(budget.err()).contains("--budget");

        CliRun objective = CliRun.of("search", SCENARIO.toString(), "--objectives", "throughput,latency");
        assertThat(objective.exitCode()).isEqualTo(2);
        assertThat(objective.err()).contains("--objectives", "latency");

        CliRun format = CliRun.of("search", SCENARIO.toString(), "--export", "tensorflow");
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err()).contains("--export");

        CliRun space = CliRun.of("search", SCENARIO.toString(), "--space", "tpp=1,2");
        assertThat(space.exitCode()).isEqualTo(2);
        assertThat(space.err()).contains("--space", "tpp");

        CliRun values = CliRun.of("search", SCENARIO.toString(), "--space", "dispatcher=nccl");
        assertThat(values.exitCode()).isEqualTo(2);
        assertThat(values.err()).contains("--space dispatcher", "nccl");

        for (CliRun r : List.of(missing, dispatch, budget, objective, format, space, values)) {
            assertThat(r.err()).doesNotContain("Exception", "\tat ");
            assertThat(r.out()).isEmpty();
        }
    }
}
