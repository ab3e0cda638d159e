package io.moesim.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.moesim.scenario.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileReaderTest {

    @Test
    void everyBundledProfileLoadsWithProvenanceForEveryNumber() throws ProfileException {
        for (HardwareProfile p : Profiles.allBundled()) {
            assertThat(p.provenance()).containsKeys("smCount", "hbmTBps", "nvlinkGBps", "nicGBps", "peakTflops.bf16");
            assertThat(p.provenance().values()).allSatisfy(v -> assertThat(v.source()).isNotBlank());
        }
    }

    @Test
    void h100MatchesTheDatasheetAndTheMeasuredCeiling() throws ProfileException {
        HardwareProfile h100 = Profiles.bundled("h100-sxm");
        assertThat(h100.gpu().smCount()).isEqualTo(132);
        assertThat(h100.gpu().peakTflops()).containsEntry(DataType.FP8, 1978.9);
        assertThat(h100.gpu().matmulCeiling(DataType.BF16)).isCloseTo(0.803, within(0.001));
        assertThat(h100.provenance().get("maxAchievableTflops.bf16").kind()).isEqualTo(Provenance.Kind.MEASURED);
        assertThat(Profiles.bundled("h800-sxm").gpu().nvlinkGBps()).isEqualTo(200.0);
        assertThat(Profiles.bundled("a100-sxm").gpu().supports(DataType.FP8)).isFalse();
    }

    @Test
    void malformedProfileNamesFileAndLine(@TempDir Path dir) throws Exception {
        String good = new String(Profiles.class.getResourceAsStream("/profiles/h100-sxm/profile.properties").readAllBytes());
        String bad = good.replace("hbmTBps=3.35", "hbmTBps=fast").replace("smCount=132", "smCount=132\nsmCount=133")
                + "\nbogus line without equals\ncolour=green\n";
        Files.writeString(dir.resolve("profile.properties"), bad);
        assertThatThrownBy(() -> Profiles.resolve(dir.toString()))
                .isInstanceOfSatisfying(ProfileException.class, e -> {
                    String f = dir.resolve("profile.properties").toString();
                    assertThat(e.problems()).anyMatch(p -> p.matches(java.util.regex.Pattern.quote(f)
                            + ":\\d+: hbmTBps: expected a number \\(like 3.35\\), got \"fast\""));
                    assertThat(e.problems()).anyMatch(p -> p.contains(": duplicate key 'smCount' (first on line"));
                    assertThat(e.problems()).anyMatch(p -> p.contains(": expected key=value, got \"bogus line without equals\""));
                    assertThat(e.problems()).anyMatch(p -> p.contains(": unknown key 'colour'"));
                });
    }

    @Test
    void everyNumberNeedsASource() {
        String text = """
                id=x
                name=X
                vendor=V
                date=2026-01-01
                smCount=10
                """;
        assertThatThrownBy(() -> ProfileReader.parse("x.properties", text))
                .hasMessageContaining("x.properties:5: smCount has no provenance")
                .hasMessageContaining("x.properties: missing key 'hbmTBps'");
    }

    @Test
    void badProvenanceKindIsRejected() {
        assertThatThrownBy(() -> Provenance.parse("rumour: a blog")).hasMessageContaining("datasheet");
        assertThat(Provenance.parse("measured: nccl-tests").kind()).isEqualTo(Provenance.Kind.MEASURED);
    }

    @Test
    void unknownIdAndMissingDirectoryAreReported(@TempDir Path dir) {
        assertThatThrownBy(() -> Profiles.resolve("h900")).hasMessageContaining("unknown GPU profile 'h900'")
                .hasMessageContaining("h100-sxm");
        assertThatThrownBy(() -> Profiles.resolve(dir.toString())).hasMessageContaining("profile.properties: not found");
    }

    @Test
    void aProfileDirectoryCarriesItsMeasuredTables(@TempDir Path dir) throws Exception {
        try (var in = Profiles.class.getResourceAsStream("/profiles/h100-sxm/profile.properties")) {
            Files.write(dir.resolve("profile.properties"), in.readAllBytes());
        }
        assertThat(Profiles.resolve(dir.toString()).tables().isEmpty()).isTrue();
        Files.writeString(dir.resolve("launch.csv"), "api,time_us_median\ncudaLaunchKernel,2.5\n");
        Files.writeString(dir.resolve("gemm.csv"), "m,n,k,dtype,groups,time_us_median\n4096,4096,4096,bf16,1,250\n");
        HardwareProfile p = Profiles.resolve(dir.resolve("profile.properties").toString());
        assertThat(p.tables().summary()).isEqualTo("gemm.csv 1 row, launch.csv 1 row");
        assertThat(io.moesim.profiles.cost.ProfileCostModel.of(p).kernelLaunchNs()).isEqualTo(2_500);
        assertThat(Profiles.bundled("a100-sxm").tables().isEmpty()).isTrue();
        assertThat(p.gpu().commSmGBps()).isEqualTo(24.6);
    }

    @Test
    void theHopperProfilesBundleTheProbedGemmTable() throws Exception {
        HardwareProfile h100 = Profiles.bundled("h100-sxm");
        assertThat(h100.tables().summary()).isEqualTo("gemm.csv 147 rows, attention.csv 90 rows");
        assertThat(Profiles.bundled("h800-sxm").tables()).isEqualTo(h100.tables());
        assertThat(Profiles.bundled("h200-sxm").tables()).isEqualTo(h100.tables());
        // a measured shape answers with its measured median: Flux's layer-1 grouped GEMM, 32 experts x 1024 rows
        var gemm = io.moesim.profiles.cost.ProfileCostModel.of(Profiles.bundled("h800-sxm")).gemm();
        long[] rows = new long[32];
        java.util.Arrays.fill(rows, 1024);
        assertThat(gemm.groupedTimeNs(rows, 8192, 1024, io.moesim.scenario.DataType.BF16, 132)).isEqualTo(842_420);
        assertThat(gemm.timeNs(4096, 3072, 4096, io.moesim.scenario.DataType.BF16, 132))
                .isEqualTo(Math.round(1e3 * h100.tables().gemm().stream()
                        .filter(g -> g.m() == 4096 && g.n() == 3072 && g.k() == 4096 && g.groups() == 1
                                && g.dtype() == io.moesim.scenario.DataType.BF16)
                        .findFirst().orElseThrow().timeUsMedian()));
    }
}
