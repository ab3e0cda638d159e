package io.moesim.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenetics.Genotype;
import io.jenetics.IntegerChromosome;
import io.jenetics.IntegerGene;
import io.jenetics.Phenotype;
import io.jenetics.engine.Constraint;
import io.jenetics.util.RandomRegistry;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayoutCodecTest {
    private final SearchSpace space = Fixtures.smallSpace();
    private final LayoutCodec codec = LayoutCodec.of(space);

    @Test
    void geneRangeGivesEveryValueTheSameShare() {
        assertThat(LayoutCodec.geneRange(new int[]{1, 3, 3, 2, 1, 5, 1, 2, 3, 3, 2})).isEqualTo(30);
        int[] sizes = space.sizes();
        for (int d = 0; d < sizes.length; d++) {
            int[] count = new int[sizes[d]];
            for (int g = 0; g < codec.geneRange(); g++) {
                count[codec.index(d, g)]++;
            }
            for (int c : count) {
                assertThat(c).isEqualTo(codec.geneRange() / sizes[d]);
            }
        }
    }

    @Test
    void everyValidLayoutRoundTrips() {
        for (Layout l : space.validLayouts()) {
            Genotype<IntegerGene> gt = codec.encode(l);
            assertThat(codec.isValid(gt)).isTrue();
            assertThat(codec.decode(gt)).isEqualTo(l);
        }
    }

    @Test
    void randomGenotypesAlwaysDecodeToTheNearestValidLayout() {
        Random random = new Random(42);
        List<Layout> valid = space.validLayouts();
        int invalidRaw = 0;
        for (int n = 0; n < 2000; n++) {
            IntegerGene[] genes = new IntegerGene[space.sizes().length];
            for (int d = 0; d < genes.length; d++) {
                genes[d] = IntegerGene.of(random.nextInt(codec.geneRange()), 0, codec.geneRange() - 1);
            }
            Genotype<IntegerGene> gt = Genotype.of(IntegerChromosome.of(genes));
            int[] raw = codec.rawIndices(gt);
            Layout decoded = codec.decode(gt);
            assertThat(space.isValid(decoded)).isTrue();
            // brute force: no valid layout is nearer, and none as near comes earlier in canonical order
            int best = Integer.MAX_VALUE;
            Layout first = null;
            for (Layout v : valid) {
                int dist = distance(space.indicesOf(v), raw);
                if (dist < best) {
                    best = dist;
                    first = v;
                }
            }
            assertThat(decoded).isEqualTo(first);
            if (!codec.isValid(gt)) {
                invalidRaw++;
                assertThat(best).isPositive();
            }
        }
        assertThat(invalidRaw).as("the test must exercise the repair").isGreaterThan(200);
    }

    private static int distance(int[] a, int[] b) {
        SearchSpace.Dimension[] dims = SearchSpace.Dimension.values();
        int d = 0;
        for (int i = 0; i < a.length; i++) {
            int delta = Math.abs(a[i] - b[i]);
            d += dims[i].ordered() ? delta : delta == 0 ? 0 : 1;
        }
        return d;
    }

    @Test
    void encodingAndConstraintOnlyProduceValidGenotypes() {
        RandomRegistry.with(new Random(7), r -> {
            for (int i = 0; i < 500; i++) {
                assertThat(codec.isValid(codec.encoding().newInstance())).isTrue();
            }
            Constraint<IntegerGene, Double> c = codec.constraint();
            IntegerGene[] genes = new IntegerGene[space.sizes().length];
            for (int d = 0; d < genes.length; d++) {
                genes[d] = IntegerGene.of(codec.geneRange() - 1, 0, codec.geneRange() - 1);   // the last value everywhere
            }
            Phenotype<IntegerGene, Double> broken = Phenotype.of(Genotype.of(IntegerChromosome.of(genes)), 3);
            assertThat(c.test(broken)).isFalse();
            Phenotype<IntegerGene, Double> repaired = c.repair(broken, 3);
            assertThat(c.test(repaired)).isTrue();
            assertThat(repaired.generation()).isEqualTo(3);
            assertThat(codec.decode(repaired.genotype())).isEqualTo(codec.decode(broken.genotype()));
            return null;
        });
    }

    @Test
    void mutatorMovesGenesToOtherValues() {
        LayoutMutator<Double> m = new LayoutMutator<>(codec, 1.0);
        Layout start = space.validLayouts().get(space.validLayouts().size() / 2);
        Phenotype<IntegerGene, Double> pt = Phenotype.of(codec.encode(start), 1);
        var result = RandomRegistry.with(new Random(3), r -> m.alter(io.jenetics.util.ISeq.of(pt), 1));
        int[] before = codec.rawIndices(pt.genotype());
        int[] after = codec.rawIndices(result.population().get(0).genotype());
        int[] sizes = space.sizes();
        for (int d = 0; d < sizes.length; d++) {
            if (sizes[d] > 1) {
                assertThat(after[d]).as("dimension %d", d).isNotEqualTo(before[d]);
            }
        }
    }
}
