package io.moesim.cli;

import io.moesim.accounting.ParameterAccounting;
import io.moesim.accounting.ParameterCounts;
import io.moesim.io.Json;
import io.moesim.io.ModelJson;
import io.moesim.model.GroupedQueryAttention;
import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import io.moesim.model.MoeSpec;
import io.moesim.model.MultiLatentAttention;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code moe-sim models [show ID] [--json]}: the bundled model presets. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Lists the bundled model presets, or shows one (models show ID).")
final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "show", description = "'show' to print one preset")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "preset id (with 'show')")
    String id;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ModelCatalog catalog = ModelCatalog.builtIn();
        if (action == null) {
            list(out, catalog);
            return ExitCodes.OK;
        }
        if (!action.equals("show")) {
            throw new BadArgumentException("unknown action '" + action + "' (expected 'show ID')");
        }
        if (id == null) {
            throw new BadArgumentException("'models show' needs a preset id (one of " + String.join(", ", catalog.ids()) + ")");
        }
        ModelSpec m = catalog.find(id).orElseThrow(() -> new BadArgumentException("unknown model '" + id
                + "' (known: " + String.join(", ", catalog.ids()) + ")"));
        if (json) {
            out.print(Json.pretty(ModelJson.toJson(m)));
        } else {
            show(out, m);
        }
        return ExitCodes.OK;
    }

    private void list(PrintWriter out, ModelCatalog catalog) {
        if (json) {
            var array = Json.mapper().createArrayNode();
            catalog.models().forEach(m -> array.add(ModelJson.toJson(m)));
            out.print(Json.pretty(array));
            return;
        }
        Table t = new Table("id", "name", ">layers", ">hidden", "attention", ">experts", ">topK", ">total", ">active");
        for (ModelSpec m : catalog.models()) {
            ParameterCounts p = ParameterAccounting.of(m);
            t.row(m.id(), m.displayName(), m.layers(), m.hidden(), m.attention().kind(),
                    m.isMoe() ? m.moe().experts() : "-", m.isMoe() ? m.moe().topK() : "-",
                    Units.billions(p.totalParams()), Units.billions(p.activeParams()));
        }
        t.print(out);
    }

    private static void show(PrintWriter out, ModelSpec m) {
        ParameterCounts p = ParameterAccounting.of(m);
        out.println(m.displayName() + " (" + m.id() + ")");
        out.println("  source          " + m.source());
        out.println("  layers          " + m.layers() + (m.isMoe() ? " (" + m.moeLayers() + " MoE, " + m.denseLayers() + " dense)" : " (dense)"));
        out.println("  hidden          " + m.hidden());
        if (m.attention() instanceof GroupedQueryAttention g) {
            out.println("  attention       GQA: " + g.heads() + " heads, " + g.kvHeads() + " KV heads, head dim " + g.headDim()
                    + (g.qkvBias() ? ", QKV bias" : "") + (g.qkNorm() ? ", QK norm" : ""));
        } else if (m.attention() instanceof MultiLatentAttention l) {
            out.println("  attention       MLA: " + l.heads() + " heads, q LoRA " + l.qLoraRank() + ", KV LoRA "
                    + l.kvLoraRank() + ", qk " + l.qkNopeHeadDim() + "+" + l.qkRopeHeadDim() + " rope, v " + l.vHeadDim());
        }
        out.println("  dense FFN       " + m.ffn() + " (" + m.activation().id() + ")");
        if (m.isMoe()) {
            MoeSpec e = m.moe();
            out.println("  experts         " + e.experts() + " routed x FFN " + e.expertFfn() + ", top-" + e.topK()
                    + (e.sharedExperts() > 0 ? ", " + e.sharedExperts() + " shared x FFN " + e.sharedExpertFfn() : "")
                    + (e.expertGroups() > 1 ? ", " + e.expertGroups() + " groups (top-" + e.topKGroups() + " groups)" : ""));
            out.println("  dense layers    first " + e.firstDenseLayers() + ", then MoE every " + e.layerInterval() + " layer(s)");
        }
        out.println("  vocab           " + m.vocab() + (m.tiedEmbeddings() ? " (tied embeddings)" : ""));
        if (m.mtpLayers() > 0) {
            out.println("  MTP layers      " + m.mtpLayers() + " (" + Units.billions(p.mtpParams()) + ")");
        }
        out.println("  parameters      " + Units.billions(p.totalParams()) + " total, " + Units.billions(p.activeParams()) + " active");
    }
}
