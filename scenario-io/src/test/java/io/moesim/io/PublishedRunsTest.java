package io.moesim.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishedRunsTest {
    @TempDir
    Path dir;

    @Test
    void readsTheTableAndFindsEachCaseBesideIt() throws Exception {
        Path table = dir.resolve("runs.csv");
        Files.writeString(table, "case,metric,reported,unit,notes\nqwen3-235b_h100.x256,stepTimeSeconds,19.7,s,\"a, b\"\n");
        var records = PublishedRuns.read(table);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).get("reported")).isEqualTo("19.7");
        assertThat(PublishedRuns.scenarioOf(table, "qwen3-235b_h100.x256"))
                .isEqualTo(dir.toAbsolutePath().resolve("scenarios").resolve("qwen3-235b_h100.x256.json"));
    }

    /** A case id becomes a file name: path separators, parent references and control characters are refused. */
    @Test
    void caseIdsThatCannotNameAScenarioFileAreProblemsWithTheirLine() throws Exception {
        Path table = dir.resolve("runs.csv");
        Files.writeString(table, "case,metric,reported,unit\nok,m,1,s\n../etc,m,1,s\na\u0000b,m,1,s\n,m,1,s\n-x,m,1,s\n");
        assertThatThrownBy(() -> PublishedRuns.read(table)).isInstanceOfSatisfying(InputException.class, e -> {
            assertThat(e.problems()).extracting(Problem::field).containsExactly("line 3", "line 4", "line 5", "line 6");
            assertThat(e.problems()).extracting(p -> p.message().substring(0, p.message().indexOf(':')))
                    .containsExactly("case '../etc'", "case 'a\\u0000b'", "case ''", "case '-x'");
            assertThat(e.problems().get(0).message()).endsWith("letters, digits, '.', '_' and '-' only, and does not "
                    + "start with '.' or '-'");
        });
    }

    @Test
    void problemsOfTheCsvKeepFileAndLine() throws Exception {
        Path table = dir.resolve("runs.csv");
        Files.writeString(table, "case,metric\nx,y\n");
        assertThatThrownBy(() -> PublishedRuns.read(table)).isInstanceOfSatisfying(InputException.class,
                e -> assertThat(e.problems()).containsExactly(
                        new Problem(table.toString(), "line 1", "missing column 'reported'"),
                        new Problem(table.toString(), "line 1", "missing column 'unit'")));
        assertThatThrownBy(() -> PublishedRuns.read(dir.resolve("none.csv"))).isInstanceOfSatisfying(InputException.class,
                e -> assertThat(e.problems()).containsExactly(new Problem(dir.resolve("none.csv").toString(), "", "not found")));
    }
}
