package io.moesim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.RoutingSpec;
import org.junit.jupiter.api.Test;

class RoutingTest {
    private static RoutingSpec spec(RoutingKind kind, double skew, long seed) {
        return new RoutingSpec(kind, skew, null, seed);
    }

    @Test
    void balancedGivesEveryExpertTheSameCount() {
        int[][] r = Routing.sample(RoutingSpec.balanced(), 8, 256, 64, 8, 8, 4);
        int[] count = new int[64];
        for (int[] rank : r) {
            for (int e : rank) {
                count[e]++;
            }
        }
        assertThat(count).containsOnly(8 * 256 * 8 / 64);
    }

    @Test
    void uniformPicksDistinctExpertsOnAtMostTheNodeLimit() {
        int[][] r = Routing.sample(spec(RoutingKind.UNIFORM, 0, 3), 64, 500, 256, 8, 8, 4);
        for (int[] rank : r) {
            for (int t = 0; t < 500; t++) {
                java.util.Set<Integer> experts = new java.util.HashSet<>();
                java.util.Set<Integer> nodes = new java.util.HashSet<>();
                for (int j = 0; j < 8; j++) {
                    int e = rank[t * 8 + j];
                    assertThat(e).isBetween(0, 255);
                    experts.add(e);
                    nodes.add(e / 32);
                }
                assertThat(experts).hasSize(8);
                assertThat(nodes.size()).isLessThanOrEqualTo(4);
            }
        }
    }

    @Test
    void uniformIsRoughlyEvenAndZipfIsSkewed() {
        int[] uniform = counts(Routing.sample(spec(RoutingKind.UNIFORM, 0, 5), 16, 2048, 64, 8, 8, 4), 64);
        int[] zipf = counts(Routing.sample(spec(RoutingKind.ZIPF, 1.2, 5), 16, 2048, 64, 8, 8, 4), 64);
        double mean = 16 * 2048 * 8 / 64.0;
        assertThat(max(uniform) / mean).isLessThan(1.1);
        assertThat(max(zipf) / mean).isGreaterThan(3.0);
    }

    @Test
    void sameSeedSameRoutingOtherSeedOtherRouting() {
        RoutingSpec a = spec(RoutingKind.UNIFORM, 0, 11);
        assertThat(java.util.Arrays.deepEquals(Routing.sample(a, 16, 100, 64, 4, 8, 4),
                Routing.sample(a, 16, 100, 64, 4, 8, 4))).isTrue();
        assertThat(java.util.Arrays.deepEquals(Routing.sample(spec(RoutingKind.UNIFORM, 0, 12), 16, 100, 64, 4, 8, 4),
                Routing.sample(a, 16, 100, 64, 4, 8, 4))).isFalse();
    }

    @Test
    void badShapesAreRejected() {
        assertThatThrownBy(() -> Routing.sample(RoutingSpec.balanced(), 3, 10, 64, 8, 8, 4)).hasMessageContaining("multiple of ranks");
        assertThatThrownBy(() -> Routing.sample(new RoutingSpec(RoutingKind.TRACE, 0, "t.csv", 1), 8, 10, 64, 8, 8, 4)).hasMessageContaining("not supported");
    }

    private static int[] counts(int[][] r, int experts) {
        int[] c = new int[experts];
        for (int[] rank : r) {
            for (int e : rank) {
                c[e]++;
            }
        }
        return c;
    }

    private static double max(int[] c) {
        int m = 0;
        for (int x : c) {
            m = Math.max(m, x);
        }
        return m;
    }
}
