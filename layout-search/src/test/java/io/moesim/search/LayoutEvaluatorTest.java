package io.moesim.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.Recompute;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LayoutEvaluatorTest {

    @Test
    void identicalLayoutsAreSimulatedOnceAndCountedAsCacheHits() {
        SearchSpace space = Fixtures.smallSpace();
        Fixtures.Counting sim = new Fixtures.Counting(Fixtures.synthetic());
        List<Layout> some = space.validLayouts().subList(0, 40);
        List<Layout> asked = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            asked.addAll(some);
        }
        AtomicLong lastProgress = new AtomicLong();
        try (LayoutEvaluator ev = new LayoutEvaluator(space.base(), sim, 4, (n, planned) -> lastProgress.accumulateAndGet(n, Math::max), 40)) {
            List<Evaluation> first = ev.evaluateAll(asked);
            assertThat(first).hasSize(120);
            for (int i = 0; i < asked.size(); i++) {
                assertThat(first.get(i).layout()).isEqualTo(asked.get(i));
            }
            assertThat(sim.calls.get()).isEqualTo(40);
            assertThat(sim.repeated.get()).isZero();
            assertThat(ev.evaluations()).isEqualTo(40);
            assertThat(ev.requests()).isEqualTo(120);
            assertThat(ev.cacheHits()).isEqualTo(80);
            // asking again: all hits, no simulation
            Evaluation again = ev.evaluate(some.get(5));
            assertThat(again).isSameAs(first.get(5));
            assertThat(sim.calls.get()).isEqualTo(40);
            assertThat(ev.cacheHits()).isEqualTo(81);
            assertThat(lastProgress.get()).isEqualTo(40);
            assertThat(ev.evaluated()).hasSize(40);
        }
    }

    @Test
    void concurrentRequestsForOneLayoutShareOneSimulation() throws Exception {
        SearchSpace space = Fixtures.smallSpace();
        AtomicLong calls = new AtomicLong();
        TrainingSimulator slow = (layout, s) -> {
            calls.incrementAndGet();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Fixtures.synthetic().evaluate(layout, s);
        };
        Layout one = space.validLayouts().get(3);
        try (LayoutEvaluator ev = new LayoutEvaluator(space.base(), slow, 4, SearchProgress.NONE, 1)) {
            Thread[] threads = new Thread[6];
            for (int i = 0; i < threads.length; i++) {
                threads[i] = new Thread(() -> ev.evaluate(one));
                threads[i].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(calls.get()).isEqualTo(1);
            assertThat(ev.cacheHits()).isEqualTo(5);
        }
    }

    @Test
    void refusesAnInvalidLayoutBeforeSimulatingIt() {
        SearchSpace space = Fixtures.smallSpace();
        Fixtures.Counting sim = new Fixtures.Counting(Fixtures.synthetic());
        // ep 3 does not divide OLMoE's 64 experts
        Layout invalid = new Layout(2, 1, 1, 1, 1, 3, 1, 1, Recompute.NONE, Dispatcher.ALLTOALL, false);
        try (LayoutEvaluator ev = new LayoutEvaluator(space.base(), sim, 1, SearchProgress.NONE, 1)) {
            assertThatThrownBy(() -> ev.evaluate(invalid)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("invalid layout").hasMessageContaining("parallel.ep");
            assertThat(ev.invalidRefused()).isEqualTo(1);
            assertThat(sim.calls.get()).isZero();
            assertThat(ev.evaluations()).isZero();
        }
    }
}
