package io.moesim.workload;

import io.moesim.model.ModelSpec;
import io.moesim.model.MoeSpec;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How many tokens each expert of an expert-parallel group receives in one micro-batch of one layer,
 * and which rank is busiest: routing (balanced, uniform, zipf, trace), capacity (drop, pad), token
 * rounding, and replication of hot experts. Keeps the dropped-token statistics of the layers it has
 * counted.
 *
 * @implNote not thread-safe; one per training-step build.
 */
final class ExpertLoads {
    private final Scenario sc;
    private final ModelSpec model;
    private final ParallelLayout p;
    private final double spTokens;
    private double droppedSum;
    private double routedSum;

    /** @param spTokens tokens of one micro-batch on one rank (the sequence-parallel shard) */
    ExpertLoads(Scenario sc, double spTokens) {
        this.sc = sc;
        this.model = sc.model();
        this.p = sc.parallel();
        this.spTokens = spTokens;
    }

    /** Routed tokens dropped by the capacity factor over all routed tokens counted so far (0 when dropless). */
    double droppedFraction() {
        return routedSum == 0 ? 0 : droppedSum / routedSum;
    }

    /**
     * Tokens of every expert of the expert-parallel group for one micro-batch of one layer: balanced
     * routing splits evenly; uniform and zipf draw per-expert counts (normal approximation of the
     * multinomial, seeded per layer); a trace gives the shares. Then the capacity factor (drop, and pad
     * with {@code padToCapacity}) and token rounding apply; the dropped-token statistics are updated.
     */
    double[] counts(int layer) {
        int ep = p.ep();
        MoeSpec moe = model.moe();
        double total = spTokens * (double) ep * moe.topK();
        int experts = moe.experts();
        double[] counts = new double[experts];
        RoutingKind kind = sc.moe().routing().kind();
        io.moesim.scenario.RoutingTrace trace = sc.moe().routing().trace();
        if (kind == RoutingKind.TRACE && trace != null) {
            double[] share = trace.shares(layer);
            for (int e = 0; e < experts; e++) {
                counts[e] = e < share.length ? Math.round(total * share[e]) : 0;
            }
        } else if (kind == RoutingKind.BALANCED || kind == RoutingKind.TRACE) {
            java.util.Arrays.fill(counts, total / experts);
        } else {
            SplittableRandom rnd = new SplittableRandom(sc.moe().routing().seed() * 1_000_003L + layer);
            double[] prob = new double[experts];
            double sum = 0;
            for (int e = 0; e < experts; e++) {
                prob[e] = kind == RoutingKind.ZIPF ? 1.0 / Math.pow(e + 1, sc.moe().routing().skew()) : 1.0;
                sum += prob[e];
            }
            for (int e = experts - 1; e > 0; e--) {
                int j = rnd.nextInt(e + 1);
                double tmp = prob[e];
                prob[e] = prob[j];
                prob[j] = tmp;
            }
            for (int e = 0; e < experts; e++) {
                double pe = Math.min(1, prob[e] / sum);
                double mean = total * pe;
                double sd = Math.sqrt(total * pe * (1 - pe));
                counts[e] = Math.max(0, Math.round(mean + sd * gaussian(rnd)));
            }
        }
        io.moesim.scenario.StrategyKnobs knobs = sc.strategy().knobs();
        Double capacityFactor = sc.moe().capacityFactor();
        if (capacityFactor == null && knobs.padToCapacity()) {
            capacityFactor = 1.0;
        }
        if (capacityFactor != null) {
            // GShard-style capacity: each expert takes at most capacityFactor times its even share of the
            // routed tokens of the group; the rest are dropped, and with padding every expert computes
            // a full capacity's rows.
            double capacity = Math.ceil(capacityFactor * total / experts);
            for (int e = 0; e < experts; e++) {
                droppedSum += Math.max(0, counts[e] - capacity);
                counts[e] = knobs.padToCapacity() ? capacity : Math.min(counts[e], capacity);
            }
            routedSum += total;
        }
        int rounding = knobs.tokenRounding();
        if (rounding > 0) {
            // SonicMoE token rounding: each expert's tokens to the nearest multiple of the GEMM tile.
            for (int e = 0; e < experts; e++) {
                counts[e] = Math.round(counts[e] / rounding) * (double) rounding;
            }
        }
        return counts;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = Math.max(1e-12, rnd.nextDouble());
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }


    /** Experts to replicate: the {@code k} most loaded, or (k = −1) all loaded above twice the mean. */
    static boolean[] hotExperts(double[] counts, int k) {
        boolean[] hot = new boolean[counts.length];
        if (k == 0) {
            return hot;
        }
        double mean = 0;
        for (double c : counts) {
            mean += c / counts.length;
        }
        Integer[] order = new Integer[counts.length];
        for (int e = 0; e < order.length; e++) {
            order[e] = e;
        }
        java.util.Arrays.sort(order, (a, b) -> counts[a] != counts[b] ? Double.compare(counts[b], counts[a])
                : Integer.compare(a, b));
        int take = k < 0 ? counts.length : Math.min(k, counts.length);
        for (int i = 0; i < take; i++) {
            int e = order[i];
            if (k < 0 && counts[e] <= 2 * mean) {
                break;
            }
            hot[e] = true;
        }
        return hot;
    }

