package io.moesim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventQueueTest {
    private record Event(long time, int phase, long seq, int task, int version) {
    }

    @Test
    void popsInTimePhaseThenPushOrderWithPayloadIntact() {
        for (int seed = 0; seed < 20; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            EventQueue q = new EventQueue();
            List<Event> pushed = new ArrayList<>();
            List<Event> popped = new ArrayList<>();
            int pushes = 0;
            long seq = 0;
            for (int i = 0; i < 2_000; i++) {
                // interleave pushes and pops, with many equal times so that phase and order decide
                if (q.isEmpty() || rnd.nextInt(3) > 0) {
                    Event e = new Event(rnd.nextInt(50), rnd.nextInt(2), seq++, rnd.nextInt(1 << 30),
                            rnd.nextInt() /* any int, negative too */);
                    pushed.add(e);
                    pushes++;
                    q.push(e.time(), e.phase(), e.task(), e.version());
                } else {
                    popped.add(pop(q, pushed));
                }
            }
            while (!q.isEmpty()) {
                popped.add(pop(q, pushed));
            }
            assertThat(popped).hasSize(pushes);
            assertThat(pushed).isEmpty();
        }
    }

    /** Pops the head and checks it is the least pending event by (time, phase, push order). */
    private static Event pop(EventQueue q, List<Event> pending) {
        Event expected = pending.stream()
                .min(Comparator.comparingLong(Event::time).thenComparingInt(Event::phase).thenComparingLong(Event::seq))
                .orElseThrow();
        pending.remove(expected);
        assertThat(q.peekTime()).isEqualTo(expected.time());
        assertThat(q.headPhase()).isEqualTo(expected.phase());
        assertThat(q.headTask()).isEqualTo(expected.task());
        assertThat(q.headVersion()).isEqualTo(expected.version());
        int before = q.size();
        q.pop();
        assertThat(q.size()).isEqualTo(before - 1);
        return expected;
    }
}
