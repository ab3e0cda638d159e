package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.moesim.io.InputException;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz tests of every file the command line reads: whatever the bytes, a command ends with exit 0 or with
 * exit 2 and messages that name the problem, never with an internal error (exit 1) or a stack trace.
 *
 * <p>With the test suite (regression mode) each target runs its inputs in
 * {@code src/test/resources/io/moesim/cli/InputFuzzTestInputs/<target>/}: the project's own scenarios,
 * logs and configs as seeds, and every input fuzzing has found to fail, kept after the fix. To fuzz
 * (Jazzer, libFuzzer underneath): {@code JAZZER_FUZZ=1 mvn -pl cli test -Dtest=InputFuzzTest#scenario}
 * (see {@code docs/testing.md}); new failures land in the same folder.
 */
class InputFuzzTest {
    /** Largest cluster a fuzzed scenario is simulated on (larger ones are only read and sized). */
    private static final int MAX_SIMULATED_GPUS = 64;
    /** Most micro-batches per pipeline a fuzzed training step is simulated with. */
    private static final int MAX_SIMULATED_MICRO_BATCHES = 16;

    private static final Path DIR = tempDir();

    private static Path tempDir() {
        try {
            Path d = Files.createTempDirectory("moe-sim-fuzz");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        Path f = DIR.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    /** Runs the CLI and checks the contract for bad input: exit 0, or exit 2 with messages and no stack trace. */
    private static CliRun check(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exitCode()).as("exit code of %s; stderr:%n%s", String.join(" ", args), r.err()).isIn(0, 2);
        assertThat(r.err()).as("stderr of %s", String.join(" ", args)).doesNotContain("Exception", "\tat ");
        if (r.exitCode() == 2) {
            assertThat(r.err()).as("stderr of %s", String.join(" ", args)).isNotBlank();
        }
        return r;
    }

    /** Scenario JSON: read, validated, sized (memory) and, when small enough, simulated. */
    @FuzzTest(maxDuration = "2m")
    void scenario(byte[] input) throws IOException {
        Path f = write("scenario.json", input);
        CliRun check = check("check", f.toString());
        if (check.exitCode() != 0) {
            return;
        }
        Scenario s;
        try {
            s = new ScenarioReader(ModelCatalog.builtIn()).read(f);
        } catch (InputException e) {
            throw new AssertionError("check accepted what the reader refuses: " + e.getMessage(), e);
        }
        if (s.workload() == Workload.TRAINING_STEP) {
            check("memory", f.toString());
        }
        if (small(s)) {
            check("simulate", "--json", f.toString());
        }
    }

    private static boolean small(Scenario s) {
        int gpus = s.cluster().nodes() * s.cluster().gpusPerNode();
        if (gpus > MAX_SIMULATED_GPUS) {
            return false;
        }
        if (s.workload() != Workload.TRAINING_STEP) {
            return true;
        }
        var p = s.parallel();
        long dp = gpus / ((long) p.tp() * p.pp() * p.cp());
        long microBatches = s.batch().globalBatch() / Math.max(1L, (long) s.batch().microBatch() * dp);
        return microBatches <= MAX_SIMULATED_MICRO_BATCHES && s.model().layers() <= 64;
    }

    /** One micro-batch of 1024 tokens per GPU of Qwen3-30B-A3B on 8 H100s (EP8), routed by the fuzzed trace. */
    private static final String TRACE_SCENARIO = """
            {"model": "qwen3-30b-a3b", "cluster": {"gpu": "h100-sxm", "nodes": 1, "gpusPerNode": 8},
             "parallel": {"ep": 8}, "batch": {"seqLen": 1024, "globalBatch": 8},
             "moe": {"routing": {"kind": "trace", "file": "routing.csv"}}}
            """;

    /** A routing trace (per-layer, per-expert token counts) that a training step replays. */
    @FuzzTest(maxDuration = "3m")
    void routingTrace(byte[] input) throws IOException {
        Path dir = Files.createDirectories(DIR.resolve("trace"));
        Files.write(dir.resolve("routing.csv"), input);
        Path scenario = dir.resolve("scenario.json");
        Files.writeString(scenario, TRACE_SCENARIO);
        check("simulate", "--json", scenario.toString());
    }

    /** The H100 SXM profile's properties, the base of the profile targets. */
    private static byte[] h100Properties() throws IOException {
        try (var in = InputFuzzTest.class.getResourceAsStream("/profiles/h100-sxm/profile.properties")) {
            return in.readAllBytes();
        }
    }

    /** Asks a profile directory for every kind of prediction it serves. */
    private static void useProfile(Path dir) {
        String gpu = "--gpu=" + dir;
        check("profiles", "show", dir.toString());
        check("cost", "gemm", gpu, "--m", "4096", "--n", "4096", "--k", "4096");
        check("cost", "gemm", gpu, "--m", "512", "--n", "1536", "--k", "4096", "--groups", "16", "--dtype", "fp8");
        check("cost", "attention", gpu, "--heads", "64", "--kv-heads", "4", "--qk-dim", "128", "--v-dim", "128",
                "--seq", "4096", "--causal", "--backward");
        check("cost", "collective", gpu, "--op", "alltoall", "--ranks", "16", "--gpus-per-node", "8", "--bytes", "67108864");
        check("cost", "memory", gpu, "--bytes", "1GiB", "--op", "permute");
    }

    /** A profile's {@code profile.properties} (datasheet figures and model constants). */
    @FuzzTest(maxDuration = "3m")
    void profileProperties(byte[] input) throws IOException {
        Path dir = Files.createDirectories(DIR.resolve("profile"));
        Files.write(dir.resolve("profile.properties"), input);
        useProfile(dir);
    }

    /** The measured tables a profile directory may hold, beside the H100 SXM properties; byte 0 picks the table. */
    @FuzzTest(maxDuration = "3m")
    void profileTable(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        String[] tables = {"gemm.csv", "attention.csv", "collectives.csv", "membw.csv", "launch.csv"};
        Path dir = Files.createDirectories(DIR.resolve("profile-with-table"));
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.write(dir.resolve("profile.properties"), h100Properties());
        Files.write(dir.resolve(tables[Math.floorMod(input[0], tables.length)]),
                java.util.Arrays.copyOfRange(input, 1, input.length));
        useProfile(dir);
    }

    /** nccl-tests output, imported into a profile's collectives table. */
    @FuzzTest(maxDuration = "3m")
    void ncclTestsLog(byte[] input) throws IOException {
        Path f = write("all_reduce_perf.log", input);
        Path into = DIR.resolve("imported");
        check("profiles", "import-nccl-tests", f.toString(), "--into", into.toString());
    }

    /**
     * A table of published runs for {@code validate --cases}. Its scenarios are looked up beside it, where
     * there are none, so this exercises the table's reading and checking, not the simulation.
     */
    @FuzzTest(maxDuration = "3m")
    void publishedCases(byte[] input) throws IOException {
        Path f = write("published-runs.csv", input);
        check("validate", "--cases", f.toString());
    }

    /** A Hugging Face {@code config.json}, imported as a model for the FLOP and parameter accounting. */
    @FuzzTest(maxDuration = "3m")
    void huggingFaceConfig(byte[] input) throws IOException {
        Path dir = Files.createDirectories(DIR.resolve("hf"));
        Path f = dir.resolve("config.json");
        Files.write(f, input);
        check("flops", f.toString());
    }
}
