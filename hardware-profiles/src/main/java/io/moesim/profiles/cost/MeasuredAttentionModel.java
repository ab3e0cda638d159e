package io.moesim.profiles.cost;

import io.moesim.cost.AttentionCostModel;
import io.moesim.cost.AttentionShape;
import io.moesim.profiles.table.AttentionMeasurement;
import io.moesim.scenario.DataType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fused-attention times from a profile's measured {@code attention.csv}, with the analytical model filling the
 * gaps: per pass (forward, backward), mask and data type, the model's time times the measured/model ratio
 * interpolated in log space over {@code (seqQ, seqKv, heads, kvHeads, qkDim, vDim)} ({@link LogRatioField});
 * the model alone outside the measured range. A measured shape with batch 1 on the whole GPU returns its
 * measured time; more sequences and fewer SMs scale through the model.
 *
 * @implNote immutable; thread-safe.
 */
public final class MeasuredAttentionModel implements AttentionCostModel {
    private record Key(boolean backward, boolean causal, DataType dtype) {
    }

    private final AttentionCostModel model;
    private final Map<Key, LogRatioField> fields = new HashMap<>();

    public MeasuredAttentionModel(AttentionCostModel model, int smCount, List<AttentionMeasurement> table) {
        this.model = model;
        Map<Key, List<long[]>> coords = new HashMap<>();
        Map<Key, List<Double>> ratios = new HashMap<>();
        for (AttentionMeasurement m : table) {
            AttentionShape shape = new AttentionShape(1, m.seqQ(), m.seqKv(), m.heads(), m.kvHeads(), m.qkDim(),
                    m.vDim(), m.causal(), m.dtype());
            double modelNs = m.backward() ? model.backwardNs(shape, smCount) : model.forwardNs(shape, smCount);
            Key key = new Key(m.backward(), m.causal(), m.dtype());
            coords.computeIfAbsent(key, k -> new ArrayList<>()).add(coordinates(shape));
            ratios.computeIfAbsent(key, k -> new ArrayList<>()).add(m.timeUsMedian() * 1e3 / modelNs);
        }
        coords.forEach((k, c) -> fields.put(k, new LogRatioField(c, ratios.get(k))));
    }

    private static long[] coordinates(AttentionShape s) {
        return new long[]{s.seqQ(), s.seqKv(), s.heads(), s.kvHeads(), s.qkDim(), s.vDim()};
    }

    @Override
    public long forwardNs(AttentionShape shape, int sms) {
        return correct(false, shape, model.forwardNs(shape, sms));
    }

    @Override
    public long backwardNs(AttentionShape shape, int sms) {
        return correct(true, shape, model.backwardNs(shape, sms));
    }

    private long correct(boolean backward, AttentionShape shape, long modelNs) {
        LogRatioField f = fields.get(new Key(backward, shape.causal(), shape.dtype()));
        double ratio = f == null ? Double.NaN : f.ratio(coordinates(shape));
        return Double.isNaN(ratio) ? modelNs : Math.round(modelNs * ratio);
    }
}
