package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilesImportTest {
    private static final Path LOGS = Path.of("..", "hardware-profiles", "src", "test", "resources", "nccl-tests");
    private static final Path H100 = Path.of("..", "hardware-profiles", "src", "main", "resources", "profiles", "h100-sxm",
            "profile.properties");

    @TempDir
    Path dir;

    @Test
    void importsLogsMergesAndFeedsTheCollectiveModel() throws Exception {
        CliRun first = CliRun.of("profiles", "import-nccl-tests", LOGS.resolve("all_reduce_perf-8xh100.log").toString(),
                "--into", dir.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("imported 14 rows from 1 log into ").contains("(14 rows in all)")
                .contains("has no profile.properties yet");
        CliRun second = CliRun.of("profiles", "import-nccl-tests", LOGS.resolve("all_reduce_perf-8xh100.log").toString(),
                LOGS.resolve("alltoall_perf-16xh100-2nodes.log").toString(), "--into", dir.toString());
        assertThat(second.out()).contains("(" + (14 + 6) + " rows in all)");
        List<String> csv = Files.readAllLines(dir.resolve("collectives.csv"));
        assertThat(csv).contains("op,ranks,gpus_per_node,size_bytes,dtype,time_us,alg_gbps,bus_gbps")
                .contains("allreduce,8,8,8589934592,float,31834.6,269.83,472.2");
        Files.copy(H100, dir.resolve("profile.properties"));
        CliRun show = CliRun.of("profiles", "show", dir.toString());
        assertThat(show.out()).contains("measured tables: collectives.csv 20 rows");
        JsonNode n = Json.mapper().readTree(CliRun.of("cost", "collective", "--gpu", dir.toString(), "--op", "allreduce",
                "--ranks", "8", "--bytes", "8589934592", "--json").out());
        assertThat(n.get("timeUs").asDouble()).isEqualTo(31834.6);
        assertThat(n.get("source").asText()).isEqualTo("measured table + model");
    }

    @Test
    void badLogsExitTwoAndWriteNothing() throws Exception {
        Path bad = dir.resolve("run.log");
        Files.writeString(bad, "# nothing here\n");
        Path out = dir.resolve("prof");
        CliRun run = CliRun.of("profiles", "import-nccl-tests", bad.toString(), dir.resolve("missing.log").toString(),
                "--into", out.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(bad + ": cannot tell which collective").contains("missing.log: not found")
                .doesNotContain("Exception");
        assertThat(out.resolve("collectives.csv")).doesNotExist();
        CliRun badOp = CliRun.of("profiles", "import-nccl-tests", bad.toString(), "--op", "gather", "--into", out.toString());
        assertThat(badOp.exitCode()).isEqualTo(2);
        assertThat(badOp.err()).contains("--op: unknown collective 'gather'");
    }
}
