package io.moesim.profiles.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.cost.Collective;
import io.moesim.profiles.ProfileException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NcclTestsLogTest {
    private static String fixture(String name) throws Exception {
        try (InputStream in = NcclTestsLogTest.class.getResourceAsStream("/nccl-tests/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<CollectiveMeasurement> parse(String name) throws Exception {
        return NcclTestsLog.parse("logs/" + name, fixture(name), null);
    }

    @Test
    void allReduceOnOneNode() throws Exception {
        List<CollectiveMeasurement> rows = parse("all_reduce_perf-8xh100.log");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.op()).isEqualTo(Collective.ALL_REDUCE);
            assertThat(r.ranks()).isEqualTo(8);
            assertThat(r.gpusPerNode()).isEqualTo(8);
            assertThat(r.dtype()).isEqualTo("float");
        });
        // The 8 B and 32 B rows print 0.00 GB/s and are skipped.
        assertThat(rows).hasSize(14);
        CollectiveMeasurement big = rows.get(rows.size() - 1);
        assertThat(big.sizeBytes()).isEqualTo(8L << 30);
        assertThat(big.timeUs()).isEqualTo(31834.6);
        assertThat(big.algGBps()).isEqualTo(269.83);
        assertThat(big.busGBps()).isEqualTo(472.20);
    }

    @Test
    void busBandwidthFollowsNcclTestsFactorsOnEveryRow() throws Exception {
        for (String name : List.of("all_reduce_perf-8xh100.log", "all_gather_perf-8xh100.log",
                "alltoall_perf-16xh100-2nodes.log", "sendrecv-2xa100.log")) {
            for (CollectiveMeasurement r : parse(name)) {
                assertThat(r.busGBps()).as(name + " " + r.sizeBytes())
                        .isCloseTo(r.algGBps() * r.op().busFactor(r.ranks()), org.assertj.core.data.Offset.offset(0.016)); // both printed to 0.01
                assertThat(r.sizeBytes() / (r.timeUs() * 1e3)).isCloseTo(r.algGBps(), org.assertj.core.data.Offset.offset(0.01 + r.algGBps() * 1e-3));
            }
        }
    }

    @Test
    void opFromTheLogOrTheFileNameAndRanksPerHost() throws Exception {
        List<CollectiveMeasurement> a2a = parse("alltoall_perf-16xh100-2nodes.log");
        assertThat(a2a).first().satisfies(r -> {
            assertThat(r.op()).isEqualTo(Collective.ALL_TO_ALL);
            assertThat(r.ranks()).isEqualTo(16);
            assertThat(r.gpusPerNode()).isEqualTo(8);
        });
        assertThat(parse("all_gather_perf-8xh100.log")).first().extracting(CollectiveMeasurement::op).isEqualTo(Collective.ALL_GATHER);
        assertThat(parse("sendrecv-2xa100.log")).first().satisfies(r -> {
            assertThat(r.op()).isEqualTo(Collective.SEND_RECV);
            assertThat(r.ranks()).isEqualTo(2);
        });
        // An explicit op wins, whatever the name says.
        assertThat(NcclTestsLog.parse("x.log", fixture("sendrecv-2xa100.log"), Collective.ALL_REDUCE))
                .first().extracting(CollectiveMeasurement::op).isEqualTo(Collective.ALL_REDUCE);
    }

    @Test
    void badLogsNameFileAndLine() throws Exception {
        String text = fixture("sendrecv-2xa100.log");
        assertThatThrownBy(() -> NcclTestsLog.parse("run7.log", text, null))
                .hasMessage("run7.log: cannot tell which collective this log measures (name the file after the binary, "
                        + "e.g. all_reduce_perf.log, or pass the op)");
        String noRanks = text.lines().filter(l -> !l.contains(" Rank ")).reduce("", (x, y) -> x + y + "\n");
        assertThatThrownBy(() -> NcclTestsLog.parse("sendrecv.log", noRanks, null))
                .hasMessageContaining("sendrecv.log: no '#  Rank N Group G Pid P on HOST device D' lines");
        String[] lines = text.split("\n");
        int dataLine = -1;
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith("#") && lines[i].contains("268435456")) {
                dataLine = i;
            }
        }
        lines[dataLine] = lines[dataLine].replace("1371.62", "N/A");
        String broken = String.join("\n", lines);
        int reported = dataLine + 1;
        assertThatThrownBy(() -> NcclTestsLog.parse("sendrecv.log", broken, null))
                .isInstanceOf(ProfileException.class)
                .hasMessageContaining("sendrecv.log:" + reported + ": time: expected a number, got \"N/A\"");
        assertThatThrownBy(() -> NcclTestsLog.parse("sendrecv.log", "", null)).hasMessageContaining("no '#  Rank");
        String uneven = fixture("alltoall_perf-16xh100-2nodes.log").replace("Rank 15 Group  0 Pid  43426 on     node-b",
                "Rank 15 Group  0 Pid  43426 on     node-c");
        assertThatThrownBy(() -> NcclTestsLog.parse("a2a.log", uneven, Collective.ALL_TO_ALL))
                .hasMessageContaining("hosts have different rank counts");
    }

    @Test
    void roundTripsThroughTheCollectiveTable() throws Exception {
        List<CollectiveMeasurement> rows = parse("all_reduce_perf-8xh100.log");
        String csv = CsvTables.format(CollectiveMeasurement.FORMAT, rows, List.of("imported"));
        assertThat(CsvTables.parse("collectives.csv", csv, CollectiveMeasurement.FORMAT)).isEqualTo(rows);
    }
}
