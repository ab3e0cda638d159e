package io.moesim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TaskGraphTest {
    private static TaskGraph.Builder twoGpus() {
        return TaskGraph.builder(new Topology(2, 2, 100, 100, 10, 1));
    }

    @Test
    void theGraphKeepsNamesCategoriesDependenciesAndParticipants() {
        TaskGraph.Builder b = twoGpus();
        int a = b.compute(0, 0, "gemm", Category.GEMM, 100, 2e9);
        int c = b.compute(0, 0, "gemm", Category.GEMM, 50, 1e9, a, a);
        int x = b.transfer(0, 1, 1, 1, 1000, "send", Category.PP_COMM, 5, 0, c);
        int h = b.host(1, 2, "launch", 7, x, a);
        TaskGraph g = b.build();
        assertThat(g.size()).isEqualTo(4);
        assertThat(g.name(c)).isEqualTo("gemm").isSameAs(g.name(a));   // one String per distinct name
        assertThat(g.category(x)).isEqualTo(Category.PP_COMM);
        assertThat(g.category(h)).isEqualTo(Category.HOST);
        assertThat(g.dependencies(c)).containsExactly(a);               // duplicates removed
        assertThat(g.dependencies(h)).containsExactly(a, x);            // ascending
        assertThat(g.gpus(x)).containsExactly(0, 1);
        assertThat(g.gpu(h)).isEqualTo(1);
        Span send = Simulator.run(g).spans().stream().filter(sp -> sp.task() == x).findFirst().orElseThrow();
        assertThat(send.bytes()).isEqualTo(1000);
        assertThat(send.flops()).isZero();
    }

    @Test
    void aBuilderBuildsOnce() {
        TaskGraph.Builder b = twoGpus();
        b.compute(0, 0, "k", Category.GEMM, 1, 0);
        b.build();
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("already built");
        assertThatThrownBy(() -> b.compute(0, 0, "k", Category.GEMM, 1, 0)).isInstanceOf(IllegalStateException.class);
    }
}
