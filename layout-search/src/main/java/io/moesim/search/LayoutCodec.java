package io.moesim.search;

import io.jenetics.Chromosome;
import io.jenetics.Genotype;
import io.jenetics.IntegerChromosome;
import io.jenetics.IntegerGene;
import io.jenetics.Phenotype;
import io.jenetics.engine.Constraint;
import io.jenetics.engine.InvertibleCodec;
import io.jenetics.util.Factory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The Jenetics encoding of a {@link SearchSpace}: one {@link IntegerGene} per {@link SearchSpace.Dimension}
 * in a single chromosome (so crossover mixes dimensions of two parents), and a decoder that only ever
 * produces valid layouts.
 *
 * <p>Every gene ranges over {@code [0, M)} with {@code M} the least common multiple of the dimensions' value
 * counts; gene {@code g} of a dimension with {@code n} values selects value index {@code g·n/M}, so every
 * value is equally likely under a uniform gene. The selected combination may break a layout rule; the
 * decoder then <em>repairs</em> it to the nearest valid layout: the smallest sum over dimensions of the
 * index distance (ordered dimensions: {@code |i−j|}; categorical ones: 0 or 1), ties going to the first
 * valid layout in canonical order. The repair is deterministic and memoised.
 *
 * <p>{@link #constraint()} applies the same repair inside the engine (Lamarckian: the repaired genotype
 * replaces the broken one), and {@link #encoding()} is already constrained, so individuals created by
 * the engine to replace over-aged ones are valid too (Jenetics creates those from the bare genotype factory,
 * bypassing the engine's constraint).
 *
 * <pre>{@code
 * LayoutCodec codec = LayoutCodec.of(space);
 * Layout l = codec.decode(codec.encoding().newInstance());   // always space.isValid(l)
 * }</pre>
 *
 * @implNote thread-safe; the repair memo is a concurrent map.
 */
public final class LayoutCodec implements InvertibleCodec<Layout, IntegerGene> {
    private final SearchSpace space;
    private final int[] sizes;
    private final int geneRange;
    private final int[][] valid;
    private final Map<Long, Integer> repairs = new ConcurrentHashMap<>();
    private final Factory<Genotype<IntegerGene>> bareEncoding;

    private LayoutCodec(SearchSpace space) {
        if (space.validLayouts().isEmpty()) {
            throw new IllegalArgumentException("the search space has no valid layout:\n" + space);
        }
        this.space = space;
        this.sizes = space.sizes();
        this.geneRange = geneRange(sizes);
        this.valid = space.validIndexTable();
        this.bareEncoding = () -> Genotype.of(IntegerChromosome.of(0, geneRange - 1, sizes.length));
    }

    /**
     * The codec of a space.
     *
     * @throws IllegalArgumentException if the space has no valid layout
     */
    public static LayoutCodec of(SearchSpace space) {
        return new LayoutCodec(space);
    }

    /** The least common multiple of the value counts, or a multiple of the largest when that is too big. */
    static int geneRange(int[] sizes) {
        long lcm = 1;
        int largest = 1;
        for (int n : sizes) {
            lcm = lcm / gcd(lcm, n) * n;
            largest = Math.max(largest, n);
            if (lcm > 1 << 20) {
                lcm = -1;
                break;
            }
        }
        return lcm > 0 ? (int) lcm : largest * 4096;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** The space this codec encodes. */
    public SearchSpace space() {
        return space;
    }

    /** Genes range over {@code [0, geneRange())}. */
    public int geneRange() {
        return geneRange;
    }

    /** Value index of dimension {@code d} selected by gene value {@code g}. */
    int index(int d, int g) {
        return (int) ((long) g * sizes[d] / geneRange);
    }

    /** The smallest gene value selecting value index {@code i} of dimension {@code d}. */
    int geneOf(int d, int i) {
        return (int) (((long) i * geneRange + sizes[d] - 1) / sizes[d]);
    }

    /** The value indices the genotype selects, before any repair. */
    int[] rawIndices(Genotype<IntegerGene> gt) {
        Chromosome<IntegerGene> c = gt.chromosome();
        int[] idx = new int[sizes.length];
        for (int d = 0; d < sizes.length; d++) {
            idx[d] = index(d, c.get(d).intValue());
        }
        return idx;
    }

    /** Whether the genotype selects a valid layout without repair. */
    public boolean isValid(Genotype<IntegerGene> gt) {
        int[] raw = rawIndices(gt);
        return validPosition(raw, repairIndex(raw));
    }

    private boolean validPosition(int[] raw, int position) {
        return java.util.Arrays.equals(valid[position], raw);
    }

    /** Position in the valid list of the nearest valid layout (itself when valid). */
    private int repairIndex(int[] raw) {
        long key = 0;
        for (int d = 0; d < sizes.length; d++) {
            key = key * sizes[d] + raw[d];
        }
        return repairs.computeIfAbsent(key, k -> nearest(raw));
    }

    private int nearest(int[] raw) {
        return space.nearestValid(raw, -1);
    }

    /** The valid layout a genotype stands for: the one it selects, or the nearest valid one. */
    public Layout decode(Genotype<IntegerGene> gt) {
        return space.validLayouts().get(repairIndex(rawIndices(gt)));
    }

    /** The genotype of a layout of the space (each gene the smallest value selecting the layout's index). */
    public Genotype<IntegerGene> encode(Layout layout) {
        int[] idx = space.indicesOf(layout);
        IntegerGene[] genes = new IntegerGene[idx.length];
        for (int d = 0; d < idx.length; d++) {
            genes[d] = IntegerGene.of(geneOf(d, idx[d]), 0, geneRange - 1);
        }
        return Genotype.of(IntegerChromosome.of(genes));
    }

    /** A random genotype, repaired to a valid one when needed. */
    @Override
    public Factory<Genotype<IntegerGene>> encoding() {
        return () -> {
            Genotype<IntegerGene> gt = bareEncoding.newInstance();
            return isValid(gt) ? gt : encode(decode(gt));
        };
    }

    @Override
    public Function<Genotype<IntegerGene>, Layout> decoder() {
        return this::decode;
    }

    @Override
    public Function<Layout, Genotype<IntegerGene>> encoder() {
        return this::encode;
    }

    /**
     * The engine constraint: an individual is valid when its genotype selects a valid layout without repair;
     * an invalid one is replaced by the encoding of its repaired layout, keeping its generation.
     */
    public <C extends Comparable<? super C>> Constraint<IntegerGene, C> constraint() {
        return new Constraint<>() {
            @Override
            public boolean test(Phenotype<IntegerGene, C> individual) {
                return isValid(individual.genotype());
            }

            @Override
            public Phenotype<IntegerGene, C> repair(Phenotype<IntegerGene, C> individual, long generation) {
                return Phenotype.of(encode(decode(individual.genotype())), generation);
            }
        };
    }
}
