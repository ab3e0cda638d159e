package io.moesim.workload;

import io.moesim.cost.CostModel;
import io.moesim.cost.FabricRates;
import io.moesim.engine.Category;
import io.moesim.engine.SimulationListener;
import io.moesim.engine.SimulationResult;
import io.moesim.engine.Simulator;
import io.moesim.engine.TaskGraph;
import io.moesim.engine.Topology;
import io.moesim.scenario.DataType;
import io.moesim.scenario.DispatchSpec;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.Workload;

/**
 * The {@code dispatch} workload: one expert-parallel dispatch and combine as DeepEP's normal kernels
 * do them (deepseek-ai/DeepEP; DeepSeek-V3 report §3.2.2).
 *
 * <h2>Traffic</h2>
 * Routing is drawn per token ({@link Routing}). Within one node a token goes over NVLink straight to
 * every distinct GPU that hosts one of its experts. Across nodes it crosses the network once per
 * target node, to the GPU with the same local index there (rail-aligned RDMA), which forwards it over
 * NVLink to the node's target GPUs; for the sender's own node the sender forwards itself. The combine
 * sends the reduced results back the same way. FP8 tokens carry one FP32 scale per 128 elements.
 *
 * <h2>Timing</h2>
 * Dispatch and combine are each one communication task over all ranks: every link carries its bytes,
 * concurrently (the kernels pipeline RDMA and NVLink in chunks), sharing links max-min fairly. The
 * kernels hold {@code commSms} SMs, and SM warps touch every byte that a GPU sends (RDMA send buffer,
 * NVLink stores) and every byte it receives over NVLink (copy out of the receive buffer), so a GPU's
 * SMs cap the task at {@code commSms · commBytesPerNsPerSm} for those bytes. Start-up latency is the
 * fabric's intra- or inter-node kernel latency.
 *
 * <h2>Reported bandwidth</h2>
 * As DeepEP's {@code tests/test_intranode.py} and {@code test_internode.py} count it: within a node
 * the bytes of the tokens a rank receives (its own included); across nodes the bytes of the distinct
 * (token, target node) pairs a rank sends, its own node included (a "logical" RDMA bandwidth).
 */
public final class DispatchWorkload {
    private DispatchWorkload() {
    }

    /** Bytes of one token of {@code hidden} elements: FP8 adds one 4-byte scale per 128 elements. */
    static long tokenBytes(int hidden, DataType type) {
        long bytes = (long) hidden * type.bytesPerElement();
        return type == DataType.FP8 ? bytes + 4L * ((hidden + 127) / 128) : bytes;
    }

