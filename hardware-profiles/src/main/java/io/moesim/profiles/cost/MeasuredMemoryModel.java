package io.moesim.profiles.cost;

import io.moesim.cost.MemoryCostModel;
import io.moesim.cost.MemoryOp;
import io.moesim.profiles.table.MemoryMeasurement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Memory-bound kernel times from a profile's measured {@code membw.csv}: per kind of kernel, the
 * model's time scaled by the measured/model ratio interpolated in log size inside the measured range
 * ({@link LogRatioCurve}); the model alone elsewhere. Fewer SMs scale through the model.
 *
 * @implNote immutable; thread-safe.
 */
public final class MeasuredMemoryModel implements MemoryCostModel {
    private final MemoryCostModel model;
    private final Map<MemoryOp, LogRatioCurve> curves = new EnumMap<>(MemoryOp.class);

    public MeasuredMemoryModel(MemoryCostModel model, int smCount, List<MemoryMeasurement> table) {
        this.model = model;
        Map<MemoryOp, List<LogRatioCurve.Point>> points = new EnumMap<>(MemoryOp.class);
        for (MemoryMeasurement m : table) {
            double modelNs = model.timeNs(m.op(), m.sizeBytes(), smCount);
            points.computeIfAbsent(m.op(), k -> new ArrayList<>())
                    .add(new LogRatioCurve.Point(m.sizeBytes(), m.timeUsMedian() * 1e3, modelNs));
        }
        points.forEach((k, v) -> curves.put(k, new LogRatioCurve(v)));
    }

    @Override
    public long timeNs(MemoryOp op, long bytes, int sms) {
        long t = model.timeNs(op, bytes, sms);
        LogRatioCurve curve = curves.get(op);
        double f = curve == null || t == 0 ? Double.NaN : curve.factor(bytes);
        return Double.isNaN(f) ? t : Math.round(t * f);
    }
}
