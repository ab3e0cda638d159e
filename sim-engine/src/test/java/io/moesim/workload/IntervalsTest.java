package io.moesim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IntervalsTest {
    @Test
    void unionSortsMergesAndDropsEmptyIntervals() {
        // [5,8) [1,3) [2,4) [8,9) [7,7) [10,6): overlapping and touching ones merge, empty and reversed drop
        long[] u = Intervals.union(new long[]{5, 8, 1, 3, 2, 4, 8, 9, 7, 7, 10, 6}, 6);
        assertThat(u).containsExactly(1, 4, 5, 9);
        assertThat(Intervals.length(u)).isEqualTo(7);
        assertThat(Intervals.union(new long[0], 0)).isEmpty();
    }

    @Test
    void minusCutsHolesAndEnds() {
        long[] a = {0, 10, 20, 30};
        long[] b = {2, 3, 5, 12, 25, 40};
        // [0,10) - [2,3) - [5,12) = [0,2) [3,5); [20,30) - [25,40) = [20,25)
        assertThat(Intervals.minus(a, b)).containsExactly(0, 2, 3, 5, 20, 25);
        assertThat(Intervals.minus(a, Intervals.EMPTY)).containsExactly(a);
        assertThat(Intervals.minus(Intervals.EMPTY, b)).isEmpty();
        assertThat(Intervals.minus(a, new long[]{-5, 100})).isEmpty();
    }

    @Test
    void minusAgreesWithCountingInstantsOnRandomSets() {
        Random r = new Random(3);
        for (int trial = 0; trial < 500; trial++) {
            long[] a = randomSet(r);
            long[] b = randomSet(r);
            long[] d = Intervals.minus(a, b);
            long expected = 0;
            for (long t = 0; t < 100; t++) {
                if (contains(a, t) && !contains(b, t)) {
                    expected++;
                }
            }
            assertThat(Intervals.length(d)).as("trial " + trial).isEqualTo(expected);
            for (int i = 0; i + 2 < d.length; i += 2) {
                assertThat(d[i + 1]).isLessThanOrEqualTo(d[i + 2]);   // sorted and disjoint
            }
        }
    }

    private static long[] randomSet(Random r) {
        int n = r.nextInt(6);
        long[] pairs = new long[2 * n];
        for (int i = 0; i < n; i++) {
            long s = r.nextInt(100);
            pairs[2 * i] = s;
            pairs[2 * i + 1] = Math.min(100, s + r.nextInt(30));
        }
        return Intervals.union(pairs, n);
    }

    private static boolean contains(long[] set, long t) {
        for (int i = 0; i < set.length; i += 2) {
            if (set[i] <= t && t < set[i + 1]) {
                return true;
            }
        }
        return false;
    }
}
