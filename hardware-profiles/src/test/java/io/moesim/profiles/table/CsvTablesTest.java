package io.moesim.profiles.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.cost.Collective;
import io.moesim.cost.MemoryOp;
import io.moesim.profiles.ProfileException;
import io.moesim.scenario.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.DuplicateHeaderMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvTablesTest {
    private static final List<GemmMeasurement> ROWS = List.of(
            new GemmMeasurement(4096, 7168, 2048, DataType.FP8, 1, 103.01, 101.9, 104.4, 50),
            new GemmMeasurement(8192, 4096, 7168, DataType.FP8, 4, 1430.5, Double.NaN, Double.NaN, 0),
            new GemmMeasurement(64, 2112, 7168, DataType.BF16, 1, 12.25, 12.0, 12.5, 100));

    private static String golden(String name) throws IOException {
        try (InputStream in = CsvTablesTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The same bytes whatever the default locale: decimal commas (German) and Arabic-Indic digits (Saudi). */
    @ParameterizedTest
    @ValueSource(strings = {"en-US", "de-DE", "ar-SA"})
    void writesTheGoldenFileUnderAnyLocale(String tag) throws Exception {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag(tag));
            String text = CsvTables.format(GemmMeasurement.FORMAT, ROWS,
                    List.of("measured: synthetic rows for the format golden test"));
            assertThat(text).isEqualTo(golden("gemm.csv"));
            assertThat(CsvTables.parse("gemm.csv", text, GemmMeasurement.FORMAT)).isEqualTo(ROWS);
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void readsColumnsInAnyOrderWithCommentsAndBlankLines() throws Exception {
        String text = "# a comment\n\ngroups,dtype,k,n,m,time_us_median\n1,fp8,2048,7168,4096,103.01\n";
        assertThat(CsvTables.parse("t.csv", text, GemmMeasurement.FORMAT))
                .containsExactly(new GemmMeasurement(4096, 7168, 2048, DataType.FP8, 1, 103.01, Double.NaN, Double.NaN, 0));
    }

    @Test
    void reportsEveryBadCellWithFileLineAndColumn() {
        String text = "m,n,k,dtype,groups,time_us_median\n"
                + "4096,7168,2048,fp8,1,103.0\n"
                + "-4,7168,2048,fp8,1,103.0\n"
                + "4096,7168,2048,fp9,1,\"1,5\"\n";
        assertThatThrownBy(() -> CsvTables.parse("prof/gemm.csv", text, GemmMeasurement.FORMAT))
                .isInstanceOf(ProfileException.class)
                .satisfies(e -> assertThat(((ProfileException) e).problems()).containsExactly(
                        "prof/gemm.csv:3:1: m: expected a positive integer, got \"-4\"",
                        "prof/gemm.csv:4:4: dtype: unknown data type 'fp9' (expected one of fp32, bf16, fp16, fp8)",
                        "prof/gemm.csv:4:6: time_us_median: expected a positive number with '.' as the decimal point, got \"1,5\""));
    }

    @Test
    void rejectsUnknownMissingAndDuplicateColumns() {
        String text = "m,n,kk,dtype,groups,time_us_median,m\n";
        assertThatThrownBy(() -> CsvTables.parse("g.csv", text, GemmMeasurement.FORMAT))
                .isInstanceOf(ProfileException.class)
                .satisfies(e -> assertThat(((ProfileException) e).problems()).containsExactly(
                        "g.csv:1:3: unknown column 'kk' (known: m, n, k, dtype, groups, time_us_median, time_us_p10, time_us_p90, samples)",
                        "g.csv:1:7: duplicate column 'm'",
                        "g.csv:1: missing column 'k'"));
    }

    @Test
    void rejectsRaggedRowsAndEmptyFilesAndBrokenQuotes() {
        assertThatThrownBy(() -> CsvTables.parse("g.csv", "m,n,k,dtype,groups,time_us_median\n1,2,3\n", GemmMeasurement.FORMAT))
                .hasMessage("g.csv:2: expected 6 cells like the header, got 3");
        assertThatThrownBy(() -> CsvTables.parse("g.csv", "# only a comment\n", GemmMeasurement.FORMAT))
                .hasMessageStartingWith("g.csv: empty table");
        assertThatThrownBy(() -> CsvTables.parse("g.csv", "m,n,k,dtype,groups,time_us_median\n\"1,2\n",
                GemmMeasurement.FORMAT))
                .hasMessage("g.csv: malformed CSV: line 2: a quoted cell is not closed before the end of the file");
        assertThatThrownBy(() -> CsvTables.parse("g.csv", "m,n,k,dtype,groups,time_us_median\n\"1\"x,2\n",
                GemmMeasurement.FORMAT))
                .hasMessage("g.csv: malformed CSV: line 2: text after the closing quote of a quoted cell");
    }

    @Test
    void tablesWithAHeaderAreReadByColumnNameAndTheirProblemsNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("runs.csv");
        Files.writeString(f, "\uFEFFcase,reported,notes\na,1.5,\"x, y\"\n");
        var records = CsvTables.readWithHeader(f, List.of("case", "reported"));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).get("notes")).isEqualTo("x, y");
        assertThatThrownBy(() -> CsvTables.readWithHeader(f, List.of("case", "metric", "unit")))
                .isInstanceOfSatisfying(ProfileException.class, e -> assertThat(e.problems()).containsExactly(
                        f + ":1: missing column 'metric'", f + ":1: missing column 'unit'"));
        assertThatThrownBy(() -> CsvTables.readWithHeader(dir.resolve("none.csv"), List.of()))
                .hasMessage(dir.resolve("none.csv") + ": not found");
        Files.write(f, new byte[] {'c', 'a', 's', 'e', '\n', (byte) 0xe9, '\n'});
        assertThatThrownBy(() -> CsvTables.readWithHeader(f, List.of())).hasMessage(f + ": not UTF-8 text");
        Files.writeString(f, "case,reported\n# not a comment here\na,1\nb\n");
        assertThatThrownBy(() -> CsvTables.readWithHeader(f, List.of()))
                .isInstanceOfSatisfying(ProfileException.class, e -> assertThat(e.problems()).containsExactly(
                        f + ":2: expected 2 cells like the header, got 1", f + ":4: expected 2 cells like the header, got 1"));
        Files.writeString(f, "case\n\"a\n");
        assertThatThrownBy(() -> CsvTables.readWithHeader(f, List.of()))
                .hasMessage(f + ": malformed CSV: line 2: a quoted cell is not closed before the end of the file");
    }

    /** Commons CSV's failures reach people without exception class names (found by InputFuzzTest). */
    @Test
    void parseFailuresAreWordedWithoutClassNames() {
        CSVFormat withHeader = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        assertThatThrownBy(() -> CSVParser.parse("case,metric,,unit\n", withHeader))
                .isInstanceOfSatisfying(IllegalArgumentException.class, e -> assertThat(CsvTables.parseFailure(e))
                        .isEqualTo("line 1: a column of the header has no name"));
        CSVFormat strict = withHeader.builder().setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW).get();
        assertThatThrownBy(() -> CSVParser.parse("case,case\n", strict))
                .isInstanceOfSatisfying(IllegalArgumentException.class, e -> assertThat(CsvTables.parseFailure(e))
                        .isEqualTo("line 1: the header names column \"case\" twice"));
        assertThat(CsvTables.parseFailure(new java.io.UncheckedIOException(
                new java.io.IOException("org.example.Weird: something odd")))).isEqualTo("something odd");
        assertThat(CsvTables.parseFailure(new IllegalStateException((String) null))).isEqualTo("unreadable");
    }

    @Test
    void collectiveRowsMustPlaceRanksOnWholeNodes() {
        String text = "op,ranks,gpus_per_node,size_bytes,dtype,time_us,alg_gbps,bus_gbps\n"
                + "allreduce,12,8,1024,float,10,0.1,0.2\n"
                + "allgatherx,8,8,1024,float,10,0.1,0.2\n";
        assertThatThrownBy(() -> CsvTables.parse("c.csv", text, CollectiveMeasurement.FORMAT))
                .satisfies(e -> assertThat(((ProfileException) e).problems()).containsExactly(
                        "c.csv:2:3: gpus_per_node: must divide ranks (12), got 8",
                        "c.csv:3:1: op: unknown collective 'allgatherx' (expected one of: allreduce, allgather, reducescatter, alltoall, sendrecv)"));
    }

    @Test
    void roundTripsEveryTableThroughAProfileDirectory(@TempDir Path dir) throws Exception {
        List<MemoryMeasurement> mem = List.of(new MemoryMeasurement(MemoryOp.ELEMENTWISE, 1L << 30, 380.2, 379.8, 381, 100));
        List<CollectiveMeasurement> coll = List.of(
                new CollectiveMeasurement(Collective.ALL_REDUCE, 8, 8, 4294967296L, "float", 15700.1, 273.57, 478.74));
        List<LaunchMeasurement> launch = List.of(new LaunchMeasurement("cudaLaunchKernel", 3, 2, 6, 1000));
        CsvTables.write(dir.resolve("gemm.csv"), GemmMeasurement.FORMAT, ROWS, List.of());
        CsvTables.write(dir.resolve("membw.csv"), MemoryMeasurement.FORMAT, mem, List.of());
        CsvTables.write(dir.resolve("collectives.csv"), CollectiveMeasurement.FORMAT, coll, List.of());
        CsvTables.write(dir.resolve("launch.csv"), LaunchMeasurement.FORMAT, launch, List.of());
        MeasuredTables t = MeasuredTables.read(dir);
        assertThat(t).isEqualTo(new MeasuredTables(ROWS, mem, coll, launch));
        assertThat(t.summary()).isEqualTo("gemm.csv 3 rows, membw.csv 1 row, collectives.csv 1 row, launch.csv 1 row");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain(".gemm.csv.tmp").hasSize(4);
        }
    }

    @Test
    void reportsProblemsOfAllTablesAtOnce(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("gemm.csv"), "m,n,k,dtype,groups,time_us_median\n0,1,1,bf16,1,1\n");
        Files.writeString(dir.resolve("launch.csv"), "api,time_us_median\ncudaLaunchKernel,fast\n");
        assertThatThrownBy(() -> MeasuredTables.read(dir))
                .satisfies(e -> assertThat(((ProfileException) e).problems()).hasSize(2)
                        .anySatisfy(p -> assertThat(p).endsWith("gemm.csv:2:1: m: expected a positive integer, got \"0\""))
                        .anySatisfy(p -> assertThat(p).endsWith("launch.csv:2:2: time_us_median: expected a positive number with '.' as the decimal point, got \"fast\"")));
    }

    @Test
    void numbersArePlainDecimals() {
        assertThat(CsvTables.number(1e-7)).isEqualTo("0.0000001");
        assertThat(CsvTables.number(4.0e9)).isEqualTo("4000000000");
        assertThat(CsvTables.number(12.50)).isEqualTo("12.5");
        assertThat(CsvTables.number(Double.NaN)).isEmpty();
    }

    @Test
    void attentionTableIsReadAndItsRowRulesAreChecked() throws ProfileException {
        String header = "seq_q,seq_kv,heads,kv_heads,qk_dim,v_dim,causal,dtype,pass,time_us_median\n";
        List<AttentionMeasurement> rows = CsvTables.parse("attention.csv", header
                + "4096,4096,32,2,128,128,true,bf16,forward,252.1\n4096,4096,32,2,128,128,true,bf16,backward,750.5\n",
                AttentionMeasurement.FORMAT);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).backward()).isFalse();
        assertThat(rows.get(1).backward()).isTrue();
        assertThat(rows.get(1).timeUsMedian()).isEqualTo(750.5);
        assertThat(rows.get(0).causal()).isTrue();
        assertThatThrownBy(() -> CsvTables.parse("attention.csv", header
                + "4096,4096,32,3,128,128,true,bf16,forward,1\n"
                + "4096,2048,32,2,128,128,true,bf16,forward,1\n"
                + "4096,4096,32,2,128,128,maybe,bf16,sideways,1\n", AttentionMeasurement.FORMAT))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("attention.csv:2: heads (32) must be a multiple of kv_heads (3)")
                .hasMessageContaining("attention.csv:3: causal attention needs seq_kv (2048) >= seq_q (4096)")
                .hasMessageContaining("attention.csv:4:7: causal: expected true or false, got 'maybe'")
                .hasMessageContaining("attention.csv:4:9: pass: expected forward or backward, got 'sideways'");
    }
}
