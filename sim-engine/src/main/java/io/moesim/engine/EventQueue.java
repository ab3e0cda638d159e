package io.moesim.engine;

import java.util.Arrays;

/**
 * The engine's event queue: a binary min-heap on primitive arrays, ordered totally by
 * (time, phase, sequence). The queue assigns sequence numbers in push order, so events at the same
 * instant and phase pop in the order they were scheduled.
 *
 * @implNote not thread-safe; one per simulation run.
 */
final class EventQueue {
    private long[] time = new long[64];
    private int[] phase = new int[64];
    private long[] seq = new long[64];
    private int[] task = new int[64];
    private int[] version = new int[64];
    private int size;
    private long nextSeq;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    long peekTime() {
        return time[0];
    }

    void push(long t, int ph, int tk, int ver) {
        if (size == time.length) {
            int n = size * 2;
            time = Arrays.copyOf(time, n);
            phase = Arrays.copyOf(phase, n);
            seq = Arrays.copyOf(seq, n);
            task = Arrays.copyOf(task, n);
            version = Arrays.copyOf(version, n);
        }
        int i = size++;
        long s = nextSeq++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(t, ph, s, parent)) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, t, ph, s, tk, ver);
    }

    /** Removes the head; read it first with the accessors below. */
    void pop() {
        int last = --size;
        if (last == 0) {
            return;
        }
        long t = time[last];
        int ph = phase[last];
        long s = seq[last];
        int tk = task[last];
        int ver = version[last];
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < last && lessAt(right, child)) {
                child = right;
            }
            if (!lessAt(child, t, ph, s)) {
                break;
            }
            move(child, i);
            i = child;
        }
        set(i, t, ph, s, tk, ver);
    }

    int headPhase() {
        return phase[0];
    }

    int headTask() {
        return task[0];
    }

    int headVersion() {
        return version[0];
    }

    private boolean less(long t, int ph, long s, int j) {
        if (t != time[j]) {
            return t < time[j];
        }
        if (ph != phase[j]) {
            return ph < phase[j];
        }
        return s < seq[j];
    }

    private boolean lessAt(int j, long t, int ph, long s) {
        if (time[j] != t) {
            return time[j] < t;
        }
        if (phase[j] != ph) {
            return phase[j] < ph;
        }
        return seq[j] < s;
    }

    private boolean lessAt(int a, int b) {
        return lessAt(a, time[b], phase[b], seq[b]);
    }

    private void move(int from, int to) {
        time[to] = time[from];
        phase[to] = phase[from];
        seq[to] = seq[from];
        task[to] = task[from];
        version[to] = version[from];
    }

    private void set(int i, long t, int ph, long s, int tk, int ver) {
        time[i] = t;
        phase[i] = ph;
        seq[i] = s;
        task[i] = tk;
        version[i] = ver;
    }
}
