package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.moesim.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostCommandTest {
    @TempDir
    Path dir;

    private static JsonNode json(CliRun run) throws Exception {
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        return Json.mapper().readTree(run.out());
    }

    private static void badInput(CliRun run, String message) {
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void collectiveMeetsTheNvlsAllReduceFigure() throws Exception {
        JsonNode n = json(CliRun.of("cost", "collective", "--gpu", "h100-sxm", "--op", "allreduce", "--ranks", "8",
                "--bytes", "4294967296", "--json"));
        assertThat(n.get("busGBps").asDouble()).isCloseTo(480, Percentage.withPercentage(15));
        assertThat(n.get("algGBps").asDouble() * 1.75).isCloseTo(n.get("busGBps").asDouble(), Percentage.withPercentage(0.01));
        assertThat(n.get("timeUs").asDouble()).isCloseTo(4294967296.0 / n.get("algGBps").asDouble() / 1e3,
                Percentage.withPercentage(0.01));
        assertThat(n.get("algorithm").asText()).isEqualTo("nvls");
    }

    @Test
    void gemmAndAttentionJsonHaveTheContractFields() throws Exception {
        JsonNode g = json(CliRun.of("cost", "gemm", "--gpu", "h100-sxm", "--m", "2048", "--n", "2048", "--k", "13312", "--json"));
        assertThat(g.get("tflops").asDouble()).isCloseTo(794.5, Percentage.withPercentage(10));
        assertThat(g.get("timeUs").asDouble()).isPositive();
        JsonNode grouped = json(CliRun.of("cost", "gemm", "--gpu", "h800-sxm", "--m", "8192", "--n", "4096", "--k", "7168",
                "--dtype", "fp8", "--groups", "4", "--json"));
        assertThat(grouped.get("tflops").asDouble()).isCloseTo(1346, Percentage.withPercentage(15));
        JsonNode a = json(CliRun.of("cost", "attention", "--gpu", "h800-sxm", "--seq", "4096", "--heads", "128",
                "--qk-dim", "192", "--v-dim", "128", "--causal", "--json"));
        assertThat(a.get("timeUs").asDouble() / 1e3).isCloseTo(1.248, Percentage.withPercentage(25));
        assertThat(a.get("tflops").asDouble()).isPositive();
        JsonNode b = json(CliRun.of("cost", "attention", "--gpu", "h800-sxm", "--seq", "4096", "--heads", "128",
                "--qk-dim", "192", "--v-dim", "128", "--causal", "--backward", "--sms", "112", "--json"));
        assertThat(b.get("op").asText()).isEqualTo("attention-backward");
        assertThat(b.get("timeUs").asDouble()).isGreaterThan(a.get("timeUs").asDouble());
    }

    @Test
    void textOutputIsOneReadableLine() {
        CliRun run = CliRun.of("cost", "collective", "--gpu", "h800-sxm", "--op", "alltoall", "--ranks", "64",
                "--bytes", "256MiB", "--sms", "24");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("alltoall of 268435456 bytes over 64 GPUs (8 per node, 8 nodes), flat: ")
                .contains("busbw");
        CliRun mem = CliRun.of("cost", "memory", "--gpu", "h100-sxm", "--op", "norm", "--bytes", "1GiB");
        assertThat(mem.out()).startsWith("norm moving 1073741824 bytes on h100-sxm (132 SMs): ");
    }

    @Test
    void badArgumentsExitTwoWithoutOutput() {
        badInput(CliRun.of("cost", "gemm", "--gpu", "h900", "--m", "1", "--n", "1", "--k", "1"), "unknown GPU profile 'h900'");
        badInput(CliRun.of("cost", "gemm", "--gpu", "a100-sxm", "--m", "1", "--n", "1", "--k", "1", "--dtype", "fp8"),
                "a100-sxm has no fp8 tensor cores");
        badInput(CliRun.of("cost", "gemm", "--gpu", "h100-sxm", "--m", "0", "--n", "1", "--k", "1"), "--m must be positive");
        badInput(CliRun.of("cost", "gemm", "--gpu", "h100-sxm", "--m", "1", "--n", "1", "--k", "1", "--sms", "200"),
                "--sms must be 1..132");
        badInput(CliRun.of("cost", "collective", "--gpu", "h100-sxm", "--op", "broadcast", "--ranks", "8", "--bytes", "1"),
                "unknown collective 'broadcast'");
        badInput(CliRun.of("cost", "collective", "--gpu", "h100-sxm", "--op", "allreduce", "--ranks", "12", "--bytes", "1"),
                "must fit one node or be a multiple of --gpus-per-node");
        badInput(CliRun.of("cost", "collective", "--gpu", "a100-sxm", "--op", "allreduce", "--ranks", "8", "--bytes", "1",
                "--algorithm", "nvls"), "a100-sxm has no NVLS");
        badInput(CliRun.of("cost", "collective", "--gpu", "h100-sxm", "--op", "allreduce", "--ranks", "8", "--bytes", "lots"),
                "--bytes: expected a byte count");
        badInput(CliRun.of("cost", "attention", "--gpu", "h100-sxm", "--seq", "4096", "--heads", "6", "--kv-heads", "4",
                "--qk-dim", "128", "--v-dim", "128"), "--heads (6) must be a multiple of --kv-heads (4)");
        badInput(CliRun.of("cost", "memory", "--gpu", "h100-sxm", "--op", "sort", "--bytes", "1"), "unknown memory op 'sort'");
        badInput(CliRun.of("cost", "gemm", "--gpu", "h100-sxm", "--m", "1"), "Missing required options");
    }

    @Test
    void aProfileDirectoryWithAMeasuredTableIsUsed() throws Exception {
        Path src = Path.of("..", "hardware-profiles", "src", "main", "resources", "profiles", "h100-sxm", "profile.properties");
        Files.copy(src, dir.resolve("profile.properties"));
        Files.writeString(dir.resolve("gemm.csv"), "m,n,k,dtype,groups,time_us_median\n4096,4096,4096,bf16,1,250.0\n");
        JsonNode n = json(CliRun.of("cost", "gemm", "--gpu", dir.toString(), "--m", "4096", "--n", "4096", "--k", "4096", "--json"));
        assertThat(n.get("timeUs").asDouble()).isEqualTo(250.0);
        assertThat(n.get("source").asText()).isEqualTo("measured table + model");
        // a data type the table has no rows of is the model's alone, and says so
        JsonNode fp8 = json(CliRun.of("cost", "gemm", "--gpu", dir.toString(), "--m", "4096", "--n", "4096", "--k", "4096",
                "--dtype", "fp8", "--json"));
        assertThat(fp8.get("source").asText()).isEqualTo("model");
    }

    @Test
    void aMalformedTableExitsTwoWithFileLineAndColumn() throws Exception {
        Path src = Path.of("..", "hardware-profiles", "src", "main", "resources", "profiles", "h100-sxm", "profile.properties");
        Files.copy(src, dir.resolve("profile.properties"));
        Files.writeString(dir.resolve("gemm.csv"), "m,n,k,dtype,groups,time_us_median\n4096,4096,4096,bf16,1,2,5\n"
                + "4096,4096,4096,bf16,1,2.5e\n");
        CliRun run = CliRun.of("cost", "gemm", "--gpu", dir.toString(), "--m", "1", "--n", "1", "--k", "1");
        badInput(run, dir.resolve("gemm.csv") + ":2: expected 6 cells like the header, got 7");
        assertThat(run.err()).contains(dir.resolve("gemm.csv") + ":3:6: time_us_median: expected a positive number");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).hasSize(2);
        }
    }
}
