package io.moesim.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.accounting.FlopsPerToken;
import io.moesim.accounting.ParameterCounts;
import io.moesim.model.ModelSpec;

/**
 * JSON form of a model's parameter and FLOP accounting ({@code moe-sim flops --json}). Field names
 * carry units; FLOPs follow Megatron-LM's model-FLOPs convention.
 */
public final class AccountingJson {
    private AccountingJson() {
    }

    /** The accounting report of {@code model}. */
    public static ObjectNode of(ModelSpec model, ParameterCounts params, FlopsPerToken flops) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("model", model.id());
        o.put("seqLen", flops.seqLen());
        o.put("totalParams", params.totalParams());
        o.put("activeParams", params.activeParams());
        o.put("mtpParams", params.mtpParams());
        o.put("trainingFlopsPerToken", flops.trainingFlops());
        o.put("forwardFlopsPerToken", flops.forwardFlops());
        o.put("flopsConvention", "megatron-lm num_floating_point_operations");
        ObjectNode p = o.putObject("paramsBreakdown");
        p.put("embedding", params.embeddingParams());
        p.put("outputHead", params.outputHeadParams());
        p.put("attention", params.attentionParams());
        p.put("norms", params.normParams());
        p.put("denseFfn", params.denseFfnParams());
        p.put("routedExperts", params.routedExpertParams());
        p.put("sharedExperts", params.sharedExpertParams());
        p.put("router", params.routerParams());
        p.put("mtpActive", params.mtpActiveParams());
        ObjectNode f = o.putObject("trainingFlopsPerTokenBreakdown");
        f.put("attentionLinear", flops.attentionLinearFlops());
        f.put("attentionCore", flops.attentionCoreFlops());
        f.put("denseFfn", flops.denseFfnFlops());
        f.put("routedExperts", flops.routedExpertFlops());
        f.put("sharedExperts", flops.sharedExpertFlops());
        f.put("mtpProjection", flops.mtpProjectionFlops());
        f.put("logits", flops.logitFlops());
        o.put("paddedVocab", flops.paddedVocab());
        return o;
    }
}
