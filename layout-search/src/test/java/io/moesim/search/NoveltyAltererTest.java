package io.moesim.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenetics.AltererResult;
import io.jenetics.IntegerGene;
import io.jenetics.Phenotype;
import io.jenetics.util.ISeq;
import io.jenetics.util.RandomRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NoveltyAltererTest {
    private final SearchSpace space = Fixtures.smallSpace();
    private final LayoutCodec codec = LayoutCodec.of(space);

    @Test
    void movesStaleOffspringToNewValidLayoutsAndKeepsTheRest() {
        List<Layout> valid = space.validLayouts();
        Set<Layout> evaluated = new HashSet<>(valid.subList(0, 50));
        NoveltyAlterer<Double> alterer = new NoveltyAlterer<>(codec, evaluated::contains, new MemoryDominance());
        List<Phenotype<IntegerGene, Double>> population = new ArrayList<>();
        population.add(Phenotype.<IntegerGene, Double>of(codec.encode(valid.get(0)), 1).withFitness(5.0)); // survivor
        for (int i = 0; i < 6; i++) {
            population.add(Phenotype.of(codec.encode(valid.get(i % 3)), 2));   // already evaluated, and repeated
        }
        population.add(Phenotype.of(codec.encode(valid.get(100)), 2));        // new
        AltererResult<IntegerGene, Double> r = RandomRegistry.with(new Random(9), g -> alterer.alter(ISeq.of(population), 2));
        List<Layout> out = r.population().stream().map(pt -> codec.decode(pt.genotype())).toList();
        assertThat(r.population().get(0)).isSameAs(population.get(0));
        assertThat(out.get(7)).isEqualTo(valid.get(100));
        assertThat(r.alterations()).isEqualTo(6);
        Set<Layout> offspring = new HashSet<>(out.subList(1, 8));
        assertThat(offspring).hasSize(7).doesNotContainAnyElementsOf(evaluated);
        for (int i = 1; i < 8; i++) {
            assertThat(codec.isValid(r.population().get(i).genotype())).isTrue();
        }
        AltererResult<IntegerGene, Double> again = RandomRegistry.with(new Random(9), g -> alterer.alter(ISeq.of(population), 2));
        assertThat(again.population().stream().map(pt -> codec.decode(pt.genotype())).toList()).isEqualTo(out);
    }

    @Test
    void skipsLayoutsKnownNotToFit() {
        Layout misfit = space.validLayouts().get(10);
        MemoryDominance dominance = new MemoryDominance();
        dominance.record(List.of(Evaluation.doesNotFit(misfit, 16, 90, 80)));
        NoveltyAlterer<Double> alterer = new NoveltyAlterer<>(codec, l -> false, dominance);
        AltererResult<IntegerGene, Double> r = RandomRegistry.with(new Random(1),
                g -> alterer.alter(ISeq.of(Phenotype.<IntegerGene, Double>of(codec.encode(misfit), 1)), 1));
        Layout moved = codec.decode(r.population().get(0).genotype());
        assertThat(moved).isNotEqualTo(misfit);
        assertThat(dominance.dominatingMisfit(moved)).isNull();
    }
}
