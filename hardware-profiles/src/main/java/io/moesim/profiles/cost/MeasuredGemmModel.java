package io.moesim.profiles.cost;

import io.moesim.cost.GemmCostModel;
import io.moesim.profiles.table.GemmMeasurement;
import io.moesim.scenario.DataType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * GEMM times from a profile's measured {@code gemm.csv}, with the analytical model filling the gaps.
 *
 * <p>Interpolation is model-guided: at every measured point the ratio {@code measured / model} is
 * known; a query inside the table's range (per data type, the bounding box of the measured
 * {@code log m, log n, log k}) gets the model's time times an inverse-distance-weighted (power 4, in
 * log space) geometric mean of those ratios. A query equal to a measured shape returns the measured
 * median exactly; outside the range the model alone answers. This keeps tile and wave effects that a
 * sparse table cannot resolve, while pulling the absolute level to the measurements. For grouped
 * queries the representative point is the mean rows of the non-empty groups; measured rows with
 * {@code groups > 1} count only for grouped queries and plain rows only for plain ones when both exist.
 * Fewer SMs than the GPU has scale through the model (the table was measured on the whole GPU).
 *
 * @implNote immutable; thread-safe.
 */
public final class MeasuredGemmModel implements GemmCostModel {
    private final AnalyticalGemmModel model;
    private final int smCount;
    private final Map<DataType, LogRatioField> plain = new EnumMap<>(DataType.class);
    private final Map<DataType, LogRatioField> grouped = new EnumMap<>(DataType.class);

    public MeasuredGemmModel(AnalyticalGemmModel model, int smCount, List<GemmMeasurement> table) {
        this.model = model;
        this.smCount = smCount;
        for (DataType t : DataType.values()) {
            List<GemmMeasurement> p = new ArrayList<>();
            List<GemmMeasurement> g = new ArrayList<>();
            for (GemmMeasurement row : table) {
                if (row.dtype() == t) {
                    (row.groups() == 1 ? p : g).add(row);
                }
            }
            if (!p.isEmpty()) {
                plain.put(t, field(p));
            }
            if (!g.isEmpty()) {
                grouped.put(t, field(g));
            }
        }
    }

    /** Each row's {@code (m, n, k)} with its measured/model ratio. */
    private LogRatioField field(List<GemmMeasurement> rows) {
        List<long[]> coords = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (GemmMeasurement r : rows) {
            long[] groupRows = new long[r.groups()];
            java.util.Arrays.fill(groupRows, r.m());
            double modelNs = model.groupedTimeNs(groupRows, r.n(), r.k(), r.dtype(), smCount);
            coords.add(new long[]{r.m(), r.n(), r.k()});
            ratios.add(r.timeUsMedian() * 1e3 / modelNs);
        }
        return new LogRatioField(coords, ratios);
    }

    @Override
    public long timeNs(long m, long n, long k, DataType dtype, int sms) {
        long modelNs = model.timeNs(m, n, k, dtype, sms);
        return correct(plain.containsKey(dtype) ? plain.get(dtype) : grouped.get(dtype), m, n, k, modelNs);
    }

    @Override
    public long groupedTimeNs(long[] groupRows, long n, long k, DataType dtype, int sms) {
        long modelNs = model.groupedTimeNs(groupRows, n, k, dtype, sms);
        long sum = 0;
        int nonEmpty = 0;
        for (long r : groupRows) {
            sum += r;
            nonEmpty += r > 0 ? 1 : 0;
        }
        if (nonEmpty == 0) {
            return 0;
        }
        long meanRows = Math.max(1, Math.round((double) sum / nonEmpty));
        LogRatioField p = nonEmpty > 1 && grouped.containsKey(dtype) ? grouped.get(dtype) : plain.get(dtype);
        if (p == null) {
            p = grouped.get(dtype);
        }
        return correct(p, meanRows, n, k, modelNs);
    }

    private static long correct(LogRatioField p, long m, long n, long k, long modelNs) {
        double ratio = p == null ? Double.NaN : p.ratio(m, n, k);
        return Double.isNaN(ratio) ? modelNs : Math.round(modelNs * ratio);
    }
}
