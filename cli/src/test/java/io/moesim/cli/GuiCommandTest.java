package io.moesim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code moe-sim gui}: argument checks, the headless screenshot, and JavaFX staying out of other commands. */
class GuiCommandTest {
    private static final String SMALL = """
            { "name": "small", "model": "mixtral-8x7b",
              "cluster": { "gpu": "h100-sxm", "nodes": 2, "gpusPerNode": 8 },
              "parallel": { "tp": 2, "pp": 2, "ep": 4 },
              "batch": { "seqLen": 4096, "globalBatch": 64, "microBatch": 1 },
              "recompute": "selective" }
            """;

    @Test
    void helpNamesTheScreenshotMode() {
        CliRun r = CliRun.of("gui", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--screenshot=OUT.png").contains("FILE");
        assertThat(CliRun.of("--help").out()).contains("gui");
    }

    @Test
    void aMissingFileOrABadSizeIsBadInput(@TempDir Path dir) throws IOException {
        CliRun missing = CliRun.of("gui", dir.resolve("none.json").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("none.json: not found");
        Path f = Files.writeString(dir.resolve("small.json"), SMALL);
        CliRun size = CliRun.of("gui", "--screenshot", dir.resolve("x.png").toString(), "--size", "10x10", f.toString());
        assertThat(size.exitCode()).isEqualTo(2);
        assertThat(size.err()).contains("--size: expected WxH");
        assertThat(GuiCommand.parseSize("1280X800")).containsExactly(1280, 800);
        CliRun tab = CliRun.of("gui", "--screenshot", dir.resolve("x.png").toString(), "--tab", "charts", f.toString());
        assertThat(tab.exitCode()).isEqualTo(2);
        assertThat(tab.err()).contains("--tab: expected one of results, compare, search, sweep, validation, got 'charts'");
    }

    @Test
    void screenshotOfTheCompareTab(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("small.json"), SMALL);
        Path png = dir.resolve("compare.png");
        CliRun r = CliRun.of("gui", "--screenshot", png.toString(), "--size", "1024x700", "--tab", "compare",
                "--compare-with", "speculative-moe", f.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(1024);
        CliRun bad = CliRun.of("gui", "--screenshot", dir.resolve("no.png").toString(), "--tab", "compare",
                "--compare-with", "no-such-system", f.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("compare: B: strategy: unknown strategy 'no-such-system'");
        assertThat(dir.resolve("no.png")).doesNotExist();
    }

    @Test
    void withoutADisplayTheWindowModeSaysWhatToDo() {
        Assumptions.assumeTrue(System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null
                && System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux"));
        CliRun r = CliRun.of("gui");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no display").contains("--screenshot");
    }

    @Test
    void screenshotRendersTheSimulatedScenario(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("small.json"), SMALL);
        Path png = dir.resolve("shot.png");
        CliRun r = CliRun.of("gui", "--screenshot", png.toString(), "--size", "1280x800", f.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("screenshot written to " + png);
        var image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getHeight()).isEqualTo(800);

        Path bad = Files.writeString(dir.resolve("bad.json"), SMALL.replace("\"tp\": 2", "\"tp\": 3"));
        CliRun invalid = CliRun.of("gui", "--screenshot", dir.resolve("bad.png").toString(), bad.toString());
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).contains("error: " + bad + ": parallel: tp*pp*cp = 3*2*1 = 6 must divide");
        assertThat(dir.resolve("bad.png")).doesNotExist();
    }

    @Test
    void otherCommandsNeverLoadJavaFx() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-verbose:class", "-cp",
                System.getProperty("java.class.path"), "io.moesim.cli.Main", "models"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).contains("io.moesim.cli.GuiCommand").contains("qwen3-235b-a22b");
        assertThat(out).doesNotContain("javafx.").doesNotContain("io.moesim.gui.").doesNotContain("org.jfree");
    }
}
