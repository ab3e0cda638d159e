package io.moesim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.workload.DualPipeSchedule.Item;
import io.moesim.workload.DualPipeSchedule.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class DualPipeScheduleTest {

    @Test
    void everyRankRunsEachMicroBatchOfBothDirectionsOnceForwardAndOnceBackward() {
        for (int pp : new int[]{2, 4, 8, 16}) {
            for (int m : new int[]{2 * pp, 2 * pp + 2, 6 * pp}) {
                for (int r = 0; r < pp; r++) {
                    List<Item> items = DualPipeSchedule.items(r, pp, m);
                    int[][] f = new int[2][m / 2];
                    int[][] b = new int[2][m / 2];
                    int deferred = 0;
                    for (Item it : items) {
                        switch (it.kind()) {
                            case FORWARD -> f[it.direction()][it.microBatch()]++;
                            case BACKWARD -> {
                                assertThat(f[it.direction()][it.microBatch()]).as("forward before backward").isEqualTo(1);
                                b[it.direction()][it.microBatch()]++;
                                deferred += it.zeroBubble() ? 1 : 0;
                            }
                            case FORWARD_BACKWARD -> {
                                f[it.direction()][it.microBatch()]++;
                                assertThat(it.backwardDirection()).isEqualTo(1 - it.direction());
                                b[it.backwardDirection()][it.backwardMicroBatch()]++;
                            }
                            case WEIGHT -> {
                                assertThat(deferred).as("a weight item needs a deferred backward").isPositive();
                                deferred--;
                            }
                        }
                    }
                    assertThat(deferred).isZero();
                    for (int d = 0; d < 2; d++) {
                        for (int k = 0; k < m / 2; k++) {
                            assertThat(f[d][k]).isEqualTo(1);
                            assertThat(b[d][k]).isEqualTo(1);
                        }
                    }
                }
            }
        }
    }

    @Test
    void firstRankOfEightStartsWithSixForwardsOfItsOwnDirectionAndEndsWithOneWeightItem() {
        // Step 1 of rank 0 with pp 8: (4 - 0 - 1) * 2 = 6 forwards of direction 0; step 8: hr + 1 = 1 weight.
        List<Item> items = DualPipeSchedule.items(0, 8, 20);
        assertThat(items.subList(0, 6)).allMatch(i -> i.kind() == Kind.FORWARD && i.direction() == 0);
        assertThat(items.get(6)).isEqualTo(new Item(Kind.FORWARD, 0, 6, -1, -1, false, -1, true));
        assertThat(items.get(7)).isEqualTo(new Item(Kind.FORWARD, 1, 0, -1, -1, false, 0, false));
        assertThat(items.get(items.size() - 1).kind()).isEqualTo(Kind.WEIGHT);
        // The last rank mirrors it: its phase 0 is direction 1.
        assertThat(DualPipeSchedule.items(7, 8, 20).get(0)).isEqualTo(new Item(Kind.FORWARD, 1, 0, -1, -1, false, -1, false));
    }

    @Test
    void rejectsOddPipelinesAndTooFewMicroBatches() {
        assertThat(DualPipeSchedule.violation(3, 12)).contains("even pipeline size");
        assertThat(DualPipeSchedule.violation(4, 6)).contains("at least 2·pp = 8");
        assertThat(DualPipeSchedule.violation(4, 9)).contains("even number");
        assertThat(DualPipeSchedule.violation(4, 8)).isNull();
        assertThatThrownBy(() -> DualPipeSchedule.items(0, 4, 6)).isInstanceOf(IllegalArgumentException.class);
    }
}
