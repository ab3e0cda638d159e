package io.moesim.gui.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.io.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The published-case comparison, on a small cases file (two DeepEP cases, a missing metric). */
class PublishedCasesTest {
    @Test
    void comparesReportedAndPredicted(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("scenarios"));
        for (String c : new String[] {"deepep-h800-ep8-normal", "deepep-h800-ep16-normal"}) {
            Files.copy(Fixtures.validation(c), dir.resolve("scenarios/" + c + ".json"));
        }
        Path csv = dir.resolve("cases.csv");
        Files.writeString(csv, "case,metric,reported,unit,source\n"
                + "deepep-h800-ep8-normal,dispatchGBps,153,GB/s,x\n"
                + "deepep-h800-ep16-normal,combineGBps,43,GB/s,x\n"
                + "deepep-h800-ep16-normal,stepTimeSeconds,1,s,x\n");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            PublishedCases.Report r = PublishedCases.run(csv, pool, () -> false, (done, total) -> { });
            assertThat(r.rows()).hasSize(3);
            assertThat(r.compared()).isEqualTo(2);
            PublishedCases.Row first = r.rows().get(0);
            assertThat(first.caseId()).isEqualTo("deepep-h800-ep8-normal");
            assertThat(first.predicted()).isBetween(100.0, 200.0);
            assertThat(first.error()).isEqualTo((first.predicted() - 153) / 153);
            assertThat(r.rows().get(2).predicted()).isNull();
            assertThat(r.worstAbsError()).isGreaterThanOrEqualTo(r.medianAbsError());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badFilesAreInputProblems(@TempDir Path dir) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            assertThatThrownBy(() -> PublishedCases.run(dir.resolve("none.csv"), pool, () -> false, (a, b) -> { }))
                    .isInstanceOf(InputException.class).hasMessageContaining("not found");
            Path noColumn = dir.resolve("x.csv");
            Files.writeString(noColumn, "case,metric,unit\n");
            assertThatThrownBy(() -> PublishedCases.run(noColumn, pool, () -> false, (a, b) -> { }))
                    .isInstanceOf(InputException.class).hasMessageContaining("missing column 'reported'");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void findsTheRepositorysCases() {
        assertThat(PublishedCases.locate(Path.of("")).orElseThrow()).endsWith(Path.of("validation/published-runs.csv"));
    }
}
