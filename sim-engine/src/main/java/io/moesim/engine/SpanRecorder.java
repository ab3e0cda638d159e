package io.moesim.engine;

import java.util.Arrays;

/** Growable primitive storage for timeline spans (one per task and participant). */
final class SpanRecorder {
    int size;
    int[] task;
    int[] gpu;
    int[] stream;
    long[] start;
    long[] end;

    SpanRecorder(int expected) {
        int cap = Math.max(16, expected);
        task = new int[cap];
        gpu = new int[cap];
        stream = new int[cap];
        start = new long[cap];
        end = new long[cap];
    }

    void add(int t, int g, int s, long from, long to) {
        if (size == task.length) {
            int cap = size * 2;
            task = Arrays.copyOf(task, cap);
            gpu = Arrays.copyOf(gpu, cap);
            stream = Arrays.copyOf(stream, cap);
            start = Arrays.copyOf(start, cap);
            end = Arrays.copyOf(end, cap);
        }
        task[size] = t;
        gpu[size] = g;
        stream[size] = s;
        start[size] = from;
        end[size] = to;
        size++;
    }
}
