package io.moesim.engine;

import java.util.Arrays;

/**
 * The engine's event queue: a binary min-heap ordered totally by (time, phase, sequence). The queue
 * assigns sequence numbers in push order, so events at the same instant and phase pop in the order they
 * were scheduled.
 *
 * <p>Each heap node is three consecutive {@code long}s of one array, so that a sift touches one or two
 * cache lines per level instead of one per field: the time, the order key {@code phase << 62 | sequence}
 * (phase is 0 or 1; sequences stay far below 2<sup>62</sup>), and the payload
 * {@code task << 32 | version}.
 *
 * @implNote not thread-safe; one per simulation run.
 */
final class EventQueue {
    private static final int STRIDE = 3;
    private static final int PHASE_SHIFT = 62;
    private long[] heap = new long[64 * STRIDE];
    private int size;
    private long nextSeq;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    long peekTime() {
        return heap[0];
    }

    void push(long t, int ph, int tk, int ver) {
        if ((size + 1) * STRIDE > heap.length) {
            heap = Arrays.copyOf(heap, heap.length * 2);
        }
        long key = (long) ph << PHASE_SHIFT | nextSeq++;
        long payload = (long) tk << 32 | (ver & 0xFFFF_FFFFL);
        long[] h = heap;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            int p = parent * STRIDE;
            if (t > h[p] || t == h[p] && key > h[p + 1]) {
                break;
            }
            int j = i * STRIDE;
            h[j] = h[p];
            h[j + 1] = h[p + 1];
            h[j + 2] = h[p + 2];
            i = parent;
        }
        int j = i * STRIDE;
        h[j] = t;
        h[j + 1] = key;
        h[j + 2] = payload;
    }

    /** Removes the head; read it first with the accessors below. */
    void pop() {
        int last = --size;
        if (last == 0) {
            return;
        }
        long[] h = heap;
        int l = last * STRIDE;
        long t = h[l];
        long key = h[l + 1];
        long payload = h[l + 2];
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int c = child * STRIDE;
            int right = child + 1;
            if (right < last) {
                int r = c + STRIDE;
                if (h[r] < h[c] || h[r] == h[c] && h[r + 1] < h[c + 1]) {
                    child = right;
                    c = r;
                }
            }
            if (t < h[c] || t == h[c] && key < h[c + 1]) {
                break;
            }
            int j = i * STRIDE;
            h[j] = h[c];
            h[j + 1] = h[c + 1];
            h[j + 2] = h[c + 2];
            i = child;
        }
        int j = i * STRIDE;
        h[j] = t;
        h[j + 1] = key;
        h[j + 2] = payload;
    }

    int headPhase() {
        return (int) (heap[1] >>> PHASE_SHIFT);
    }

    int headTask() {
        return (int) (heap[2] >>> 32);
    }

    int headVersion() {
        return (int) heap[2];
    }
}
