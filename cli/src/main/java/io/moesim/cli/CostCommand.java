package io.moesim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.cost.AttentionShape;
import io.moesim.cost.Collective;
import io.moesim.cost.CollectiveAlgorithm;
import io.moesim.cost.CollectiveCostModel;
import io.moesim.cost.CollectiveEstimate;
import io.moesim.cost.CommGroup;
import io.moesim.cost.MemoryOp;
import io.moesim.io.Json;
import io.moesim.profiles.ProfileException;
import io.moesim.profiles.Profiles;
import io.moesim.profiles.cost.ProfileCostModel;
import io.moesim.scenario.DataType;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code moe-sim cost gemm|attention|collective|memory}: the cost model's prediction for one operation,
 * for checking against your own micro-benchmarks.
 */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = "Predicted time of one operation on one GPU or group: gemm, attention, collective, memory.",
        subcommands = {CostCommand.Gemm.class, CostCommand.Attention.class, CostCommand.CollectiveCmd.class,
                CostCommand.Memory.class})
final class CostCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every cost subcommand shares. */
    static final class Common {
        @Option(names = "--gpu", required = true, paramLabel = "ID", description = "bundled profile id or profile directory")
        String gpu;

        @Option(names = "--sms", paramLabel = "S", description = "SMs the kernel may use (default: all of the GPU's)")
        Integer sms;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        ProfileCostModel model() throws ProfileException {
            return ProfileCostModel.of(Profiles.resolve(gpu));
        }

        int sms(ProfileCostModel m) {
            if (sms == null) {
                return m.smCount();
            }
            if (sms < 1 || sms > m.smCount()) {
                throw new BadArgumentException("--sms must be 1.." + m.smCount() + " on " + m.gpuId() + ", got " + sms);
            }
            return sms;
        }

        ObjectNode header(ProfileCostModel m, String op) {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("gpu", m.gpuId());
            o.put("op", op);
            return o;
        }
    }

    static DataType dtype(String text, ProfileCostModel m) {
        DataType t;
        try {
            t = DataType.fromId(text);
        } catch (IllegalArgumentException e) {
            throw new BadArgumentException("--dtype: " + e.getMessage());
        }
        if (t == DataType.FP32 || !m.gpu().supports(t)) {
            throw new BadArgumentException("--dtype " + text + ": " + m.gpuId() + " has no " + text
                    + " tensor cores (supported: bf16, fp16" + (m.gpu().supports(DataType.FP8) ? ", fp8" : "") + ")");
        }
        return t;
    }

    static void positive(String option, long value) {
        if (value < 1) {
            throw new BadArgumentException(option + " must be positive, got " + value);
        }
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.1f" : v >= 1 ? "%.2f" : "%.3f", v);
    }

    static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = {"Predicted time of one GEMM C[m x n] = A[m x k] * B[k x n], or a grouped GEMM of",
                    "G groups with m rows each (expert GEMMs). BF16 outputs."})
    static final class Gemm implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;
        @Option(names = "--m", required = true, paramLabel = "M", description = "rows (per group)")
        long m;
        @Option(names = "--n", required = true, paramLabel = "N", description = "columns")
        long n;
        @Option(names = "--k", required = true, paramLabel = "K", description = "reduction dimension")
        long k;
        @Option(names = "--dtype", defaultValue = "bf16", paramLabel = "T", description = "bf16 | fp16 | fp8 (default: ${DEFAULT-VALUE})")
        String dtype;
        @Option(names = "--groups", defaultValue = "1", paramLabel = "G", description = "groups, each with M rows (default: ${DEFAULT-VALUE})")
        int groups;

        @Override
        public Integer call() throws ProfileException {
            positive("--m", m);
            positive("--n", n);
            positive("--k", k);
            positive("--groups", groups);
            ProfileCostModel model = common.model();
            DataType t = dtype(dtype, model);
            int sms = common.sms(model);
            long[] rows = new long[groups];
            java.util.Arrays.fill(rows, m);
            long ns = groups == 1 ? model.gemm().timeNs(m, n, k, t, sms) : model.gemm().groupedTimeNs(rows, n, k, t, sms);
            double flops = 2.0 * groups * m * n * k;
            double timeUs = ns / 1e3;
            double tflops = flops / ns / 1e3;
            // whether a measured table moved the answer (inside its range, for its data type)
            var analytical = ProfileCostModel.analytical(model.gpu()).gemm();
            boolean measured = ns != (groups == 1 ? analytical.timeNs(m, n, k, t, sms)
                    : analytical.groupedTimeNs(rows, n, k, t, sms));
            PrintWriter out = spec.commandLine().getOut();
            if (common.json) {
                ObjectNode o = common.header(model, "gemm");
                o.put("m", m).put("n", n).put("k", k).put("groups", groups).put("dtype", t.id()).put("sms", sms);
                o.put("timeUs", round3(timeUs)).put("tflops", round3(tflops));
                o.put("source", measured ? "measured table + model" : "model");
                out.print(Json.pretty(o));
            } else {
                out.println(String.format(Locale.ROOT, "%s GEMM %s%dx%dx%d on %s (%d SMs): %s us, %s TFLOPS%s",
                        t.id(), groups > 1 ? groups + " x " : "", m, n, k, model.gpuId(), sms, fmt(timeUs), fmt(tflops),
                        measured ? " (measured table + model)" : ""));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "attention", mixinStandardHelpOptions = true,
            description = "Predicted FlashAttention time for one batch of sequences (GQA or MLA head dimensions).")
    static final class Attention implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;
        @Option(names = "--seq", required = true, paramLabel = "S", description = "sequence length (queries and keys)")
        long seq;
        @Option(names = "--heads", required = true, paramLabel = "H", description = "query heads")
        int heads;
        @Option(names = "--kv-heads", paramLabel = "KH", description = "key/value heads (default: = heads)")
        Integer kvHeads;
        @Option(names = "--qk-dim", required = true, paramLabel = "D", description = "query/key head dimension (MLA: nope + rope, e.g. 192)")
        int qkDim;
        @Option(names = "--v-dim", required = true, paramLabel = "DV", description = "value head dimension")
        int vDim;
        @Option(names = "--batch", defaultValue = "1", paramLabel = "B", description = "sequences (default: ${DEFAULT-VALUE})")
        int batch;
        @Option(names = "--causal", description = "causal mask")
        boolean causal;
        @Option(names = "--backward", description = "the backward kernel instead of the forward")
        boolean backward;
        @Option(names = "--dtype", defaultValue = "bf16", paramLabel = "T", description = "bf16 | fp16 | fp8 (default: ${DEFAULT-VALUE})")
        String dtype;

        @Override
        public Integer call() throws ProfileException {
            positive("--seq", seq);
            positive("--heads", heads);
            positive("--qk-dim", qkDim);
            positive("--v-dim", vDim);
            positive("--batch", batch);
            int kv = kvHeads == null ? heads : kvHeads;
            positive("--kv-heads", kv);
            if (heads % kv != 0) {
                throw new BadArgumentException("--heads (" + heads + ") must be a multiple of --kv-heads (" + kv + ")");
            }
            ProfileCostModel model = common.model();
            DataType t = dtype(dtype, model);
            int sms = common.sms(model);
            AttentionShape shape = AttentionShape.selfAttention(batch, seq, heads, kv, qkDim, vDim, causal, t);
            long ns = backward ? model.attention().backwardNs(shape, sms) : model.attention().forwardNs(shape, sms);
            double flops = backward ? shape.backwardFlops() : shape.forwardFlops();
            double timeUs = ns / 1e3;
            double tflops = flops / ns / 1e3;
            // whether a measured table moved the answer (inside its range, for its pass, mask and data type)
            var analytical = ProfileCostModel.analytical(model.gpu()).attention();
            boolean measured = ns != (backward ? analytical.backwardNs(shape, sms) : analytical.forwardNs(shape, sms));
            PrintWriter out = spec.commandLine().getOut();
            if (common.json) {
                ObjectNode o = common.header(model, backward ? "attention-backward" : "attention-forward");
                o.put("batch", batch).put("seq", seq).put("heads", heads).put("kvHeads", kv).put("qkDim", qkDim)
                        .put("vDim", vDim).put("causal", causal).put("dtype", t.id()).put("sms", sms);
                o.put("flops", flops).put("timeUs", round3(timeUs)).put("tflops", round3(tflops));
                o.put("source", measured ? "measured table + model" : "model");
                out.print(Json.pretty(o));
            } else {
                out.println(String.format(Locale.ROOT, "attention %s, %s, batch %d, seq %d, %d heads (%d kv), qk %d, v %d, %s on %s (%d SMs): %s us, %s TFLOPS%s",
                        backward ? "backward" : "forward", causal ? "causal" : "full", batch, seq, heads, kv, qkDim,
                        vDim, t.id(), model.gpuId(), sms, fmt(timeUs), fmt(tflops), measured ? " (measured table + model)" : ""));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "collective", mixinStandardHelpOptions = true,
            description = {"Predicted collective time over a group of GPUs; bytes, algorithm and bus bandwidth",
                    "as nccl-tests defines them (allreduce: per-rank buffer; allgather: output; reducescatter: input;",
                    "alltoall: per-rank send buffer; sendrecv: message)."})
    static final class CollectiveCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;
        @Option(names = "--op", required = true, paramLabel = "OP", description = "allreduce | allgather | reducescatter | alltoall | sendrecv")
        String op;
        @Option(names = "--ranks", required = true, paramLabel = "N", description = "GPUs in the group")
        int ranks;
        @Option(names = "--gpus-per-node", defaultValue = "8", paramLabel = "G",
                description = "GPUs per node; the group fills nodes in order (default: ${DEFAULT-VALUE})")
        int gpusPerNode;
        @Option(names = "--bytes", required = true, paramLabel = "B", description = "size as nccl-tests counts it: 4294967296 or 4GiB")
        String bytes;
        @Option(names = "--algorithm", defaultValue = "auto", paramLabel = "A",
                description = "auto | ring | nvls | flat | hierarchical (default: ${DEFAULT-VALUE})")
        String algorithm;

        @Override
        public Integer call() throws ProfileException {
            Collective c;
            CollectiveAlgorithm a;
            try {
                c = Collective.fromId(op);
                a = CollectiveAlgorithm.fromId(algorithm);
            } catch (IllegalArgumentException e) {
                throw new BadArgumentException(e.getMessage());
            }
            positive("--ranks", ranks);
            positive("--gpus-per-node", gpusPerNode);
            if (ranks > gpusPerNode && ranks % gpusPerNode != 0) {
                throw new BadArgumentException("--ranks (" + ranks + ") must fit one node or be a multiple of --gpus-per-node ("
                        + gpusPerNode + ")");
            }
            long size = ByteSize.parse("--bytes", bytes);
            ProfileCostModel model = common.model();
            int sms = common.sms == null ? CollectiveCostModel.ANY_SMS : common.sms(model);
            CommGroup group = CommGroup.packed(ranks, gpusPerNode);
            CollectiveEstimate e;
            try {
                e = model.collectives().estimate(c, group, size, a, sms);
            } catch (IllegalArgumentException ex) {
                throw new BadArgumentException("--algorithm " + algorithm + ": " + ex.getMessage());
            }
            double timeUs = e.timeNs() / 1e3;
            double alg = e.algGBps(size);
            double bus = e.busGBps(c, size, ranks);
            PrintWriter out = spec.commandLine().getOut();
            if (common.json) {
                ObjectNode o = common.header(model, c.id());
                o.put("ranks", ranks).put("gpusPerNode", group.ranksPerNode()).put("nodes", group.nodes())
                        .put("bytes", size).put("algorithm", e.algorithm().id());
                if (common.sms != null) {
                    o.put("sms", sms);
                }
                o.put("timeUs", round3(timeUs)).put("algGBps", round3(alg)).put("busGBps", round3(bus));
                o.put("source", e.measured() ? "measured table + model" : "model");
                out.print(Json.pretty(o));
            } else {
                out.println(String.format(Locale.ROOT, "%s of %d bytes over %d GPUs (%d per node, %d node%s), %s: %s us, algbw %s GB/s, busbw %s GB/s%s",
                        c.id(), size, ranks, group.ranksPerNode(), group.nodes(), group.nodes() == 1 ? "" : "s",
                        e.algorithm().id(), fmt(timeUs), fmt(alg), fmt(bus), e.measured() ? " (measured table + model)" : ""));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "memory", mixinStandardHelpOptions = true,
            description = "Predicted time of a memory-bound kernel moving BYTES (read + written) through HBM.")
    static final class Memory implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;
        @Option(names = "--op", defaultValue = "elementwise", paramLabel = "OP",
                description = "elementwise | norm | activation | router-topk | permute | unpermute | optimizer-step (default: ${DEFAULT-VALUE})")
        String op;
        @Option(names = "--bytes", required = true, paramLabel = "B", description = "bytes read + written: 1073741824 or 1GiB")
        String bytes;

        @Override
        public Integer call() throws ProfileException {
            MemoryOp m;
            try {
                m = MemoryOp.fromId(op);
            } catch (IllegalArgumentException e) {
                throw new BadArgumentException("--op: " + e.getMessage());
            }
            long size = ByteSize.parse("--bytes", bytes);
            ProfileCostModel model = common.model();
            int sms = common.sms(model);
            long ns = model.memory().timeNs(m, size, sms);
            double timeUs = ns / 1e3;
            double gbps = ns == 0 ? 0 : size / (double) ns;
            PrintWriter out = spec.commandLine().getOut();
            if (common.json) {
                ObjectNode o = common.header(model, m.id());
                o.put("bytes", size).put("sms", sms).put("timeUs", round3(timeUs)).put("gbps", round3(gbps));
                out.print(Json.pretty(o));
            } else {
                out.println(String.format(Locale.ROOT, "%s moving %d bytes on %s (%d SMs): %s us, %s GB/s", m.id(), size,
                        model.gpuId(), sms, fmt(timeUs), fmt(gbps)));
            }
            return ExitCodes.OK;
        }
    }
}
