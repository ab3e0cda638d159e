package io.moesim.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.cost.CommGroup;
import io.moesim.scenario.ParallelLayout;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class RankLayoutTest {
    private static ParallelLayout layout(int tp, int pp, int cp, int ep, int etp) {
        return new ParallelLayout(tp, pp, 1, cp, ep, etp, false, 1);
    }

    @Test
    void qwen3ValidationLayoutByHand() {
        // 256 GPUs, tp 2, pp 8, ep 32, etp 1: dp = 16, 32 GPUs per stage, edp = 1.
        RankLayout l = new RankLayout(layout(2, 8, 1, 32, 1), 256, 8);
        assertThat(l.dp()).isEqualTo(16);
        assertThat(l.edp()).isEqualTo(1);
        assertThat(new int[]{l.tpRank(37), l.cpRank(37), l.dpRank(37), l.ppRank(37)}).containsExactly(1, 0, 2, 1);
        assertThat(l.tpGroup(37)).containsExactly(36, 37);
        assertThat(l.dpGroup(37)).containsExactly(33, 35, 37, 39, 41, 43, 45, 47, 49, 51, 53, 55, 57, 59, 61, 63);
        assertThat(l.ppGroup(37)).containsExactly(5, 37, 69, 101, 133, 165, 197, 229);
        assertThat(l.epGroup(37)).hasSize(32).startsWith(32, 33).endsWith(63);
        assertThat(l.edpGroup(37)).containsExactly(37);
        assertThat(l.placement(l.tpGroup(37))).isEqualTo(new CommGroup(2, 2));
        assertThat(l.placement(l.epGroup(37))).isEqualTo(new CommGroup(32, 8));
        assertThat(l.placement(l.dpGroup(37))).isEqualTo(new CommGroup(16, 4));
        assertThat(l.placement(l.ppGroup(37))).isEqualTo(new CommGroup(8, 1));
        assertThat(l.rank(1, 0, 2, 1)).isEqualTo(37);
    }

    @Test
    void foldingGivesExpertsTheirOwnGroups() {
        // tp 4, cp 2, ep 8, etp 1 on 64 GPUs, pp 2: dp = 4, 32 per stage, edp = 4.
        RankLayout l = new RankLayout(layout(4, 2, 2, 8, 1), 64, 8);
        assertThat(l.dp()).isEqualTo(4);
        assertThat(l.edp()).isEqualTo(4);
        assertThat(l.cpGroup(5)).containsExactly(1, 5);
        assertThat(l.dpCpGroup(5)).containsExactly(1, 5, 9, 13, 17, 21, 25, 29);
        assertThat(l.epGroup(5)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(l.edpGroup(5)).containsExactly(5, 13, 21, 29);
        assertThat(l.placement(l.edpGroup(5))).isEqualTo(new CommGroup(4, 1));
    }

    @Test
    void everyRankIsInExactlyOneGroupOfEachKindAndGroupsAgreeOnTheOtherCoordinates() {
        int[][] shapes = {{1, 1, 1, 1, 1}, {2, 4, 1, 8, 1}, {4, 2, 2, 4, 2}, {8, 1, 1, 16, 2}, {2, 2, 2, 2, 1}};
        for (int[] s : shapes) {
            RankLayout l = new RankLayout(layout(s[0], s[1], s[2], s[3], s[4]), 128, 8);
            check(l, l::tpGroup, 128);
            check(l, l::cpGroup, 128);
            check(l, l::dpGroup, 128);
            check(l, l::dpCpGroup, 128);
            check(l, l::ppGroup, 128);
            check(l, l::epGroup, 128);
            check(l, l::etpGroup, 128);
            check(l, l::edpGroup, 128);
            for (int r = 0; r < 128; r++) {
                for (int m : l.dpGroup(r)) {
                    assertThat(new int[]{l.tpRank(m), l.cpRank(m), l.ppRank(m)})
                            .containsExactly(l.tpRank(r), l.cpRank(r), l.ppRank(r));
                }
                for (int m : l.epGroup(r)) {
                    assertThat(l.ppRank(m)).isEqualTo(l.ppRank(r));
                    assertThat(l.etpRank(m)).isEqualTo(l.etpRank(r));
                }
                assertThat(l.rank(l.tpRank(r), l.cpRank(r), l.dpRank(r), l.ppRank(r))).isEqualTo(r);
            }
        }
    }

    private static void check(RankLayout l, IntFunction<int[]> group, int gpus) {
        for (int r = 0; r < gpus; r++) {
            int[] g = group.apply(r);
            Set<Integer> members = new HashSet<>();
            for (int m : g) {
                members.add(m);
                assertThat(m).isBetween(0, gpus - 1);
            }
            assertThat(members).hasSize(g.length).contains(r);
            for (int m : g) {
                assertThat(group.apply(m)).containsExactly(g);
            }
        }
    }

    @Test
    void layoutsThatDoNotTileAreRejected() {
        assertThatThrownBy(() -> new RankLayout(layout(3, 1, 1, 1, 1), 8, 8)).hasMessageContaining("must divide 8 GPUs");
        assertThatThrownBy(() -> new RankLayout(layout(1, 2, 1, 3, 1), 8, 8)).hasMessageContaining("etp·ep = 3");
    }
}
