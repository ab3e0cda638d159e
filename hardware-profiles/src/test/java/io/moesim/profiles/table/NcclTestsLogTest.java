package io.moesim.profiles.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.moesim.cost.Collective;
import io.moesim.profiles.ProfileException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NcclTestsLogTest {
    private static final String ALL_REDUCE = "all_reduce_perf-8xh100.log";
    private static final String ALL_GATHER = "all_gather_perf-8xh100.log";
    private static final String REDUCE_SCATTER = "reduce_scatter_perf-8xh100.log";
    private static final String ALL_TO_ALL = "alltoall_perf-16xh100-2nodes.log";
    private static final String SEND_RECV = "sendrecv_perf-2xa100.log";

    /** What one fixture must give: the run, the usable row count and one row's exact cells. */
    record Expected(String file, Collective op, int ranks, int gpusPerNode, String dtype, int rows,
                    long sizeBytes, double timeUs, double algGBps, double busGBps) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Expected> fixtures() {
        return Stream.of(
                // -b 1M -e 8G: every row is usable
                new Expected(ALL_REDUCE, Collective.ALL_REDUCE, 8, 8, "float", 14, 4294967296L, 15622.3, 274.92,
                        481.12),
                // 30 rows; 8..64 B print size 0 (under one float per rank)
                new Expected(ALL_GATHER, Collective.ALL_GATHER, 8, 8, "float", 26, 1073741824L, 2689.6, 399.23, 349.32),
                // 30 rows; 8..32 B print size 0, 64 B prints 0.00 GB/s
                new Expected(REDUCE_SCATTER, Collective.REDUCE_SCATTER, 8, 8, "bfloat16", 26, 2097152L, 22.87, 91.69,
                        80.23),
                // -b 64M -e 2G on 2 nodes, -c 0 (#wrong is N/A)
                new Expected(ALL_TO_ALL, Collective.ALL_TO_ALL, 16, 8, "float", 6, 1073741824L, 25043, 42.88, 40.20),
                // 28 rows; 8..32 B print 0.00 GB/s
                new Expected(SEND_RECV, Collective.SEND_RECV, 2, 2, "float", 25, 1073741824L, 5496.4, 195.35, 195.35));
    }

    private static Path fixture(String name) throws URISyntaxException {
        URL url = NcclTestsLogTest.class.getResource("/nccl-tests/" + name);
        assertThat(url).as(name).isNotNull();
        return Path.of(url.toURI());
    }

    private static String text(String name) throws Exception {
        return Files.readString(fixture(name), StandardCharsets.UTF_8);
    }

    /** The 1-based number of the first line of {@code text} that starts with {@code prefix} after its indent. */
    private static int lineOf(String text, String prefix) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(prefix)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line starts with " + prefix);
    }

    private static ProfileException failure(String display, String text, Collective op) {
        return catchThrowableOfType(ProfileException.class, () -> NcclTestsLog.parse(display, text, op));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void readsEachFixture(Expected e) throws Exception {
        List<CollectiveMeasurement> rows = NcclTestsLog.read(fixture(e.file), null);
        assertThat(rows).hasSize(e.rows).allSatisfy(r -> {
            assertThat(r.op()).isEqualTo(e.op);
            assertThat(r.ranks()).isEqualTo(e.ranks);
            assertThat(r.gpusPerNode()).isEqualTo(e.gpusPerNode);
            assertThat(r.dtype()).isEqualTo(e.dtype);
            assertThat(r.sizeBytes()).isPositive();
            assertThat(r.algGBps()).isPositive();
            assertThat(r.busGBps()).isPositive();
        });
        assertThat(rows).filteredOn(r -> r.sizeBytes() == e.sizeBytes)
                .containsExactly(new CollectiveMeasurement(e.op, e.ranks, e.gpusPerNode, e.sizeBytes, e.dtype, e.timeUs,
                        e.algGBps, e.busGBps));
        assertThat(rows).extracting(CollectiveMeasurement::sizeBytes).isSorted().doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void bandwidthsAgreeWithTimeAndTheBusFactorWithinPrintRounding(Expected e) throws Exception {
        for (CollectiveMeasurement r : NcclTestsLog.read(fixture(e.file), null)) {
            double factor = r.op().busFactor(r.ranks());
            // both bandwidths are printed to 0.01 GB/s: each is off by at most 0.005
            assertThat(r.busGBps()).as("%s %d B busbw", e.file, r.sizeBytes())
                    .isCloseTo(r.algGBps() * factor, within(0.005 + 0.005 * factor + 1e-9));
            // algbw = size / time; the printed time is off by at most 0.1% (0.5 us at >= 10000 us)
            assertThat(r.sizeBytes() / r.timeUs() / 1e3).as("%s %d B algbw", e.file, r.sizeBytes())
                    .isCloseTo(r.algGBps(), within(0.005 + r.algGBps() * 1e-3));
        }
    }

    @Test
    void skipsRowsOfSizeZeroAndRowsBelowPrintResolution() throws Exception {
        // all_gather: 8..64 B print as size 0; the 128 B row prints 0.01 GB/s and is kept
        assertThat(NcclTestsLog.read(fixture(ALL_GATHER), null).get(0).sizeBytes()).isEqualTo(128);
        // reduce_scatter in bfloat16: 8..32 B print as size 0, 64 B prints 0.00 GB/s
        assertThat(NcclTestsLog.read(fixture(REDUCE_SCATTER), null).get(0).sizeBytes()).isEqualTo(128);
        // sendrecv: 8..32 B print 0.00 GB/s
        assertThat(NcclTestsLog.read(fixture(SEND_RECV), null).get(0)).satisfies(r -> {
            assertThat(r.sizeBytes()).isEqualTo(64);
            assertThat(r.algGBps()).isEqualTo(0.01);
        });
    }

    @Test
    void theTestStartingLineTellsTheOpWhateverTheFileIsCalled() throws Exception {
        assertThat(NcclTestsLog.parse("logs/run-17.txt", text(ALL_REDUCE), null))
                .extracting(CollectiveMeasurement::op).containsOnly(Collective.ALL_REDUCE);
        // the log's own line wins over a misleading file name
        assertThat(NcclTestsLog.parse("logs/alltoall.log", text(REDUCE_SCATTER), null))
                .extracting(CollectiveMeasurement::op).containsOnly(Collective.REDUCE_SCATTER);
        // a binary built with MPI and a suffix still counts
        String mpi = text(ALL_REDUCE).replace("starting: all_reduce_perf", "starting: all_reduce_perf_mpi");
        assertThat(NcclTestsLog.parse("run.log", mpi, null)).extracting(CollectiveMeasurement::op)
                .containsOnly(Collective.ALL_REDUCE);
    }

    @Test
    void theFileNameTellsTheOpWhenTheLogDoesNot() throws Exception {
        String allGather = text(ALL_GATHER);
        assertThat(allGather).doesNotContain("Collective test starting").doesNotContain("all_gather_perf");
        for (String name : List.of("/data/nccl/all_gather_perf-8xh100.log", "AllGather.log", "h100\\all-gather.txt",
                "ag_allgather_8.out")) {
            assertThat(NcclTestsLog.parse(name, allGather, null)).as(name).extracting(CollectiveMeasurement::op)
                    .containsOnly(Collective.ALL_GATHER);
        }
        String reduceScatter = text(REDUCE_SCATTER).lines().filter(l -> !l.contains("Collective test"))
                .collect(Collectors.joining("\n"));
        assertThat(NcclTestsLog.parse("reduce-scatter-bf16.log", reduceScatter, null))
                .extracting(CollectiveMeasurement::op).containsOnly(Collective.REDUCE_SCATTER);
        assertThat(NcclTestsLog.parse("alltoall_perf-16xh100-2nodes.log", text(ALL_TO_ALL), null))
                .extracting(CollectiveMeasurement::op).containsOnly(Collective.ALL_TO_ALL);
        // alltoallv_perf is another test, not alltoall_perf
        assertThat(failure("alltoallv_perf.log", text(ALL_TO_ALL), null).problems())
                .containsExactly("alltoallv_perf.log: cannot tell which collective this log measures (name the file "
                        + "after the binary, e.g. all_reduce_perf.log, or pass the op)");
    }

    @Test
    void anEchoedCommandLineTellsTheOp() throws Exception {
        String echoed = "+ mpirun -np 1 ./build/sendrecv_perf -b 8 -e 1G -f 2 -g 2\n" + text(SEND_RECV);
        assertThat(NcclTestsLog.parse("run.log", echoed, null)).extracting(CollectiveMeasurement::op)
                .containsOnly(Collective.SEND_RECV);
    }

    @Test
    void anExplicitOpOverridesTheLogAndTheFileName() throws Exception {
        List<CollectiveMeasurement> rows = NcclTestsLog.parse(ALL_REDUCE, text(ALL_REDUCE), Collective.ALL_GATHER);
        assertThat(rows).hasSize(14).extracting(CollectiveMeasurement::op).containsOnly(Collective.ALL_GATHER);
        assertThat(NcclTestsLog.parse("run7.log", text(SEND_RECV), Collective.SEND_RECV)).hasSize(25);
    }

    @Test
    void aLogWhoseOpCannotBeToldNamesTheFile() throws Exception {
        assertThatThrownBy(() -> NcclTestsLog.parse("logs/run7.log", text(SEND_RECV), null))
                .isInstanceOf(ProfileException.class)
                .hasMessage("logs/run7.log: cannot tell which collective this log measures (name the file after the "
                        + "binary, e.g. all_reduce_perf.log, or pass the op)");
        String broadcast = text(ALL_REDUCE).replace("starting: all_reduce_perf", "starting: broadcast_perf");
        assertThat(failure(ALL_REDUCE, broadcast, null).problems()).containsExactly(ALL_REDUCE + ":2: this log is from "
                + "broadcast_perf, which measures no collective moe-sim reads (all_reduce_perf, all_gather_perf, "
                + "reduce_scatter_perf, alltoall_perf, sendrecv_perf)");
    }

    @Test
    void ranksComeFromTheRankLines() throws Exception {
        String noRanks = text(SEND_RECV).lines().filter(l -> !l.contains(" Rank ")).collect(Collectors.joining("\n"));
        assertThat(failure(SEND_RECV, noRanks, null).problems()).containsExactly(SEND_RECV + ": no '#  Rank N Group G "
                + "Pid P on HOST device D' lines (keep nccl-tests' whole output): cannot tell how many ranks ran");

        String uneven = text(ALL_TO_ALL).replace("Rank 15 Group  0 Pid 289431 on  h100-a018",
                "Rank 15 Group  0 Pid 289431 on  h100-a019");
        assertThat(failure(ALL_TO_ALL, uneven, null).problems()).containsExactly(ALL_TO_ALL + ": hosts have different "
                + "rank counts (h100-a017: 8, h100-a018: 7, h100-a019: 1); gpus_per_node must be the same on every "
                + "node");

        String twice = text(SEND_RECV).replace("#  Rank  1 Group", "#  Rank  0 Group");
        assertThat(failure(SEND_RECV, twice, null).problems()).containsExactly(SEND_RECV + ":5: rank 0 is listed twice "
                + "(first on line 4); keep one nccl-tests run per log");

        // nccl-tests before 2.13 printed no Group; before 2.4 no Pid either
        String old = text(SEND_RECV).replace("Group  0 Pid  77120 ", "");
        assertThat(NcclTestsLog.parse(SEND_RECV, old, null)).hasSize(25).allSatisfy(r -> {
            assertThat(r.ranks()).isEqualTo(2);
            assertThat(r.gpusPerNode()).isEqualTo(2);
        });
    }

    @Test
    void badRowsNameFileAndLineAndAreAllReportedAtOnce() throws Exception {
        String text = text(ALL_REDUCE);
        int oneGiB = lineOf(text, "1073741824 ");
        int twoGiB = lineOf(text, "2147483648 ");
        String broken = text.replace("3993.12", "N/A")
                .replace("  7919.80  271.15  474.52       0  7893.35  272.06  476.11       0", "  7919.80  271.15");
        assertThat(failure(ALL_REDUCE, broken, null).problems()).containsExactly(
                ALL_REDUCE + ":" + oneGiB + ": time: N/A (nccl-tests printed no out-of-place value)",
                ALL_REDUCE + ":" + twoGiB + ": expected 13 cells like the column header on line 16, got 7");
        assertThatThrownBy(() -> NcclTestsLog.parse(ALL_REDUCE, broken, null))
                .hasMessageContaining(ALL_REDUCE + ":" + oneGiB + ": time: N/A");

        String wrong = text.replace("  3993.12  268.90  470.57       0", "  3993.12  268.90  470.57      12");
        assertThat(failure(ALL_REDUCE, wrong, null).problems()).containsExactly(ALL_REDUCE + ":" + oneGiB
                + ": #wrong: nccl-tests found 12 wrong elements; a run that fails validation is not a measurement");

        String garbled = text.replace("268.90", "26B.90");
        assertThat(failure(ALL_REDUCE, garbled, null).problems())
                .containsExactly(ALL_REDUCE + ":" + oneGiB + ": algbw: expected a non-negative number, got \"26B.90\"");
    }

    @Test
    void emptyAndForeignTextAreRefused() {
        assertThat(failure("x.log", "", null).problems())
                .containsExactly("x.log: empty log (expected the output of an nccl-tests binary)");
        assertThat(failure("x.log", " \n\n", Collective.ALL_REDUCE).problems()).hasSize(1);
        assertThat(failure("all_reduce_perf.log", "# nothing here\nhello\n", null).problems()).containsExactly(
                "all_reduce_perf.log: no '#  Rank N Group G Pid P on HOST device D' lines (keep nccl-tests' whole "
                        + "output): cannot tell how many ranks ran",
                "all_reduce_perf.log: no column header ('#  size  count  type  …  time  algbw  busbw …'); is this "
                        + "nccl-tests output?");
    }

    @Test
    void aHeaderWithoutRowsOrInCpuTimeIsRefused() throws Exception {
        String text = text(SEND_RECV);
        String cut = text.lines().limit(lineOf(text, "8 ") - 1).collect(Collectors.joining("\n"));
        assertThat(failure(SEND_RECV, cut, null).problems())
                .containsExactly(SEND_RECV + ": no data rows after the column header on line 8 (did the run finish?)");
        String cpu = text.replace("   time   algbw", "cputime   algbw");
        assertThat(failure(SEND_RECV, cpu, null).problems()).containsExactly(SEND_RECV + ":8: the log reports CPU "
                + "time (nccl-tests -C 1); time_us must be the GPU-synchronised time, so run the test without -C");
        String tiny = text.lines().filter(l -> !l.matches(" +\\d+ .*") || l.contains(" 0.00 "))
                .collect(Collectors.joining("\n"));
        assertThat(failure(SEND_RECV, tiny, null).problems()).containsExactly(SEND_RECV + ": every row has size 0 or a "
                + "bandwidth of 0.00 GB/s (below nccl-tests' print resolution); measure larger sizes");
    }

    @Test
    void readsTheEmptyRedopCellOfNcclTests213() throws Exception {
        // nccl-tests 2.13.0 printed "" (six blanks) in the redop column of all_gather_perf and alltoall_perf
        String text = text(ALL_GATHER);
        String blank = text.lines().map(l -> l.startsWith("#") ? l : l.replace("    none", "        "))
                .collect(Collectors.joining("\n"));
        assertThat(blank).doesNotContain(" none ");
        assertThat(NcclTestsLog.parse(ALL_GATHER, blank, null)).isEqualTo(NcclTestsLog.parse(ALL_GATHER, text, null));
    }

    @Test
    void readsTheColumnsOfOlderVersions() throws Exception {
        // before 2.13, all_gather_perf had no redop/root columns and called #wrong "error"
        String old = """
                # nThread 1 nGpus 8 minBytes 1048576 maxBytes 4194304 step: 2(factor) warmup iters: 5 iters: 20 validation: 1
                #
                # Using devices
                #   Rank  0 Pid   4711 on   node-a device  0 [0x18] NVIDIA H100 80GB HBM3
                #   Rank  1 Pid   4711 on   node-a device  1 [0x2a] NVIDIA H100 80GB HBM3
                #
                #                                             out-of-place                       in-place
                #       size         count    type     time   algbw   busbw  error     time   algbw   busbw  error
                #        (B)    (elements)             (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)
                     1048576        131072   float    20.00   52.43   26.21  0e+00    20.00   52.43   26.21  0e+00
                     2097152        262144   float    30.00   69.91   34.95  0e+00    30.00   69.91   34.95  0e+00
                # Out of bounds values : 0 OK
                # Avg bus bandwidth    : 30.58
                """;
        assertThat(NcclTestsLog.parse("all_gather_perf.log", old, null)).containsExactly(
                new CollectiveMeasurement(Collective.ALL_GATHER, 2, 2, 1048576, "float", 20.00, 52.43, 26.21),
                new CollectiveMeasurement(Collective.ALL_GATHER, 2, 2, 2097152, "float", 30.00, 69.91, 34.95));
    }

    @Test
    void readNamesTheFileItCannotRead(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("all_reduce_perf.log");
        assertThatThrownBy(() -> NcclTestsLog.read(missing, null)).isInstanceOf(ProfileException.class)
                .hasMessage(missing + ": not found");
        Path latin1 = dir.resolve("sendrecv_perf.log");
        Files.write(latin1, new byte[] {'#', ' ', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> NcclTestsLog.read(latin1, null)).hasMessage(latin1 + ": not UTF-8 text");
        assertThatThrownBy(() -> NcclTestsLog.read(dir, null)).hasMessageStartingWith(dir + ": cannot read: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {ALL_REDUCE, ALL_GATHER, REDUCE_SCATTER, ALL_TO_ALL, SEND_RECV})
    void roundTripsThroughTheCollectivesTable(String name) throws Exception {
        List<CollectiveMeasurement> rows = NcclTestsLog.read(fixture(name), null);
        String csv = CsvTables.format(CollectiveMeasurement.FORMAT, rows, List.of());
        assertThat(CsvTables.parse("collectives.csv", csv, CollectiveMeasurement.FORMAT)).isEqualTo(rows);
    }
}
