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
    private static final double IDW_POWER = 4;

    /** Measured points of one data type and one kind (plain or grouped), in log space. */
    private record Points(double[] logM, double[] logN, double[] logK, double[] logRatio,
                          double[] min, double[] max, long[] exactM, long[] exactN, long[] exactK) {
    }

    private final AnalyticalGemmModel model;
    private final int smCount;
    private final Map<DataType, Points> plain = new EnumMap<>(DataType.class);
    private final Map<DataType, Points> grouped = new EnumMap<>(DataType.class);

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
                plain.put(t, points(p));
            }
            if (!g.isEmpty()) {
                grouped.put(t, points(g));
            }
        }
    }

    private Points points(List<GemmMeasurement> rows) {
        int size = rows.size();
        double[] lm = new double[size];
        double[] ln = new double[size];
        double[] lk = new double[size];
        double[] lr = new double[size];
        long[] em = new long[size];
        long[] en = new long[size];
        long[] ek = new long[size];
        double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] max = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < size; i++) {
            GemmMeasurement r = rows.get(i);
            long[] groupRows = new long[r.groups()];
            java.util.Arrays.fill(groupRows, r.m());
            double modelNs = model.groupedTimeNs(groupRows, r.n(), r.k(), r.dtype(), smCount);
            double measuredNs = r.timeUsMedian() * 1e3;
            lm[i] = Math.log(r.m());
            ln[i] = Math.log(r.n());
            lk[i] = Math.log(r.k());
            lr[i] = Math.log(measuredNs / modelNs);
            em[i] = r.m();
            en[i] = r.n();
            ek[i] = r.k();
            double[] v = {lm[i], ln[i], lk[i]};
            for (int d = 0; d < 3; d++) {
                min[d] = Math.min(min[d], v[d]);
                max[d] = Math.max(max[d], v[d]);
            }
        }
        return new Points(lm, ln, lk, lr, min, max, em, en, ek);
    }

    @Override
    public long timeNs(long m, long n, long k, DataType dtype, int sms) {
        long modelNs = model.timeNs(m, n, k, dtype, sms);
        return correct(plain.containsKey(dtype) ? plain.get(dtype) : grouped.get(dtype), m, n, k, modelNs, sms);
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
        Points p = nonEmpty > 1 && grouped.containsKey(dtype) ? grouped.get(dtype) : plain.get(dtype);
        if (p == null) {
            p = grouped.get(dtype);
        }
        return correct(p, meanRows, n, k, modelNs, sms);
    }

    private long correct(Points p, long m, long n, long k, long modelNs, int sms) {
        if (p == null) {
            return modelNs;
        }
        double[] q = {Math.log(m), Math.log(n), Math.log(k)};
        for (int d = 0; d < 3; d++) {
            if (q[d] < p.min[d] - 1e-9 || q[d] > p.max[d] + 1e-9) {
                return modelNs;
            }
        }
        double weightSum = 0;
        double weighted = 0;
        for (int i = 0; i < p.logM.length; i++) {
            if (p.exactM[i] == m && p.exactN[i] == n && p.exactK[i] == k) {
                return Math.round(modelNs * Math.exp(p.logRatio[i]));
            }
            double dm = q[0] - p.logM[i];
            double dn = q[1] - p.logN[i];
            double dk = q[2] - p.logK[i];
            double d2 = dm * dm + dn * dn + dk * dk;
            double w = 1.0 / Math.pow(d2, IDW_POWER / 2);
            weightSum += w;
            weighted += w * p.logRatio[i];
        }
        return Math.round(modelNs * Math.exp(weighted / weightSum));
    }
}