    /**
     * Where one layer's routed tokens are computed under a placement of experts onto expert-parallel ranks.
     *
     * @param busiestRows rows of each expert slot on the busiest rank (times {@code etp}): the grouped GEMM it runs
     * @param rankTokens  routed tokens (token-expert pairs) computed on each expert-parallel rank, in rank order
     */
    record Placement(long[] busiestRows, double[] rankTokens) {
    }

    /**
     * Static placement: rank {@code r} holds experts {@code r·local … (r+1)·local − 1}; replicated (hot) experts
     * are computed on every rank for the tokens routed there, {@code 1/ep} of their load each.
     */
    static Placement staticPlacement(double[] counts, boolean[] hot, int ep, int local, int etp) {
        double hotShare = 0;
        int hotCount = 0;
        for (int e = 0; e < counts.length; e++) {
            if (hot[e]) {
                hotShare += counts[e] / ep;
                hotCount++;
            }
        }
        double[] rankTokens = new double[ep];
        int busiest = 0;
        double best = -1;
        for (int r = 0; r < ep; r++) {
            double sum = 0;
            for (int e = r * local; e < (r + 1) * local; e++) {
                sum += hot[e] ? 0 : counts[e];
            }
            rankTokens[r] = sum + hotShare;
            if (sum > best) {
                best = sum;
                busiest = r;
            }
        }
        long[] rows = new long[local + hotCount];
        for (int i = 0; i < local; i++) {
            int e = busiest * local + i;
            rows[i] = hot[e] ? 0 : Math.round(counts[e] * etp);
        }
        int j = local;
        for (int e = 0; e < counts.length; e++) {
            if (hot[e]) {
                rows[j++] = Math.round(counts[e] / ep * etp);
            }
        }
        return new Placement(rows, rankTokens);
    }

    /**
     * Hecate's load-aware placement under fully sharded sparse data parallelism: every expert is materialized
     * on at least one rank, and each rank has {@code local + extra} expert slots. Extra replicas go greedily
     * to the expert with the most tokens per replica (at most {@code ep} replicas); replicas are then placed
     * largest first on the least-loaded rank with a free slot that does not hold that expert yet, and a
     * replicated expert's tokens are split evenly over its replicas. Ties break by lower expert and rank
     * index, so the result is deterministic.
     */
    static Placement shardedPlacement(double[] counts, int ep, int local, int extra, int etp) {
        int n = counts.length;
        int[] replicas = new int[n];
        java.util.Arrays.fill(replicas, 1);
        for (int i = 0; i < ep * extra; i++) {
            int best = -1;
            for (int e = 0; e < n; e++) {
                if (replicas[e] < ep && (best < 0 || counts[e] / replicas[e] > counts[best] / replicas[best])) {
                    best = e;
                }
            }
            if (best < 0) {
                break;
            }
            replicas[best]++;
        }
        int total = 0;
        for (int r : replicas) {
            total += r;
        }
        int[] expertOf = new int[total];
        double[] loadOf = new double[total];
        int k = 0;
        for (int e = 0; e < n; e++) {
            for (int r = 0; r < replicas[e]; r++) {
                expertOf[k] = e;
                loadOf[k++] = counts[e] / replicas[e];
            }
        }
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> loadOf[a] != loadOf[b] ? Double.compare(loadOf[b], loadOf[a])
                : Integer.compare(a, b));
        double[] rankLoad = new double[ep];
        int[] free = new int[ep];
        java.util.Arrays.fill(free, local + extra);
        boolean[][] holds = new boolean[ep][n];
        List<List<Double>> slots = new ArrayList<>();
        for (int r = 0; r < ep; r++) {
            slots.add(new ArrayList<>());
        }
        for (int i : order) {
            int e = expertOf[i];
            int target = -1;
            for (int pass = 0; pass < 2 && target < 0; pass++) {
                for (int r = 0; r < ep; r++) {
                    boolean ok = free[r] > 0 && (pass == 1 || !holds[r][e]);
                    if (ok && (target < 0 || rankLoad[r] < rankLoad[target])) {
                        target = r;
                    }
                }
            }
            if (target < 0) {
                // more replicas than slots: add the load to the least-loaded rank
                target = 0;
                for (int r = 1; r < ep; r++) {
                    if (rankLoad[r] < rankLoad[target]) {
                        target = r;
                    }
                }
            } else {
                free[target]--;
            }
            holds[target][e] = true;
            rankLoad[target] += loadOf[i];
            slots.get(target).add(loadOf[i]);
        }
        int busiest = 0;
        for (int r = 1; r < ep; r++) {
            if (rankLoad[r] > rankLoad[busiest]) {
                busiest = r;
            }
        }
        List<Double> mine = slots.get(busiest);
        long[] rows = new long[mine.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Math.round(mine.get(i) * etp);
        }
        return new Placement(rows, rankLoad);
    }
}
