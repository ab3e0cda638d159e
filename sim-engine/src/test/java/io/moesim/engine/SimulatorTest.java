package io.moesim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tiny graphs whose timings are worked out by hand (nanoseconds, exact). */
class SimulatorTest {
    /** {@code gpus} GPUs, {@code perNode} per node, 100 SMs, NVLink 100 B/ns, NIC 10 B/ns. */
    private static Topology topo(int gpus, int perNode) {
        return new Topology(gpus, perNode, 100, 100, 10, 1);
    }

    @Test
    void oneTransferBetweenTwoGpus() {
        TaskGraph.Builder b = TaskGraph.builder(topo(2, 2));
        int t = b.transfer(0, 1, 1, 1, 1_000_000, "send", Category.PP_COMM, 5_000, 0);
        SimulationResult r = Simulator.run(b.build());
        // 5 us latency + 1e6 B / 100 B/ns
        assertThat(r.endNs(t)).isEqualTo(15_000);
        assertThat(r.makespanNs()).isEqualTo(15_000);
        assertThat(r.spans()).extracting(Span::gpu, Span::stream, Span::startNs, Span::endNs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 1, 0L, 15_000L),
                        org.assertj.core.groups.Tuple.tuple(1, 1, 0L, 15_000L));
        assertThat(r.bytesSent(0)).isEqualTo(1_000_000);
        assertThat(r.bytesReceived(1)).isEqualTo(1_000_000);
        assertThat(r.exposedCommunicationNs(0)).isEqualTo(15_000);
    }

    @Test
    void crossNodeTransferUsesTheNic() {
        TaskGraph.Builder b = TaskGraph.builder(topo(2, 1));
        int t = b.transfer(0, 1, 1, 1, 1_000_000, "send", Category.PP_COMM, 0, 0);
        SimulationResult r = Simulator.run(b.build());
        assertThat(r.endNs(t)).isEqualTo(100_000);
        assertThat(r.linkBytes(r.graph().topology().port(0, Topology.NIC_OUT))).isEqualTo(1_000_000);
        assertThat(r.linkUtilisation(r.graph().topology().port(0, Topology.NIC_OUT))).isEqualTo(1.0);
    }

    @Test
    void ringAllReduceOnFourGpus() {
        // 2(n-1) = 6 steps; in each, every GPU sends S/n = 1 MB to the next: 1 us + 1e6/100 = 11 us.
        TaskGraph.Builder b = TaskGraph.builder(topo(4, 4));
        int previous = -1;
        for (int step = 0; step < 6; step++) {
            TaskGraph.Communication c = b.communication("ring step " + step, Category.DP_COMM).latencyNs(1_000);
            for (int g = 0; g < 4; g++) {
                c.participant(g, 1).flow(g, (g + 1) % 4, 1_000_000);
            }
            previous = previous < 0 ? c.add() : c.add(previous);
        }
        SimulationResult r = Simulator.run(b.build());
        assertThat(r.makespanNs()).isEqualTo(66_000);
        for (int g = 0; g < 4; g++) {
            assertThat(r.bytesSent(g)).isEqualTo(6_000_000);
            assertThat(r.bytesReceived(g)).isEqualTo(6_000_000);
            assertThat(r.streamBusyNs(g, 1)).isEqualTo(66_000);
        }
    }

    @Test
    void twoTransfersShareOneLinkFairly() {
        TaskGraph.Builder b = TaskGraph.builder(topo(3, 3));
        int small = b.transfer(0, 1, 1, 1, 1_000_000, "a", Category.EP_COMM, 0, 0);
        int large = b.transfer(0, 2, 2, 2, 3_000_000, "b", Category.DP_COMM, 0, 0);
        SimulationResult r = Simulator.run(b.build());
        // Both share GPU 0's NVLink out port at 50 B/ns until the small one ends at 20 us; then the
        // large one has 2 MB left at 100 B/ns: 20 us more.
        assertThat(r.endNs(small)).isEqualTo(20_000);
        assertThat(r.endNs(large)).isEqualTo(40_000);
    }

    /**
     * Why "doubling a link never increases makespan" cannot hold together with max-min fair sharing: a
     * faster link lets a non-critical flow start sooner and take half of a link from the critical one.
     * Three GPUs on three nodes, NICs 10 B/ns (GPU 0's downlink 20). X: GPU 0 to 2, 1000 B, then 1000 ns of
     * compute on GPU 2. Z: GPU 1 to 0, 1000 B; then Y: GPU 1 to 2, 1000 B. At base, Z and X both end at
     * 100 ns and Y never meets X: makespan 100 + 1000. With GPU 1's uplink doubled, Z ends at 50, Y shares
     * GPU 2's downlink with X from 50 (5 B/ns each), X's last 500 B end at 150: makespan 1150. A real NIC
     * does the same; {@code SimulatorInvariantsTest} bounds how often and how much this happens.
     */
    @Test
    void aFasterLinkCanDelayTheCriticalFlowUnderFairSharing() {
        Topology base = topo(3, 1).withLinkScaled(topo(3, 1).port(0, Topology.NIC_IN), 2);
        long[] makespan = new long[2];
        long[] xEnd = new long[2];
        for (int v = 0; v < 2; v++) {
            Topology t = v == 0 ? base : base.withLinkScaled(base.port(1, Topology.NIC_OUT), 2);
            TaskGraph.Builder b = TaskGraph.builder(t);
            int x = b.transfer(0, 1, 2, 1, 1_000, "X", Category.EP_COMM, 0, 0);
            b.compute(2, 0, "after X", Category.GEMM, 1_000, 0, x);
            int z = b.transfer(1, 1, 0, 2, 1_000, "Z", Category.EP_COMM, 0, 0);
            b.transfer(1, 1, 2, 2, 1_000, "Y", Category.EP_COMM, 0, 0, z);
            SimulationResult r = Simulator.run(b.build());
            makespan[v] = r.makespanNs();
            xEnd[v] = r.endNs(x);
        }
        assertThat(xEnd).containsExactly(100, 150);
        assertThat(makespan).containsExactly(1_100, 1_150);
    }

    @Test
    void computeSlowsWhileACommunicationKernelHoldsSms() {
        TaskGraph.Builder b = TaskGraph.builder(topo(1, 1));
        int gemm = b.compute(0, 0, "gemm", Category.GEMM, 20_000, 1e9);
        int comm = b.communication("dispatch", Category.EP_COMM).participant(0, 1).smsHeld(20).latencyNs(10_000).add();
        SimulationResult r = Simulator.run(b.build());
        // 0-10 us at 80/100 SMs: 8 us of work; 12 us left at full speed.
        assertThat(r.endNs(comm)).isEqualTo(10_000);
        assertThat(r.endNs(gemm)).isEqualTo(22_000);
        assertThat(r.computeBusyNs(0)).isEqualTo(22_000);
        assertThat(r.overlapRatio(0)).isEqualTo(1.0);
        assertThat(r.exposedCommunicationNs(0)).isZero();
    }

    @Test
    void streamsRunInOrderAndDependenciesHold() {
        TaskGraph.Builder b = TaskGraph.builder(topo(2, 2));
        int a = b.compute(0, 0, "a", Category.GEMM, 1_000, 0);
        int c = b.compute(0, 0, "b", Category.GEMM, 1_000, 0);
        int send = b.transfer(0, 1, 1, 1, 100_000, "send", Category.PP_COMM, 0, 0, a);
        int d = b.compute(1, 0, "d", Category.GEMM, 500, 0, send);
        SimulationResult r = Simulator.run(b.build());
        assertThat(r.endNs(c)).isEqualTo(2_000);
        assertThat(r.startNs(send)).isEqualTo(1_000);
        assertThat(r.endNs(send)).isEqualTo(2_000);
        assertThat(r.startNs(d)).isEqualTo(2_000);
        assertThat(r.makespanNs()).isEqualTo(2_500);
        assertThat(r.overlapRatio(0)).isEqualTo(1.0);
    }

    @Test
    void rateCapAndZeroWorkTasks() {
        TaskGraph.Builder b = TaskGraph.builder(topo(2, 2));
        int z = b.compute(0, 0, "nothing", Category.MEMORY, 0, 0);
        int capped = b.communication("slow", Category.OTHER_COMM).participant(0, 1).participant(1, 1)
                .flow(0, 1, 1_000_000).capBytesPerNs(25).add(z);
        SimulationResult r = Simulator.run(b.build());
        assertThat(r.endNs(z)).isZero();
        assertThat(r.endNs(capped)).isEqualTo(40_000);
    }

    @Test
    void listenerSeesProgressAndCanCancel() {
        TaskGraph.Builder b = TaskGraph.builder(topo(1, 1));
        for (int i = 0; i < 10_000; i++) {
            b.compute(0, 0, "k" + i, Category.GEMM, 10, 0);
        }
        TaskGraph g = b.build();
        int[] calls = new int[1];
        Simulator.run(g, new SimulationListener() {
            @Override
            public void progress(int doneTasks, int total, long t) {
                calls[0]++;
                assertThat(doneTasks).isBetween(0, total);
            }
        });
        assertThat(calls[0]).isBetween(2, 10);
        assertThatThrownBy(() -> Simulator.run(g, new SimulationListener() {
            @Override
            public boolean cancelled() {
                return true;
            }
        })).isInstanceOf(SimulationCancelledException.class);
    }

    @Test
    void builderRejectsBadTasks() {
        TaskGraph.Builder b = TaskGraph.builder(topo(2, 2));
        assertThatThrownBy(() -> b.compute(2, 0, "x", Category.GEMM, 1, 0)).hasMessageContaining("gpu 2 out of range");
        assertThatThrownBy(() -> b.compute(0, 0, "x", Category.GEMM, 1, 0, 0)).hasMessageContaining("not an earlier task");
        assertThatThrownBy(() -> b.compute(0, 0, "x", Category.EP_COMM, 1, 0)).hasMessageContaining("non-compute category");
        assertThatThrownBy(() -> b.communication("c", Category.EP_COMM).add()).hasMessageContaining("no participants");
        assertThatThrownBy(() -> b.communication("c", Category.EP_COMM).smsHeld(100)).hasMessageContaining("smsHeld must be 0..99");
        assertThat(List.of(Category.values())).filteredOn(Category::isCommunication).hasSize(6);
    }

    /**
     * Host launches: kernel k1 (10 us) waits for its 42 us launch, k2 for the second launch (ends at 84 us) and
     * k1, so ends at 94 us; a synchronising host task waits for k2 and takes 5 us (99 us). Host time is neither
     * compute nor communication, and SMs held by a concurrent communication kernel do not stretch it.
     */
    @Test
    void hostTasksLaunchKernelsInOrderAndAreNeitherComputeNorCommunication() {
        TaskGraph.Builder b = TaskGraph.builder(new Topology(2, 2, 100, 1.0, 1.0, 1));
        b.communication("held", Category.EP_COMM).participant(0, 1).latencyNs(200_000).smsHeld(50).add();
        int l1 = b.host(0, 9, "launch k1", 42_000);
        int k1 = b.compute(0, 0, "k1", Category.GEMM, 10_000, 0, l1);
        int l2 = b.host(0, 9, "launch k2", 42_000);
        int k2 = b.compute(0, 0, "k2", Category.GEMM, 10_000, 0, k1, l2);
        int sync = b.host(0, 9, "sync", 5_000, k2);
        SimulationResult r = Simulator.run(b.build(), SimulationListener.NONE);
        assertThat(r.endNs(l1)).isEqualTo(42_000);
        assertThat(r.endNs(l2)).isEqualTo(84_000);
        // k1 runs while 50 of 100 SMs are held: 10 us of work takes 20 us; k2 likewise.
        assertThat(r.endNs(k1)).isEqualTo(62_000);
        assertThat(r.startNs(k2)).isEqualTo(84_000);
        assertThat(r.endNs(k2)).isEqualTo(104_000);
        assertThat(r.startNs(sync)).isEqualTo(104_000);
        assertThat(r.endNs(sync)).isEqualTo(109_000);
        assertThat(r.computeBusyNs(0)).isEqualTo(40_000);
        assertThat(r.communicationBusyNs(0)).isEqualTo(200_000);
        assertThatThrownBy(() -> b.host(0, 9, "x", -1)).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> TaskGraph.builder(new Topology(1, 1, 100, 1.0, 1.0, 1)).compute(0, 0, "x", Category.HOST, 1, 0))
                .hasMessageContaining("non-compute category HOST");
    }
}
