package io.moesim.gui.viewmodel;

import io.moesim.engine.Category;
import io.moesim.engine.SimulationResult;
import io.moesim.engine.Span;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The spans of one simulation, arranged for drawing: one row per (GPU, stream) that has spans, rows
 * ordered by GPU then stream, each row's spans in columns sorted by start. Answers the two questions a
 * timeline asks many times a second without allocating: what to draw in a time window at a given
 * width ({@link #layout}, with culling and level of detail), and which span is under the pointer
 * ({@link #spanAt}).
 *
 * <pre>{@code
 * TimelineData data = TimelineData.of(result);          // a SimulationResult
 * TimelineData.RowLayout out = new TimelineData.RowLayout();
 * int rects = data.layout(0, 0, data.endNs(), 1200, out); // at most ~2 rectangles per pixel column
 * }</pre>
 *
 * @implNote immutable after construction; {@link #layout} and {@link #spanAt} are thread-safe as long as
 * each thread uses its own {@link RowLayout}.
 */
public final class TimelineData {
    /** Categories in ordinal order; a span's category is stored as its ordinal. */
    private static final Category[] CATEGORIES = Category.values();

    private final int[] rowGpu;
    private final int[] rowStream;
    private final String[] rowLabel;
    private final long[][] start;
    private final long[][] end;
    /** Running maximum of {@code end} within the row: the binary-search key (spans of a stream never overlap, but nothing here relies on it). */
    private final long[][] maxEnd;
    private final byte[][] category;
    private final int[][] spanIndex;
    private final IntFunction<Span> spans;
    private final int spanCount;
    private final int gpuCount;
    private final long endNs;

    private TimelineData(int[] rowGpu, int[] rowStream, String[] rowLabel, long[][] start, long[][] end,
                         byte[][] category, int[][] spanIndex, IntFunction<Span> spans, int spanCount, int gpuCount) {
        this.rowGpu = rowGpu;
        this.rowStream = rowStream;
        this.rowLabel = rowLabel;
        this.start = start;
        this.end = end;
        this.category = category;
        this.spanIndex = spanIndex;
        this.spans = spans;
        this.spanCount = spanCount;
        this.gpuCount = gpuCount;
        this.maxEnd = new long[start.length][];
        long last = 0;
        for (int r = 0; r < start.length; r++) {
            long[] m = new long[end[r].length];
            long running = Long.MIN_VALUE;
            for (int i = 0; i < m.length; i++) {
                running = Math.max(running, end[r][i]);
                m[i] = running;
            }
            maxEnd[r] = m;
            if (m.length > 0) {
                last = Math.max(last, m[m.length - 1]);
            }
        }
        this.endNs = last;
    }

    /** The timeline of an engine run. */
    public static TimelineData of(SimulationResult result) {
        return of(result.spanCount(), result.graph().topology().gpus(), result::span);
    }

    /** The timeline of a list of spans (tests and benchmarks build synthetic ones). */
    public static TimelineData of(List<Span> spans, int gpus) {
        return of(spans.size(), gpus, spans::get);
    }

    private static TimelineData of(int n, int gpus, IntFunction<Span> source) {
        // Count spans per (gpu, stream), then fill columns; streams are found on the way.
        int maxStream = 0;
        int maxGpu = gpus - 1;
        int[] gpuOf = new int[n];
        int[] streamOf = new int[n];
        for (int i = 0; i < n; i++) {
            Span s = source.apply(i);
            gpuOf[i] = s.gpu();
            streamOf[i] = s.stream();
            maxStream = Math.max(maxStream, s.stream());
            maxGpu = Math.max(maxGpu, s.gpu());
        }
        int streams = maxStream + 1;
        int keys = (maxGpu + 1) * streams;
        int[] count = new int[keys];
        for (int i = 0; i < n; i++) {
            count[gpuOf[i] * streams + streamOf[i]]++;
        }
        int[] rowOfKey = new int[keys];
        int rows = 0;
        for (int k = 0; k < keys; k++) {
            rowOfKey[k] = count[k] > 0 ? rows++ : -1;
        }
        int[] rowGpu = new int[rows];
        int[] rowStream = new int[rows];
        long[][] start = new long[rows][];
        long[][] end = new long[rows][];
        byte[][] cat = new byte[rows][];
        int[][] index = new int[rows][];
        long[][] catNs = new long[rows][CATEGORIES.length];
        for (int k = 0; k < keys; k++) {
            int r = rowOfKey[k];
            if (r >= 0) {
                rowGpu[r] = k / streams;
                rowStream[r] = k % streams;
                start[r] = new long[count[k]];
                end[r] = new long[count[k]];
                cat[r] = new byte[count[k]];
                index[r] = new int[count[k]];
            }
        }
        int[] fill = new int[rows];
        for (int i = 0; i < n; i++) {
            Span s = source.apply(i);
            int r = rowOfKey[gpuOf[i] * streams + streamOf[i]];
            int j = fill[r]++;
            start[r][j] = s.startNs();
            end[r][j] = s.endNs();
            cat[r][j] = (byte) s.category().ordinal();
            index[r][j] = i;
            catNs[r][s.category().ordinal()] += s.endNs() - s.startNs();
        }
        String[] labels = new String[rows];
        for (int r = 0; r < rows; r++) {
            sortRow(start[r], end[r], cat[r], index[r]);
            labels[r] = "GPU " + rowGpu[r] + " · s" + rowStream[r] + " " + role(catNs[r]);
        }
        return new TimelineData(rowGpu, rowStream, labels, start, end, cat, index, source, n, maxGpu + 1);
    }

    /** A stream's role, from what it spends its time on: "compute" if it runs any kernel, else its main category. */
    private static String role(long[] catNs) {
        long best = -1;
        Category main = null;
        for (Category c : CATEGORIES) {
            long ns = catNs[c.ordinal()];
            if (ns > 0 && !c.isCommunication() && !c.isHost()) {
                return "compute";
            }
            if (ns > best) {
                best = ns;
                main = c;
            }
        }
        return main == null ? "" : main.id();
    }

    /** Sorts a row's columns by start (they usually already are: a stream runs in order). */
    private static void sortRow(long[] start, long[] end, byte[] cat, int[] index) {
        boolean sorted = true;
        for (int i = 1; i < start.length && sorted; i++) {
            sorted = start[i - 1] <= start[i];
        }
        if (sorted) {
            return;
        }
        Integer[] order = new Integer[start.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> start[a] != start[b] ? Long.compare(start[a], start[b]) : Integer.compare(a, b));
        long[] s = start.clone();
        long[] e = end.clone();
        byte[] c = cat.clone();
        int[] x = index.clone();
        for (int i = 0; i < order.length; i++) {
            start[i] = s[order[i]];
            end[i] = e[order[i]];
            cat[i] = c[order[i]];
            index[i] = x[order[i]];
        }
    }

    /** Rows (GPU, stream pairs with spans). */
    public int rowCount() {
        return rowGpu.length;
    }

    /** GPU of a row. */
    public int rowGpu(int row) {
        return rowGpu[row];
    }

    /** Stream of a row. */
    public int rowStream(int row) {
        return rowStream[row];
    }

    /** Label of a row: GPU, stream and the stream's role ("GPU 3 · s0 compute"). */
    public String rowLabel(int row) {
        return rowLabel[row];
    }

    /** Spans in a row. */
    public int rowSize(int row) {
        return start[row].length;
    }

    /** GPUs the run had (rows exist only for those with spans). */
    public int gpuCount() {
        return gpuCount;
    }

    /** Spans in all rows. */
    public int spanCount() {
        return spanCount;
    }

    /** End of the last span, ns. */
    public long endNs() {
        return endNs;
    }

    /** Categories, indexed by the ordinals {@link #layout} reports. */
    public static List<Category> categories() {
        return List.of(CATEGORIES);
    }

    /** The span at position {@code i} of a row. */
    public Span span(int row, int i) {
        return spans.apply(spanIndex[row][i]);
    }

    /** First position in the row whose span may end after {@code t} (all earlier ones end at or before it). */
    private int firstEndingAfter(int row, double t) {
        long[] m = maxEnd[row];
        int lo = 0;
        int hi = m.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (m[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The rectangles that draw one row of the window {@code [t0Ns, t1Ns)} at {@code widthPx} pixels:
     * spans outside the window are skipped by binary search (culling), spans of at least a pixel are
     * drawn as they are, and runs of narrower spans are merged into one rectangle per pixel column,
     * coloured by the category that takes most of the merged time (level of detail); touching
     * rectangles of one category become one. So a row never yields more than about two rectangles per
     * pixel column, however many spans it holds.
     *
     * @param out receives the rectangles, x in pixels from the window's left edge (may extend past 0 or
     *            {@code widthPx}); cleared first
     * @return the number of rectangles
     */
    public int layout(int row, double t0Ns, double t1Ns, int widthPx, RowLayout out) {
        out.clear();
        if (!(t1Ns > t0Ns) || widthPx <= 0) {
            return 0;
        }
        long[] s = start[row];
        long[] e = end[row];
        byte[] c = category[row];
        double pxPerNs = widthPx / (t1Ns - t0Ns);
        int n = s.length;
        int i = firstEndingAfter(row, t0Ns);
        long[] catNs = out.catNs;
        while (i < n && s[i] < t1Ns) {
            double x0 = (s[i] - t0Ns) * pxPerNs;
            double x1 = (e[i] - t0Ns) * pxPerNs;
            if (x1 - x0 >= 1.0) {
                out.add(x0, x1, c[i], 1);
                i++;
                continue;
            }
            // Merge every span that starts in this pixel column into one rectangle.
            double px = Math.floor(x0);
            double columnEndNs = t0Ns + (px + 1) / pxPerNs;
            Arrays.fill(catNs, 0);
            double right = x1;
            int merged = 0;
            while (i < n && s[i] < columnEndNs) {
                catNs[c[i]] += Math.max(1, e[i] - s[i]);
                right = Math.max(right, (e[i] - t0Ns) * pxPerNs);
                merged++;
                i++;
            }
            int best = 0;
            for (int k = 1; k < catNs.length; k++) {
                if (catNs[k] > catNs[best]) {
                    best = k;
                }
            }
            out.add(px, Math.max(px + 1, right), (byte) best, merged);
        }
        return out.size;
    }

    /**
     * The span of a row under time {@code tNs}, or the nearest one within {@code toleranceNs} of it
     * (so sub-pixel spans can be hovered); -1 if none.
     */
    public int spanAt(int row, double tNs, double toleranceNs) {
        long[] s = start[row];
        long[] e = end[row];
        long[] m = maxEnd[row];
        // last span starting at or before t + tolerance
        int lo = 0;
        int hi = s.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (s[mid] <= tNs + toleranceNs) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int best = -1;
        double bestDistance = Double.MAX_VALUE;
        for (int j = lo - 1; j >= 0 && m[j] >= tNs - toleranceNs; j--) {
            double d = tNs < s[j] ? s[j] - tNs : tNs > e[j] ? tNs - e[j] : 0;
            if (d <= toleranceNs && (d < bestDistance || d == bestDistance && e[j] - s[j] > e[best] - s[best])) {
                best = j;
                bestDistance = d;
            }
            if (d == 0 && lo - j > 64) {
                break;
            }
        }
        return best;
    }

    /** Rows of one GPU, in stream order. */
    public int[] rowsOfGpu(int gpu) {
        List<Integer> out = new ArrayList<>();
        for (int r = 0; r < rowGpu.length; r++) {
            if (rowGpu[r] == gpu) {
                out.add(r);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Rectangles of one row, reused from frame to frame: {@code x0}, {@code x1} in pixels, the category
     * ordinal, and how many spans each stands for.
     */
    public static final class RowLayout {
        private double[] x0 = new double[256];
        private double[] x1 = new double[256];
        private byte[] category = new byte[256];
        private int[] spans = new int[256];
        private int size;
        private final long[] catNs = new long[CATEGORIES.length];

        void clear() {
            size = 0;
        }

        void add(double left, double right, byte cat, int count) {
            if (size > 0 && category[size - 1] == cat && left <= x1[size - 1]) {
                // touches the previous rectangle of the same colour: one rectangle draws both
                x1[size - 1] = Math.max(x1[size - 1], right);
                spans[size - 1] += count;
                return;
            }
            if (size == x0.length) {
                int n = size * 2;
                x0 = Arrays.copyOf(x0, n);
                x1 = Arrays.copyOf(x1, n);
                category = Arrays.copyOf(category, n);
                spans = Arrays.copyOf(spans, n);
            }
            x0[size] = left;
            x1[size] = right;
            category[size] = cat;
            spans[size] = count;
            size++;
        }

        /** Rectangles held. */
        public int size() {
            return size;
        }

        /** Left edge of rectangle {@code i}, px. */
        public double x0(int i) {
            return x0[i];
        }

        /** Right edge of rectangle {@code i}, px. */
        public double x1(int i) {
            return x1[i];
        }

        /** Category ordinal of rectangle {@code i}. */
        public int category(int i) {
            return category[i];
        }

        /** Spans rectangle {@code i} stands for (1 unless merged). */
        public int spans(int i) {
            return spans[i];
        }
    }
}
