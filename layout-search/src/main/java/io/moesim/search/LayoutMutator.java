package io.moesim.search;

import io.jenetics.AltererResult;
import io.jenetics.Chromosome;
import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.Mutator;
import io.jenetics.MutatorResult;
import io.jenetics.Phenotype;
import io.jenetics.util.ISeq;
import io.jenetics.util.RandomRegistry;
import io.jenetics.util.Seq;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A mutator for {@link LayoutCodec} genotypes that knows which dimension each gene encodes. Every gene of every
 * individual mutates independently with the given probability (Jenetics' {@link Mutator} picks individuals,
 * then genes, each with the cube root of it). A mutated gene of an ordered dimension (a parallel size, the
 * micro-batch) moves to a neighbouring value half of the time — {@code tp 2 → 4}, {@code pp 8 → 16}: small
 * steps in a landscape where neighbours perform alike — and otherwise, like every categorical gene, jumps to
 * a different value drawn uniformly (never the same one).
 *
 * <pre>{@code
 * new Engine.Builder<>(evaluator, codec.encoding())
 *         .alterers(new UniformCrossover<>(0.5, 0.5), new LayoutMutator<>(codec, 0.05))
 * }</pre>
 *
 * @param <C> the fitness type
 * @implNote immutable and thread-safe; draws only from the random generator it is handed.
 */
public final class LayoutMutator<C extends Comparable<? super C>> extends Mutator<IntegerGene, C> {
    private final LayoutCodec codec;

    /**
     * @param probability the probability that a given gene is mutated
     * @throws IllegalArgumentException if the probability is not in {@code [0, 1]}
     */
    public LayoutMutator(LayoutCodec codec, double probability) {
        super(probability);
        if (codec == null) {
            throw new IllegalArgumentException("codec must not be null");
        }
        this.codec = codec;
    }

    /**
     * Mutates every gene of every individual independently with the mutator's probability (Jenetics' base
     * class instead picks individuals, then genes, each with the cube root of it, which mutates few individuals
     * in many genes at once). Mutated individuals are new phenotypes of {@code generation}.
     */
    @Override
    public AltererResult<IntegerGene, C> alter(Seq<Phenotype<IntegerGene, C>> population, long generation) {
        RandomGenerator random = RandomRegistry.random();
        List<Phenotype<IntegerGene, C>> out = new ArrayList<>(population.size());
        int mutations = 0;
        for (Phenotype<IntegerGene, C> pt : population) {
            MutatorResult<Chromosome<IntegerGene>> r = mutate(pt.genotype().chromosome(), _probability, random);
            if (r.mutations() > 0) {
                out.add(Phenotype.of(Genotype.of(r.result()), generation));
                mutations += r.mutations();
            } else {
                out.add(pt);
            }
        }
        return new AltererResult<>(ISeq.of(out), mutations);
    }

    @Override
    protected MutatorResult<Chromosome<IntegerGene>> mutate(Chromosome<IntegerGene> chromosome, double p,
                                                             RandomGenerator random) {
        int[] sizes = codec.space().sizes();
        SearchSpace.Dimension[] dims = SearchSpace.Dimension.values();
        IntegerGene[] genes = new IntegerGene[chromosome.length()];
        int mutations = 0;
        for (int d = 0; d < genes.length; d++) {
            IntegerGene gene = chromosome.get(d);
            genes[d] = gene;
            if (!(random.nextDouble() < p) || sizes[d] < 2) {
                continue;
            }
            int index = codec.index(d, gene.intValue());
            int next;
            if (dims[d].ordered() && random.nextBoolean()) {
                next = index == 0 ? 1 : index == sizes[d] - 1 ? index - 1 : index + (random.nextBoolean() ? 1 : -1);
            } else {
                next = random.nextInt(sizes[d] - 1);
                if (next >= index) {
                    next++;
                }
            }
            genes[d] = gene.newInstance(codec.geneOf(d, next));
            mutations++;
        }
        return new MutatorResult<>(chromosome.newInstance(ISeq.of(genes)), mutations);
    }
}