    /**
     * Simulates the scenario's dispatch and combine. {@code cost} must already reflect the scenario's link
     * overrides ({@code cluster.nvlinkGBps}, {@code nicGBps}); oversubscription is applied here.
     */
    public static DispatchResult run(Scenario scenario, CostModel cost, SimulationListener listener) {
        if (scenario.workload() != Workload.DISPATCH || scenario.dispatch() == null) {
            throw new IllegalArgumentException("scenario '" + scenario.name() + "' is not a dispatch workload");
        }
        DispatchSpec d = scenario.dispatch();
        int ranks = scenario.parallel().ep();
        int perNode = Math.min(ranks, scenario.cluster().gpusPerNode());
        int nodes = ranks / perNode;
        int expertsPerRank = d.experts() / ranks;
        FabricRates fabric = cost.fabric();
        Topology topo = new Topology(ranks, perNode, cost.smCount(), fabric.nvlinkBytesPerNs(), fabric.nicBytesPerNs(),
                scenario.cluster().oversubscription() == null ? 1 : scenario.cluster().oversubscription());
        int[][] experts = Routing.sample(scenario.moe().routing(), ranks, d.tokensPerRank(), d.experts(), d.topK(),
                perNode, d.maxNodesPerToken());

        // Count, per ordered pair of GPUs, the tokens each must send, and DeepEP's logical token count per rank.
        long[][] nvlinkTokens = new long[ranks][perNode];   // [src][local index of dst in src's node]
        long[][] rdmaTokens = new long[ranks][nodes];       // [src][target node], remote only
        long[] logical = new long[ranks];
        long[] received = new long[ranks];
        boolean[] gpuHit = new boolean[ranks];
        boolean[] nodeHit = new boolean[nodes];
        int[] hitGpus = new int[d.topK()];
        for (int r = 0; r < ranks; r++) {
            int myNode = r / perNode;
            int local = r % perNode;
            for (int t = 0; t < d.tokensPerRank(); t++) {
                int hits = 0;
                for (int j = 0; j < d.topK(); j++) {
                    int g = experts[r][t * d.topK() + j] / expertsPerRank;
                    if (!gpuHit[g]) {
                        gpuHit[g] = true;
                        hitGpus[hits++] = g;
                    }
                }
                for (int i = 0; i < hits; i++) {
                    int g = hitGpus[i];
                    int node = g / perNode;
                    received[g]++;
                    if (!nodeHit[node]) {
                        nodeHit[node] = true;
                        logical[r]++;
                        if (node != myNode) {
                            rdmaTokens[r][node]++;
                        }
                    }
                    int forwarder = node == myNode ? r : node * perNode + local;
                    if (g != forwarder) {
                        nvlinkTokens[forwarder][g % perNode]++;
                    }
                }
                for (int i = 0; i < hits; i++) {
                    gpuHit[hitGpus[i]] = false;
                    nodeHit[hitGpus[i] / perNode] = false;
                }
            }
        }

        long dispatchBytes = tokenBytes(d.hidden(), d.dispatchDtype());
        long combineBytes = tokenBytes(d.hidden(), d.combineDtype());
        long latency = nodes > 1 ? fabric.interNodeLatencyNs() : fabric.intraNodeLatencyNs();
        TaskGraph.Builder b = TaskGraph.builder(topo);
        int dispatch = addPhase(b, "dispatch", nvlinkTokens, rdmaTokens, dispatchBytes, false, perNode, latency,
                d.commSms(), fabric);
        int combine = addPhase(b, "combine", nvlinkTokens, rdmaTokens, combineBytes, true, perNode, latency,
                d.commSms(), fabric, dispatch);
        SimulationResult sim = Simulator.run(b.build(), listener);

        long dispatchNs = sim.endNs(dispatch) - sim.startNs(dispatch);
        long combineNs = sim.endNs(combine) - sim.startNs(combine);
        double meanLogical = 0;
        double maxReceived = 0;
        double meanReceived = 0;
        for (int r = 0; r < ranks; r++) {
            meanLogical += (nodes > 1 ? logical[r] : received[r]) / (double) ranks;
            meanReceived += received[r] / (double) ranks;
            maxReceived = Math.max(maxReceived, received[r]);
        }
        String bottleneck = bottleneck(topo, nvlinkTokens, rdmaTokens, dispatchBytes, perNode, d.commSms(), fabric);
        return new DispatchResult(dispatchNs / 1e3, combineNs / 1e3, meanLogical * dispatchBytes / dispatchNs,
                meanLogical * combineBytes / combineNs, bottleneck, maxReceived / meanReceived, sim);
    }

