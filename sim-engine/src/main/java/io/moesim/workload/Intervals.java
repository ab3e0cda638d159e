package io.moesim.workload;

import java.util.Arrays;

/**
 * Sets of half-open time intervals {@code [start, end)} in ns, kept as sorted, disjoint, non-empty intervals in one
 * flat array {@code [s0, e0, s1, e1, ...]}. The training step's breakdown uses them so that idle time counted for
 * one reason (waiting for the host, waiting for an FSDP all-gather) is counted once, and only while the compute
 * stream is really idle, even when two chains of work interleave on the stream (Megatron's 1F1B all-to-all
 * overlap).
 */
final class Intervals {
    /** The empty set. */
    static final long[] EMPTY = new long[0];

    private Intervals() {
    }

    /**
     * The union of {@code count} intervals given as pairs in {@code pairs} ({@code pairs[2i]} start,
     * {@code pairs[2i+1]} end; empty or reversed intervals are dropped), sorted and merged.
     */
    static long[] union(long[] pairs, int count) {
        long[][] list = new long[count][];
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (pairs[2 * i + 1] > pairs[2 * i]) {
                list[n++] = new long[]{pairs[2 * i], pairs[2 * i + 1]};
            }
        }
        Arrays.sort(list, 0, n, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        long[] out = new long[2 * n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (m > 0 && list[i][0] <= out[m - 1]) {
                out[m - 1] = Math.max(out[m - 1], list[i][1]);
            } else {
                out[m++] = list[i][0];
                out[m++] = list[i][1];
            }
        }
        return Arrays.copyOf(out, m);
    }

    /** {@code a} without {@code b}; both sorted and disjoint. */
    static long[] minus(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int m = 0;
        int j = 0;
        for (int i = 0; i < a.length; i += 2) {
            long s = a[i];
            long e = a[i + 1];
            while (j < b.length && b[j + 1] <= s) {
                j += 2;
            }
            int k = j;
            while (s < e && k < b.length && b[k] < e) {
                if (b[k] > s) {
                    if (m + 2 > out.length) {
                        out = Arrays.copyOf(out, out.length * 2 + 2);
                    }
                    out[m++] = s;
                    out[m++] = b[k];
                }
                s = Math.max(s, b[k + 1]);
                k += 2;
            }
            if (s < e) {
                if (m + 2 > out.length) {
                    out = Arrays.copyOf(out, out.length * 2 + 2);
                }
                out[m++] = s;
                out[m++] = e;
            }
        }
        return Arrays.copyOf(out, m);
    }

    /** Total length of a sorted, disjoint set, ns. */
    static long length(long[] a) {
        long sum = 0;
        for (int i = 0; i < a.length; i += 2) {
            sum += a[i + 1] - a[i];
        }
        return sum;
    }
}
