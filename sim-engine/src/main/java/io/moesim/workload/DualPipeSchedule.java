package io.moesim.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * DeepSeek-V3's DualPipe schedule (DeepSeek-V3 technical report §3.2.1; the order of
 * {@code deepseek-ai/DualPipe dualpipe/dualpipe.py}, read, not copied): a bidirectional pipeline. Micro-batches
 * enter from both ends, half of them at rank 0 (direction 0) and half at rank {@code pp−1} (direction 1);
 * rank {@code r} holds stage {@code r} of direction 0 and stage {@code pp−1−r} of direction 1, so every
 * layer's parameters are kept twice. In the steady state a forward chunk of one direction runs overlapped
 * with a backward chunk of the other ({@link Kind#FORWARD_BACKWARD}); near the ends backward chunks split
 * off their weight gradients ({@code zb}: zero-bubble), which later {@link Kind#WEIGHT} items compute in
 * first-in-first-out order.
 *
 * <p>Each rank's items, in order, per the eight steps of the reference implementation, with {@code h = pp/2},
 * {@code hr = min(r, pp−1−r)}, {@code n = micro-batches/2} and phases local to the rank (phase {@code p} is
 * direction {@code p} on the first half of the ranks and direction {@code 1−p} on the second half):
 * <ol>
 *   <li>{@code 2(h−hr−1)} × F0</li>
 *   <li>{@code hr+1} × (F0, F1); F1 also waits for the next F0's input, whose receive is already posted;
 *       off the two middle ranks F0's output is sent after F1, and on them the last F1's output after the
 *       first item of step 4</li>
 *   <li>{@code h−hr−1} × (B1 zb, W, F1); W also waits for F1's input</li>
 *   <li>{@code n−pp+hr+1} × (F0&amp;B1, F1&amp;B0); on the two middle ranks the first F0&amp;B1 runs as F0 then B1</li>
 *   <li>{@code h−hr−1} × (B1, F1&amp;B0)</li>
 *   <li>{@code hr+1} × (B1, B0), the second half of them zb</li>
 *   <li>{@code h−hr−1} × (W, B0 zb)</li>
 *   <li>{@code hr+1} × W</li>
 * </ol>
 * Requirements: {@code pp} even and at least 2, micro-batches even and at least {@code 2·pp}.
 */
public final class DualPipeSchedule {
    /** What an item computes. */
    public enum Kind {
        /** A forward chunk. */
        FORWARD,
        /** A backward chunk (with its weight gradients unless {@link Item#zeroBubble()}). */
        BACKWARD,
        /** A forward chunk overlapped with a backward chunk of the other direction. */
        FORWARD_BACKWARD,
        /** The deferred weight gradients of the oldest zero-bubble backward chunk. */
        WEIGHT
    }

    /**
     * One schedule item of one rank.
     *
     * @param kind       what it computes
     * @param direction  the direction of the forward (or only) chunk; −1 for {@link Kind#WEIGHT}
     * @param microBatch its micro-batch within that direction (0-based); −1 for {@link Kind#WEIGHT}
     * @param backwardDirection  for {@link Kind#FORWARD_BACKWARD}, the backward chunk's direction (else −1)
     * @param backwardMicroBatch for {@link Kind#FORWARD_BACKWARD}, the backward chunk's micro-batch (else −1)
     * @param zeroBubble for {@link Kind#BACKWARD}: its weight gradients are deferred to a later WEIGHT item
     * @param prefetchDirection the item also waits for the input of the next forward chunk of this direction,
     *                   whose receive the reference posts before it (−1: none)
     * @param sendAfterNext the forward output is sent only after the next item has computed (the reference
     *                   defers these sends in the warm-up)
     */
    public record Item(Kind kind, int direction, int microBatch, int backwardDirection, int backwardMicroBatch,
                       boolean zeroBubble, int prefetchDirection, boolean sendAfterNext) {
        Item(Kind kind, int direction, int microBatch, int backwardDirection, int backwardMicroBatch, boolean zeroBubble) {
            this(kind, direction, microBatch, backwardDirection, backwardMicroBatch, zeroBubble, -1, false);
        }
    }

    private DualPipeSchedule() {
    }

    /** Why {@code pp} and {@code microBatches} cannot run DualPipe, or null when they can. */
    public static String violation(int pp, int microBatches) {
        if (pp < 2 || pp % 2 != 0) {
            return "DualPipe needs an even pipeline size of at least 2, got pp " + pp;
        }
        if (microBatches % 2 != 0 || microBatches < 2 * pp) {
            return "DualPipe needs an even number of micro-batches per step, at least 2·pp = " + 2 * pp + ", got "
                    + microBatches;
        }
        return null;
    }

    /** The items of {@code rank}, in execution order. */
    public static List<Item> items(int rank, int pp, int microBatches) {
        String why = violation(pp, microBatches);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        int half = pp / 2;
        int hr = Math.min(rank, pp - 1 - rank);
        int n = microBatches / 2;
        boolean secondHalf = rank >= half;
        boolean middle = rank == half - 1 || rank == half;
        int[] nextF = new int[2];
        int[] nextB = new int[2];
        List<Item> out = new ArrayList<>();
        Builder b = new Builder(out, nextF, nextB, secondHalf);
        for (int i = 0; i < 2 * (half - hr - 1); i++) {
            b.forward(0, false, -1);
        }
        for (int i = 0; i < hr + 1; i++) {
            // F0 without receive (posted earlier); the next F0's receive is posted before F1 computes; off the
            // middle ranks F0's output is sent after F1, and on them the last F1's output only in step 4.
            b.forward(0, !middle, -1);
            b.forward(1, middle && i == hr, 0);
        }
        for (int i = 0; i < half - hr - 1; i++) {
            b.backward(1, true);
            b.weight(1);
            b.forward(1, false, -1);
        }
        for (int i = 0; i < n - pp + hr + 1; i++) {
            if (i == 0 && middle) {
                b.forward(0, true, -1);
                b.backward(1, false);
            } else {
                b.pair(0, 1);
            }
            b.pair(1, 0);
        }
        for (int i = 0; i < half - hr - 1; i++) {
            b.backward(1, false);
            b.pair(1, 0);
        }
        boolean zb = false;
        int step6 = hr + 1;
        for (int i = 0; i < step6; i++) {
            if (i == step6 / 2 && hr % 2 == 1) {
                zb = true;
            }
            b.backward(1, zb);
            if (i == step6 / 2 && hr % 2 == 0) {
                zb = true;
            }
            b.backward(0, zb);
        }
        for (int i = 0; i < half - hr - 1; i++) {
            b.weight(-1);
            b.backward(0, true);
        }
        for (int i = 0; i < hr + 1; i++) {
            b.weight(-1);
        }
        return out;
    }

    private record Builder(List<Item> out, int[] nextF, int[] nextB, boolean secondHalf) {
        int direction(int phase) {
            return secondHalf ? 1 - phase : phase;
        }

        void forward(int phase, boolean sendAfterNext, int prefetchPhase) {
            int d = direction(phase);
            out.add(new Item(Kind.FORWARD, d, nextF[d]++, -1, -1, false,
                    prefetchPhase < 0 ? -1 : direction(prefetchPhase), sendAfterNext));
        }

        void backward(int phase, boolean zb) {
            int d = direction(phase);
            out.add(new Item(Kind.BACKWARD, d, nextB[d]++, -1, -1, zb));
        }

        void pair(int forwardPhase, int backwardPhase) {
            int f = direction(forwardPhase);
            int bd = direction(backwardPhase);
            out.add(new Item(Kind.FORWARD_BACKWARD, f, nextF[f]++, bd, nextB[bd]++, false));
        }

        void weight(int prefetchPhase) {
            out.add(new Item(Kind.WEIGHT, -1, -1, -1, -1, false, prefetchPhase < 0 ? -1 : direction(prefetchPhase), false));
        }
    }
}