    /**
     * Adds one phase as a communication task. Dispatch: RDMA src → rail peer, then NVLink forwarder →
     * target; combine: the reverse directions.
     */
    private static int addPhase(TaskGraph.Builder b, String name, long[][] nvlinkTokens, long[][] rdmaTokens,
                                long bytesPerToken, boolean reverse, int perNode, long latencyNs, int sms,
                                FabricRates fabric, int... deps) {
        int ranks = nvlinkTokens.length;
        TaskGraph.Communication c = b.communication(name, Category.EP_COMM).latencyNs(latencyNs).smsHeld(sms);
        double[] smBytes = new double[ranks];
        long total = 0;
        for (int r = 0; r < ranks; r++) {
            c.participant(r, TaskGraph.COMM_STREAM);
        }
        for (int r = 0; r < ranks; r++) {
            int local = r % perNode;
            for (int node = 0; node < rdmaTokens[r].length; node++) {
                long tokens = rdmaTokens[r][node];
                if (tokens == 0) {
                    continue;
                }
                int peer = node * perNode + local;
                long bytes = tokens * bytesPerToken;
                c.flow(reverse ? peer : r, reverse ? r : peer, bytes);
                smBytes[reverse ? peer : r] += bytes;
                total += bytes;
            }
            int nodeBase = r / perNode * perNode;
            for (int i = 0; i < perNode; i++) {
                long tokens = nvlinkTokens[r][i];
                if (tokens == 0) {
                    continue;
                }
                int target = nodeBase + i;
                long bytes = tokens * bytesPerToken;
                int src = reverse ? target : r;
                int dst = reverse ? r : target;
                c.flow(src, dst, bytes);
                smBytes[src] += bytes;
                smBytes[dst] += bytes;
                total += bytes;
            }
        }
        double maxLoad = 0;
        Topology topo = b.topology();
        double[] linkLoad = new double[topo.linkCount()];
        accumulateLoads(topo, nvlinkTokens, rdmaTokens, bytesPerToken, perNode, linkLoad);
        for (double l : linkLoad) {
            maxLoad = Math.max(maxLoad, l);
        }
        double maxSm = 0;
        for (double s : smBytes) {
            maxSm = Math.max(maxSm, s);
        }
        if (maxSm > 0 && maxLoad > 0) {
            c.capBytesPerNs(sms * fabric.commBytesPerNsPerSm() * maxLoad / maxSm);
        }
        return c.bytes(total).add(deps);
    }

    /** Link loads of one phase (direction does not change the maximum: the traffic matrix is mirrored). */
    private static void accumulateLoads(Topology topo, long[][] nvlinkTokens, long[][] rdmaTokens, long bytesPerToken,
                                        int perNode, double[] linkLoad) {
        int ranks = nvlinkTokens.length;
        for (int r = 0; r < ranks; r++) {
            for (int node = 0; node < rdmaTokens[r].length; node++) {
                if (rdmaTokens[r][node] > 0) {
                    for (int l : topo.path(r, node * perNode + r % perNode)) {
                        linkLoad[l] += rdmaTokens[r][node] * (double) bytesPerToken;
                    }
                }
            }
            for (int i = 0; i < perNode; i++) {
                if (nvlinkTokens[r][i] > 0) {
                    for (int l : topo.path(r, r / perNode * perNode + i)) {
                        linkLoad[l] += nvlinkTokens[r][i] * (double) bytesPerToken;
                    }
                }
            }
        }
    }

    /** Which resource sets the dispatch time: the largest of link time and SM time over all GPUs. */
    private static String bottleneck(Topology topo, long[][] nvlinkTokens, long[][] rdmaTokens, long bytesPerToken,
                                     int perNode, int sms, FabricRates fabric) {
        double[] linkLoad = new double[topo.linkCount()];
        accumulateLoads(topo, nvlinkTokens, rdmaTokens, bytesPerToken, perNode, linkLoad);
        double nvTime = 0;
        double nicTime = 0;
        for (int l = 0; l < linkLoad.length; l++) {
            double t = linkLoad[l] / topo.capacity(l);
            if (l % 4 == Topology.NVLINK_OUT || l % 4 == Topology.NVLINK_IN) {
                nvTime = Math.max(nvTime, t);
            } else {
                nicTime = Math.max(nicTime, t);
            }
        }
        double smTime = 0;
        int ranks = nvlinkTokens.length;
        double[] smBytes = new double[ranks];
        for (int r = 0; r < ranks; r++) {
            for (int node = 0; node < rdmaTokens[r].length; node++) {
                smBytes[r] += rdmaTokens[r][node] * (double) bytesPerToken;
            }
            for (int i = 0; i < perNode; i++) {
                double bytes = nvlinkTokens[r][i] * (double) bytesPerToken;
                smBytes[r] += bytes;
                smBytes[r / perNode * perNode + i] += bytes;
            }
        }
        for (double s : smBytes) {
            smTime = Math.max(smTime, s / (sms * fabric.commBytesPerNsPerSm()));
        }
        if (smTime >= nvTime && smTime >= nicTime) {
            return "sms";
        }
        return nvTime >= nicTime ? "nvlink" : "rdma";
    }
}
