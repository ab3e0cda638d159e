package io.moesim.profiles.table;

import io.moesim.cost.Collective;
import io.moesim.profiles.ProfileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the standard output of NVIDIA nccl-tests ({@code all_reduce_perf}, {@code all_gather_perf},
 * {@code reduce_scatter_perf}, {@code alltoall_perf}, {@code sendrecv_perf}) into
 * {@link CollectiveMeasurement}s, as NVIDIA/nccl-tests' README and {@code doc/PERFORMANCE.md} describe it:
 *
 * <pre>
 * # nThread 1 nGpus 1 minBytes 8 maxBytes 8589934592 step: 2(factor) warmup iters: 5 iters: 20 ...
 * #
 * # Using devices
 * #  Rank  0 Group  0 Pid  43411 on  node-a device  0 [0x18] NVIDIA H100 80GB HBM3
 * ...
 * #                                                              out-of-place                       in-place
 * #       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong
 * #        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)
 *    4294967296    1073741824     float     sum      -1  15700.1  273.57  478.74      0  15690.2  273.74  479.04      0
 * # Out of bounds values : 0 OK
 * # Avg bus bandwidth    : 123.4
 * </pre>
 *
 * <ul>
 *   <li>The op comes from the caller, else a {@code # Collective test starting: all_reduce_perf} line
 *       or the binary's name anywhere in a comment, else the file name ({@code all_reduce_perf.log},
 *       {@code allreduce-8xh100.log}).</li>
 *   <li>Ranks are the {@code Rank … on HOST device …} lines; GPUs per node is the rank count per host
 *       (hosts must have equal counts).</li>
 *   <li>Columns are located by the header line (older versions lack {@code redop}/{@code root} for some
 *       binaries); the <em>out-of-place</em> time, algorithm and bus bandwidths are kept.</li>
 *   <li>Rows of size 0, and rows whose bandwidth prints as 0.00 (below print resolution), are skipped:
 *       a table row needs positive values.</li>
 * </ul>
 */
public final class NcclTestsLog {
    private NcclTestsLog() {
    }

    /** Reads a log file; {@code op} may be null to detect it. */
    public static List<CollectiveMeasurement> read(Path file, Collective op) throws ProfileException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            return parse(file.toString(), text, op);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ProfileException(List.of(file + ": not found"));
        } catch (CharacterCodingException e) {
            throw new ProfileException(List.of(file + ": not UTF-8 text"));
        } catch (IOException e) {
            throw new ProfileException(List.of(file + ": cannot read: " + e.getMessage()));
        }
    }

    /** Parses log text; {@code display} names it in messages and may supply the op by its file name. */
    public static List<CollectiveMeasurement> parse(String display, String text, Collective opOrNull)
            throws ProfileException {
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        Collective op = opOrNull != null ? opOrNull : detectOp(display, lines);
        if (op == null) {
            throw new ProfileException(List.of(display + ": cannot tell which collective this log measures (name the "
                    + "file after the binary, e.g. all_reduce_perf.log, or pass the op)"));
        }
        Map<String, Integer> ranksPerHost = new LinkedHashMap<>();
        int ranks = 0;
        int sizeCol = -1;
        int typeCol = -1;
        int timeCol = -1;
        int algCol = -1;
        int busCol = -1;
        int columns = 0;
        List<String[]> rows = new ArrayList<>();
        List<Integer> rowLines = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String body = line.substring(1).strip();
                String[] t = body.split("\\s+");
                if (t.length >= 6 && t[0].equals("Rank") && body.contains(" on ") && body.contains(" device ")) {
                    int on = indexOf(t, "on");
                    if (on < 0 || on + 1 >= t.length) {
                        problems.add(display + ":" + (i + 1) + ": malformed Rank line");
                        continue;
                    }
                    ranksPerHost.merge(t[on + 1], 1, Integer::sum);
                    ranks++;
                } else if (indexOf(t, "size") >= 0 && indexOf(t, "count") >= 0 && indexOf(t, "type") >= 0
                        && indexOf(t, "time") >= 0 && indexOf(t, "algbw") >= 0 && indexOf(t, "busbw") >= 0) {
                    sizeCol = indexOf(t, "size");
                    typeCol = indexOf(t, "type");
                    timeCol = indexOf(t, "time");
                    algCol = indexOf(t, "algbw");
                    busCol = indexOf(t, "busbw");
                    columns = t.length;
                }
                continue;
            }
            String[] t = line.split("\\s+");
            if (!t[0].chars().allMatch(Character::isDigit)) {
                continue;
            }
            if (sizeCol < 0) {
                problems.add(display + ":" + (i + 1) + ": data row before the column header (size count type ... busbw)");
                continue;
            }
            // The header has both out-of-place and in-place triples; rows may omit the in-place half.
            if (t.length <= busCol) {
                problems.add(display + ":" + (i + 1) + ": expected at least " + (busCol + 1) + " columns like the header, got "
                        + t.length);
                continue;
            }
            rows.add(t);
            rowLines.add(i + 1);
        }
        if (ranks == 0) {
            problems.add(display + ": no '#  Rank N Group G Pid P on HOST device D' lines: cannot tell the number of ranks");
        }
        int perNode = ranksPerHost.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (ranksPerHost.values().stream().distinct().count() > 1) {
            problems.add(display + ": hosts have different rank counts " + ranksPerHost + "; moe-sim needs the same count per node");
        }
        if (sizeCol < 0 && problems.isEmpty()) {
            problems.add(display + ": no column header (size count type ... time algbw busbw) found");
        }
        List<CollectiveMeasurement> out = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            String[] t = rows.get(r);
            int line = rowLines.get(r);
            try {
                long size = Long.parseLong(t[sizeCol]);
                double time = number(t[timeCol], "time", display, line);
                double alg = number(t[algCol], "algbw", display, line);
                double bus = number(t[busCol], "busbw", display, line);
                if (size == 0 || alg == 0 || bus == 0) {
                    continue;
                }
                if (ranks > 0 && perNode > 0 && ranks % perNode == 0) {
                    out.add(new CollectiveMeasurement(op, ranks, perNode, size, t[typeCol], time, alg, bus));
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (problems.isEmpty() && out.isEmpty()) {
            problems.add(display + ": no data rows with positive bandwidth");
        }
        if (!problems.isEmpty()) {
            throw new ProfileException(problems);
        }
        return out;
    }

    private static double number(String cell, String column, String display, int line) {
        try {
            double v = Double.parseDouble(cell);
            if (v >= 0 && !Double.isInfinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(display + ":" + line + ": " + column + ": expected a number, got \"" + cell + "\"");
    }

    private static int indexOf(String[] tokens, String word) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals(word)) {
                return i;
            }
        }
        return -1;
    }

    private static Collective detectOp(String display, String[] lines) {
        for (String line : lines) {
            if (line.startsWith("#")) {
                for (Collective c : Collective.values()) {
                    if (line.contains(c.ncclTestsBinary())) {
                        return c;
                    }
                }
            }
        }
        String name = Path.of(display).getFileName().toString().toLowerCase(Locale.ROOT);
        for (Collective c : Collective.values()) {
            if (name.contains(c.ncclTestsBinary())) {
                return c;
            }
        }
        String squashed = name.replace("_", "").replace("-", "");
        for (Collective c : Collective.values()) {
            if (squashed.contains(c.id())) {
                return c;
            }
        }
        return null;
    }
}
