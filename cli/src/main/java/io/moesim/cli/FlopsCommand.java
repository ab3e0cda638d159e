package io.moesim.cli;

import io.moesim.accounting.FlopsPerToken;
import io.moesim.accounting.MegatronFlops;
import io.moesim.accounting.ParameterAccounting;
import io.moesim.accounting.ParameterCounts;
import io.moesim.io.AccountingJson;
import io.moesim.io.InputException;
import io.moesim.io.Json;
import io.moesim.model.ModelSpec;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code moe-sim flops MODEL [--seq N] [--json]}: parameter and FLOP accounting of a model. */
@Command(name = "flops", mixinStandardHelpOptions = true,
        description = {"Parameter and FLOP accounting of a model (a preset id or a Hugging Face config.json).",
                "FLOPs follow Megatron-LM's model-FLOPs convention (num_floating_point_operations)."})
final class FlopsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "preset id (see 'moe-sim models') or path to config.json")
    String model;

    @Option(names = "--seq", paramLabel = "N", defaultValue = "4096", description = "sequence length (default: ${DEFAULT-VALUE})")
    int seqLen;

    @Option(names = "--tp", paramLabel = "N", defaultValue = "1",
            description = "tensor-parallel size, for Megatron's vocabulary padding to 128*tp (default: ${DEFAULT-VALUE})")
    int tp;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws InputException {
        if (seqLen <= 0) {
            throw new BadArgumentException("--seq must be positive, got " + seqLen);
        }
        if (tp <= 0) {
            throw new BadArgumentException("--tp must be positive, got " + tp);
        }
        ModelSpec m = ModelResolver.resolve(model);
        ParameterCounts p = ParameterAccounting.of(m);
        FlopsPerToken f = MegatronFlops.perToken(m, seqLen, tp);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print(Json.pretty(AccountingJson.of(m, p, f)));
            return ExitCodes.OK;
        }
        out.println(m.displayName() + " (" + m.id() + "), sequence length " + seqLen);
        out.println();
        Table params = new Table("parameters", ">count");
        params.row("total (main model)", Units.billions(p.totalParams()));
        params.row("active per token", Units.billions(p.activeParams()));
        if (p.mtpParams() > 0) {
            params.row("MTP modules (not in total)", Units.billions(p.mtpParams()));
        }
        params.row("  embedding + output head", Units.billions(p.embeddingParams() + p.outputHeadParams()));
        params.row("  attention", Units.billions(p.attentionParams()));
        params.row("  dense FFN", Units.billions(p.denseFfnParams()));
        params.row("  routed experts", Units.billions(p.routedExpertParams()));
        params.row("  shared experts", Units.billions(p.sharedExpertParams()));
        params.row("  router + norms", Units.billions(p.routerParams() + p.normParams()));
        params.print(out);
        out.println();
        double total = f.trainingFlops();
        Table flops = new Table("training FLOPs per token", ">FLOPs", ">share");
        flops.row("attention projections", Units.gflop(f.attentionLinearFlops()), Units.percent(f.attentionLinearFlops() / total));
        flops.row("attention core (causal)", Units.gflop(f.attentionCoreFlops()), Units.percent(f.attentionCoreFlops() / total));
        flops.row("dense FFN", Units.gflop(f.denseFfnFlops()), Units.percent(f.denseFfnFlops() / total));
        flops.row("routed experts", Units.gflop(f.routedExpertFlops()), Units.percent(f.routedExpertFlops() / total));
        flops.row("shared experts", Units.gflop(f.sharedExpertFlops()), Units.percent(f.sharedExpertFlops() / total));
        if (f.mtpProjectionFlops() > 0) {
            flops.row("MTP projections", Units.gflop(f.mtpProjectionFlops()), Units.percent(f.mtpProjectionFlops() / total));
        }
        flops.row("logits", Units.gflop(f.logitFlops()), Units.percent(f.logitFlops() / total));
        flops.row("total (Megatron convention)", Units.gflop(total), Units.percent(1));
        flops.row("forward only", Units.gflop(f.forwardFlops()), Units.percent(f.forwardFlops() / total));
        flops.print(out);
        return ExitCodes.OK;
    }
}
