package io.moesim.profiles.cost;

import io.moesim.cost.Collective;
import io.moesim.cost.CollectiveAlgorithm;
import io.moesim.cost.CollectiveCostModel;
import io.moesim.cost.CollectiveEstimate;
import io.moesim.cost.CommGroup;
import io.moesim.profiles.table.CollectiveMeasurement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collective times from a profile's measured {@code collectives.csv} (nccl-tests runs), with the
 * analytical model filling the gaps. A query with the same op, rank count and ranks per node as a
 * measured series, a size inside the series' range and {@link CollectiveAlgorithm#AUTO} (the table
 * records what NCCL chose) gets the model's time scaled by the measured/model ratio interpolated in
 * log size ({@link LogRatioCurve}); a measured size returns the measured time. Anything else is the
 * model's answer. Fewer SMs scale through the model.
 *
 * @implNote immutable; thread-safe.
 */
public final class MeasuredCollectiveModel implements CollectiveCostModel {
    private record Key(Collective op, int ranks, int perNode) {
    }

    private final CollectiveCostModel model;
    private final Map<Key, LogRatioCurve> curves = new HashMap<>();

    public MeasuredCollectiveModel(CollectiveCostModel model, List<CollectiveMeasurement> table) {
        this.model = model;
        Map<Key, List<LogRatioCurve.Point>> points = new HashMap<>();
        for (CollectiveMeasurement m : table) {
            CommGroup group = new CommGroup(m.ranks(), m.gpusPerNode());
            double modelNs = model.estimate(m.op(), group, m.sizeBytes(), CollectiveAlgorithm.AUTO, ANY_SMS).timeNs();
            points.computeIfAbsent(new Key(m.op(), m.ranks(), m.gpusPerNode()), k -> new ArrayList<>())
                    .add(new LogRatioCurve.Point(m.sizeBytes(), m.timeUs() * 1e3, Math.max(1, modelNs)));
        }
        points.forEach((k, v) -> curves.put(k, new LogRatioCurve(v)));
    }

    @Override
    public CollectiveEstimate estimate(Collective op, CommGroup group, long bytes, CollectiveAlgorithm algorithm,
                                       int sms) {
        CollectiveEstimate e = model.estimate(op, group, bytes, algorithm, sms);
        if (algorithm != CollectiveAlgorithm.AUTO || e.timeNs() == 0) {
            return e;
        }
        LogRatioCurve curve = curves.get(new Key(op, group.ranks(), group.ranksPerNode()));
        double f = curve == null ? Double.NaN : curve.factor(bytes);
        return Double.isNaN(f) ? e : new CollectiveEstimate(Math.round(e.timeNs() * f), e.algorithm(), true);
    }
}
