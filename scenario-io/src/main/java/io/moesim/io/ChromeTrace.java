package io.moesim.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.moesim.engine.SimulationResult;
import io.moesim.engine.Span;
import io.moesim.engine.TaskGraph;
import io.moesim.profiles.table.AtomicFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * Writes a simulation as a Chrome trace (Trace Event Format, JSON object form), which Perfetto and
 * {@code chrome://tracing} open: one process per GPU ({@code pid} = GPU), one thread per stream
 * ({@code tid} = stream), one complete event ({@code "ph": "X"}) per span with {@code ts}/{@code dur}
 * in microseconds. Spans on one stream never overlap (the engine runs a stream in order), so every
 * thread is a well-formed stack. Events are sorted by GPU, stream and start.
 *
 * <p>Large runs: pass a rank filter to keep only some GPUs. The file is streamed (Jackson's generator)
 * to a temporary file and moved into place when complete.
 */
public final class ChromeTrace {
    private ChromeTrace() {
    }

    /**
     * Parses a rank filter such as {@code 0-7,16,32-33}; {@code null} or empty selects every GPU.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static BitSet ranks(String filter, int gpus) {
        BitSet set = new BitSet(gpus);
        if (filter == null || filter.isBlank()) {
            set.set(0, gpus);
            return set;
        }
        for (String part : filter.split(",")) {
            String p = part.strip();
            try {
                int dash = p.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).strip());
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1).strip());
                if (lo < 0 || hi >= gpus || lo > hi) {
                    throw new IllegalArgumentException("rank range '" + p + "' is outside 0.." + (gpus - 1));
                }
                set.set(lo, hi + 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad rank range '" + p + "' (expected like 0-7,16)");
            }
        }
        return set;
    }

    /** Writes the trace of {@code result} for the GPUs in {@code ranks} to {@code file}. */
    public static void write(SimulationResult result, BitSet ranks, Path file) throws IOException {
        AtomicFile.write(file, out -> write(result, ranks, out));
    }

    /** Streams the trace to {@code out} (not closed). */
    public static void write(SimulationResult result, BitSet ranks, OutputStream out) throws IOException {
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < result.spanCount(); i++) {
            Span s = result.span(i);
            if (ranks.get(s.gpu())) {
                spans.add(s);
            }
        }
        spans.sort(Comparator.comparingInt(Span::gpu).thenComparingInt(Span::stream).thenComparingLong(Span::startNs)
                .thenComparingLong(Span::endNs).thenComparingInt(Span::task));
        int streams = result.graph().streamsPerGpu();
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out, JsonEncoding.UTF8)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.writeStartObject();
            g.writeStringField("displayTimeUnit", "ns");
            g.writeArrayFieldStart("traceEvents");
            for (int gpu = ranks.nextSetBit(0); gpu >= 0; gpu = ranks.nextSetBit(gpu + 1)) {
                metadata(g, "process_name", gpu, -1, "GPU " + gpu + " (node " + result.graph().topology().nodeOf(gpu) + ")");
                metadata(g, "process_sort_index", gpu, -1, null);
                for (int s = 0; s < streams; s++) {
                    metadata(g, "thread_name", gpu, s, streamName(s));
                }
            }
            for (Span s : spans) {
                g.writeStartObject();
                g.writeStringField("name", s.name());
                g.writeStringField("cat", s.category().id());
                g.writeStringField("ph", "X");
                g.writeNumberField("pid", s.gpu());
                g.writeNumberField("tid", s.stream());
                g.writeNumberField("ts", s.startNs() / 1e3);
                g.writeNumberField("dur", s.durationNs() / 1e3);
                g.writeObjectFieldStart("args");
                g.writeNumberField("task", s.task());
                if (s.bytes() > 0) {
                    g.writeNumberField("bytes", s.bytes());
                }
                if (s.flops() > 0) {
                    g.writeNumberField("flops", s.flops());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static String streamName(int stream) {
        return switch (stream) {
            case TaskGraph.COMPUTE_STREAM -> "stream 0 (compute)";
            case TaskGraph.COMM_STREAM -> "stream 1 (communication)";
            case 9 -> "stream 9 (host: framework launches)";
            default -> "stream " + stream;
        };
    }

    private static void metadata(JsonGenerator g, String name, int pid, int tid, String value) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("ph", "M");
        g.writeNumberField("pid", pid);
        if (tid >= 0) {
            g.writeNumberField("tid", tid);
        }
        g.writeObjectFieldStart("args");
        if (value == null) {
            g.writeNumberField("sort_index", pid);
        } else {
            g.writeStringField("name", value);
        }
        g.writeEndObject();
        g.writeEndObject();
    }
}
