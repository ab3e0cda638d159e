package io.moesim.profiles.table;

import io.moesim.cost.Collective;
import io.moesim.profiles.ProfileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the standard output of NVIDIA nccl-tests' {@code all_reduce_perf}, {@code all_gather_perf},
 * {@code reduce_scatter_perf}, {@code alltoall_perf} and {@code sendrecv_perf} into
 * {@link CollectiveMeasurement}s, one per data row.
 *
 * <p>The format is the one the NVIDIA/nccl-tests README shows and {@code src/common.cu} /
 * {@code src/util.cu} print; {@code doc/PERFORMANCE.md} there defines algorithm and bus bandwidth
 * ({@link Collective#busFactor(int)} holds the factors). A run of nccl-tests 2.18 looks like this
 * (trailing blanks trimmed). Before 2.17.4 there is no version line, before 2.16.7 no
 * {@code Collective test starting} line, before 2.14.1 the PCI bus prints as {@code [0x18]}, and column
 * widths and the precision of times differ a little between versions:
 *
 * <pre>
 * # nccl-tests version 2.18.0 nccl-headers=22803 nccl-library=22803
 * # Collective test starting: all_reduce_perf
 * # nThread 1 nGpus 1 minBytes 1048576 maxBytes 8589934592 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0
 * #
 * # Using devices
 * #  Rank  0 Group  0 Pid 412873 on dgx-h100-017 device  0 [0000:18:00] NVIDIA H100 80GB HBM3
 * #  Rank  1 Group  0 Pid 412876 on dgx-h100-017 device  1 [0000:2a:00] NVIDIA H100 80GB HBM3
 * …
 * #
 * #                                                              out-of-place                       in-place
 * #       size         count      type   redop    root     time   algbw   busbw  #wrong     time   algbw   busbw  #wrong
 * #        (B)    (elements)                               (us)  (GB/s)  (GB/s)             (us)  (GB/s)  (GB/s)
 *      1048576        262144     float     sum      -1    24.57   42.67   74.67       0    24.93   42.06   73.61       0
 * …
 *   4294967296    1073741824     float     sum      -1  15622.3  274.92  481.12       0  15641.6  274.59  480.52       0
 * # Out of bounds values : 0 OK
 * # Avg bus bandwidth    : 350.805
 * #
 * # Collective test concluded: all_reduce_perf
 * </pre>
 *
 * <p>What is read, and how:
 * <ul>
 *   <li><b>Op</b>: the caller's, when given; else the program named by a {@code # Collective test starting:}
 *       line (nccl-tests 2.16.7 and later); else the one binary name ({@code all_reduce_perf}, …) that lines
 *       before the column header mention, such as an echoed command line; else the file name of
 *       {@code display}, which may contain the binary's name or the op's ({@code all_reduce_perf-8xh100.log},
 *       {@code allreduce.log}, {@code reduce-scatter.txt}). A log of another nccl-tests binary
 *       ({@code broadcast_perf}) is an error.</li>
 *   <li><b>Ranks</b>: the {@code #  Rank N [Group G] [Pid P] on HOST device D [BUS] NAME} lines (older
 *       versions lack {@code Group} or {@code Pid}). Ranks must be numbered 0..n−1, once each. GPUs per node is
 *       the rank count of the most common host; every host must have the same count.</li>
 *   <li><b>Columns</b>: located by name in the header line that has {@code size count type time algbw busbw};
 *       the first {@code time algbw busbw} triple, the <em>out-of-place</em> one, is kept. Older versions have
 *       no {@code redop}/{@code root} columns for some binaries, and nccl-tests 2.13 printed an empty
 *       {@code redop} cell for all-gather and all-to-all; a row whose {@code redop} cell holds an integer (the
 *       root) is read with the cells after it shifted back by one. {@code #wrong} may be {@code N/A}
 *       ({@code -c 0}); a positive {@code #wrong} (validation failed) is an error. A log in CPU time
 *       ({@code -C 1}, column {@code cputime}) is refused.</li>
 *   <li><b>Rows</b>: lines after the header that do not start with {@code #} and whose first token is an
 *       integer; anything else (the {@code nThread} line, {@code NCCL INFO} chatter, the
 *       {@code Out of bounds values} and {@code Avg bus bandwidth} trailer) is ignored. A row with fewer cells
 *       than the header, or a time of {@code N/A}, is an error.</li>
 *   <li><b>Skipped rows</b>: size 0 (nccl-tests prints these when the size is below one element per rank,
 *       with zero bandwidth), and rows whose algorithm or bus bandwidth prints as {@code 0.00}: at tiny sizes
 *       the bandwidth is below nccl-tests' print resolution of 0.01 GB/s, so the row carries no usable
 *       bandwidth and a {@link CollectiveMeasurement} needs positive values.</li>
 * </ul>
 *
 * <p>Every problem is collected and reported at once, as {@code display:line: reason} or
 * {@code display: reason}.
 */
public final class NcclTestsLog {
    /** {@code #  Rank  0 Group  0 Pid  12345 on  node-a device  0 [0x18] NAME}; Group and Pid are optional. */
    private static final Pattern RANK_LINE = Pattern.compile("#\\s*Rank\\s+(\\d+)\\s+(?:Group\\s+-?\\d+\\s+)?"
            + "(?:Pid\\s+\\d+\\s+)?on\\s+(\\S+)\\s+device\\s+\\d+(?:\\s.*)?");
    private static final Pattern RANK_PREFIX = Pattern.compile("#\\s*Rank\\s.*");
    private static final Pattern TEST_STARTING = Pattern.compile("#\\s*Collective test starting:\\s*(\\S+).*");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final String NOT_AVAILABLE = "N/A";

    private NcclTestsLog() {
    }

    /**
     * Reads a log file (UTF-8) and parses it with {@link #parse}, naming the file in messages.
     *
     * @param file     the nccl-tests output
     * @param opOrNull the collective, or null to detect it from the log or the file name
     * @return the usable rows, in log order
     * @throws ProfileException if the file cannot be read or the log has problems
     */
    public static List<CollectiveMeasurement> read(Path file, Collective opOrNull) throws ProfileException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ProfileException(List.of(file + ": not found"));
        } catch (IOException e) {
            throw new ProfileException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ProfileException(List.of(file + ": not UTF-8 text"));
        }
        return parse(file.toString(), text, opOrNull);
    }

    /**
     * Parses nccl-tests output.
     *
     * @param display  names the log in messages; its file name may tell the op
     * @param text     the whole output of one run
     * @param opOrNull the collective, or null to detect it (see the class description)
     * @return the usable rows, in log order (rows of size 0 or of bandwidth 0.00 are skipped)
     * @throws ProfileException listing every problem found, each as {@code display:line: reason} or
     *                          {@code display: reason}
     */
    public static List<CollectiveMeasurement> parse(String display, String text, Collective opOrNull)
            throws ProfileException {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        if (body.isBlank()) {
            throw new ProfileException(List.of(display + ": empty log (expected the output of an nccl-tests binary)"));
        }
        Scan scan = new Scan(display, body.split("\\R", -1));
        scan.run();
        List<String> problems = scan.problems;

        Collective op = opOrNull != null ? opOrNull : scan.detectOp();
        Layout layout = scan.layout();
        List<CollectiveMeasurement> out = new ArrayList<>();
        if (scan.columns == null) {
            if (!scan.refusedHeader) {
                problems.add(display + ": no column header ('#  size  count  type  …  time  algbw  busbw …'); "
                        + "is this nccl-tests output?");
            }
        } else if (scan.rows.isEmpty()) {
            problems.add(display + ": no data rows after the column header on line " + scan.columns.line
                    + " (did the run finish?)");
        } else {
            int usable = 0;
            for (DataRow row : scan.rows) {
                Cells cells = scan.columns.read(display, row, problems);
                if (cells == null) {
                    continue;
                }
                usable++;
                if (op != null && layout != null) {
                    out.add(new CollectiveMeasurement(op, layout.ranks, layout.gpusPerNode, cells.sizeBytes,
                            cells.dtype, cells.timeUs, cells.algGBps, cells.busGBps));
                }
            }
            if (usable == 0 && problems.isEmpty()) {
                problems.add(display + ": every row has size 0 or a bandwidth of 0.00 GB/s (below nccl-tests' print "
                        + "resolution); measure larger sizes");
            }
        }
        if (!problems.isEmpty()) {
            throw new ProfileException(problems);
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The text pattern of a binary's name, not glued to other letters or digits ({@code alltoallv_perf} is not
     * {@code alltoall_perf}; {@code all_reduce_perf_mpi} is {@code all_reduce_perf}).
     */
    private static Pattern binaryPattern(Collective c) {
        return Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(c.ncclTestsBinary()) + "(?![A-Za-z0-9])");
    }

    /**
     * The file-name pattern of a collective: the binary's stem with optional {@code _}/{@code -} between its
     * words ({@code all_reduce}, {@code allreduce}, {@code all-reduce}), not glued to other letters.
     */
    private static Pattern fileNamePattern(Collective c) {
        String stem = c.ncclTestsBinary().replaceFirst("_perf$", "");
        String words = Arrays.stream(stem.split("_")).map(Pattern::quote).collect(Collectors.joining("[_-]?"));
        return Pattern.compile("(?<![a-z])" + words + "(?![a-z])");
    }

    private static String binaries() {
        return Arrays.stream(Collective.values()).map(Collective::ncclTestsBinary).collect(Collectors.joining(", "));
    }

    /** One pass over the lines: rank lines, op hints, the column header and the data rows. */
    private static final class Scan {
        private final String display;
        private final String[] lines;
        private final List<String> problems = new ArrayList<>();
        private final List<RankLine> rankLines = new ArrayList<>();
        private final Set<Collective> mentioned = new LinkedHashSet<>();
        private final List<DataRow> rows = new ArrayList<>();
        private Columns columns;
        private boolean refusedHeader;
        private int startingLine;
        private String startingProgram;

        Scan(String display, String[] lines) {
            this.display = display;
            this.lines = lines;
        }

        void run() {
            for (int i = 0; i < lines.length; i++) {
                int lineNo = i + 1;
                String line = lines[i].strip();
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("#")) {
                    comment(lineNo, line);
                } else {
                    String[] cells = line.split("\\s+");
                    if (columns != null && DIGITS.matcher(cells[0]).matches()) {
                        rows.add(new DataRow(lineNo, cells));
                    } else if (columns == null && !refusedHeader) {
                        mention(line);
                    }
                }
            }
        }

        private void comment(int lineNo, String line) {
            Matcher rank = RANK_LINE.matcher(line);
            if (rank.matches()) {
                rankLines.add(new RankLine(lineNo, rank.group(1), rank.group(2)));
                return;
            }
            if (RANK_PREFIX.matcher(line).matches()) {
                problems.add(display + ":" + lineNo + ": cannot read this Rank line (expected '#  Rank N Group G Pid P "
                        + "on HOST device D [BUS] NAME')");
                return;
            }
            Matcher starting = TEST_STARTING.matcher(line);
            if (starting.matches()) {
                if (startingProgram == null) {
                    startingProgram = starting.group(1);
                    startingLine = lineNo;
                }
                return;
            }
            List<String> tokens = List.of(line.substring(1).strip().split("\\s+"));
            boolean timed = tokens.contains("time") || tokens.contains("cputime");
            if (tokens.containsAll(List.of("size", "count", "type", "algbw", "busbw")) && timed) {
                header(lineNo, tokens);
            } else if (columns == null && !refusedHeader) {
                mention(line);
            }
        }

        private void header(int lineNo, List<String> tokens) {
            if (columns != null || refusedHeader) {
                int first = columns != null ? columns.line : lineNo;
                problems.add(display + ":" + lineNo + ": a second column header (the first is on line " + first
                        + "); keep one nccl-tests run per log");
                return;
            }
            int time = tokens.indexOf("time");
            if (time < 0) {
                refusedHeader = true;
                problems.add(display + ":" + lineNo + ": the log reports CPU time (nccl-tests -C 1); time_us must be "
                        + "the GPU-synchronised time, so run the test without -C");
                return;
            }
            int alg = indexAfter(tokens, "algbw", time);
            int bus = indexAfter(tokens, "busbw", alg);
            if (alg < 0 || bus < 0) {
                refusedHeader = true;
                problems.add(display + ":" + lineNo + ": column header has no 'algbw busbw' after 'time'");
                return;
            }
            int wrong = bus + 1 < tokens.size() && tokens.get(bus + 1).equals("#wrong") ? bus + 1 : -1;
            columns = new Columns(lineNo, tokens.size(), tokens.indexOf("size"), tokens.indexOf("type"),
                    tokens.indexOf("redop"), time, alg, bus, wrong);
        }

        private static int indexAfter(List<String> tokens, String word, int from) {
            if (from < 0) {
                return -1;
            }
            for (int i = from + 1; i < tokens.size(); i++) {
                if (tokens.get(i).equals(word)) {
                    return i;
                }
            }
            return -1;
        }

        /** Notes which binaries a line before the header names (an echoed command line, a banner). */
        private void mention(String line) {
            for (Collective c : Collective.values()) {
                if (binaryPattern(c).matcher(line).find()) {
                    mentioned.add(c);
                }
            }
        }

        /** The op from the log, else from the file name; null after recording a problem. */
        Collective detectOp() {
            if (startingProgram != null) {
                for (Collective c : Collective.values()) {
                    if (binaryPattern(c).matcher(startingProgram).find()) {
                        return c;
                    }
                }
                problems.add(display + ":" + startingLine + ": this log is from " + startingProgram
                        + ", which measures no collective moe-sim reads (" + binaries() + ")");
                return null;
            }
            if (mentioned.size() == 1) {
                return mentioned.iterator().next();
            }
            String name = display.substring(Math.max(display.lastIndexOf('/'), display.lastIndexOf('\\')) + 1)
                    .toLowerCase(Locale.ROOT);
            Collective found = null;
            int matches = 0;
            for (Collective c : Collective.values()) {
                if (fileNamePattern(c).matcher(name).find()) {
                    found = c;
                    matches++;
                }
            }
            if (matches == 1) {
                return found;
            }
            problems.add(display + ": cannot tell which collective this log measures (name the file after the binary, "
                    + "e.g. all_reduce_perf.log, or pass the op)");
            return null;
        }

        /** Ranks and GPUs per node from the Rank lines; null after recording a problem. */
        Layout layout() {
            if (rankLines.isEmpty()) {
                problems.add(display + ": no '#  Rank N Group G Pid P on HOST device D' lines (keep nccl-tests' whole "
                        + "output): cannot tell how many ranks ran");
                return null;
            }
            Map<Integer, Integer> lineOfRank = new TreeMap<>();
            Map<String, Integer> perHost = new LinkedHashMap<>();
            boolean ok = true;
            for (RankLine r : rankLines) {
                int rank;
                try {
                    rank = Integer.parseInt(r.rank);
                } catch (NumberFormatException e) {
                    problems.add(display + ":" + r.line + ": rank " + r.rank + " is out of range");
                    ok = false;
                    continue;
                }
                Integer first = lineOfRank.putIfAbsent(rank, r.line);
                if (first != null) {
                    problems.add(display + ":" + r.line + ": rank " + rank + " is listed twice (first on line " + first
                            + "); keep one nccl-tests run per log");
                    ok = false;
                    continue;
                }
                perHost.merge(r.host, 1, Integer::sum);
            }
            if (!ok) {
                return null;
            }
            int ranks = lineOfRank.size();
            for (int expected = 0; expected < ranks; expected++) {
                if (!lineOfRank.containsKey(expected)) {
                    problems.add(display + ": ranks are not numbered 0.." + (ranks - 1) + " (rank " + expected
                            + " is missing); is the device list cut short?");
                    return null;
                }
            }
            if (perHost.values().stream().distinct().count() > 1) {
                String counts = perHost.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining(", "));
                problems.add(display + ": hosts have different rank counts (" + counts
                        + "); gpus_per_node must be the same on every node");
                return null;
            }
            int gpusPerNode = perHost.values().iterator().next();
            return new Layout(ranks, gpusPerNode);
        }
    }

    /** Where the kept cells are, from the header's tokens (the leading {@code #} removed). */
    private record Columns(int line, int count, int size, int type, int redop, int time, int alg, int bus,
                           int wrong) {
        /** The row's cells, or null when the row is skipped or has problems (recorded). */
        Cells read(String display, DataRow row, List<String> problems) {
            String[] cells = row.cells;
            String where = display + ":" + row.line + ": ";
            // nccl-tests 2.13 printed an empty redop cell for all-gather and all-to-all: the root (-1) then
            // stands where the header says redop, and every later cell is one to the left.
            int shift = redop >= 0 && redop < cells.length && INTEGER.matcher(cells[redop]).matches() ? 1 : 0;
            if (cells.length < count - shift) {
                problems.add(where + "expected " + (count - shift) + " cells like the column header on line " + line
                        + ", got " + cells.length);
                return null;
            }
            int before = problems.size();
            long sizeBytes = 0;
            try {
                sizeBytes = Long.parseLong(cells[size]);
            } catch (NumberFormatException e) {
                problems.add(where + "size: " + cells[size] + " is out of range");
            }
            double timeUs = number(cells[time - shift], "time", where, problems);
            double algGBps = number(cells[alg - shift], "algbw", where, problems);
            double busGBps = number(cells[bus - shift], "busbw", where, problems);
            if (wrong >= 0) {
                String w = cells[wrong - shift];
                if (NUMBER.matcher(w).matches() && Double.parseDouble(w) > 0) {
                    problems.add(where + "#wrong: nccl-tests found " + w + " wrong elements; a run that fails "
                            + "validation is not a measurement");
                }
            }
            if (problems.size() > before || sizeBytes == 0 || algGBps == 0 || busGBps == 0) {
                return null;
            }
            if (timeUs <= 0) {
                problems.add(where + "time: must be positive, got " + cells[time - shift]);
                return null;
            }
            return new Cells(sizeBytes, cells[type], timeUs, algGBps, busGBps);
        }

        /** A non-negative finite number; NaN after recording a problem. */
        private static double number(String cell, String column, String where, List<String> problems) {
            if (cell.equals(NOT_AVAILABLE)) {
                problems.add(where + column + ": N/A (nccl-tests printed no out-of-place value)");
                return Double.NaN;
            }
            if (NUMBER.matcher(cell).matches()) {
                double v = Double.parseDouble(cell);
                if (v >= 0 && Double.isFinite(v)) {
                    return v;
                }
            }
            problems.add(where + column + ": expected a non-negative number, got \"" + cell + "\"");
            return Double.NaN;
        }
    }

    /** A {@code Rank} line: its number (as printed) and host. */
    private record RankLine(int line, String rank, String host) {
    }

    /** A data row: its line and whitespace-separated cells. */
    private record DataRow(int line, String[] cells) {
    }

    /** The kept cells of one usable row. */
    private record Cells(long sizeBytes, String dtype, double timeUs, double algGBps, double busGBps) {
    }

    /** Ranks in the run and ranks per node. */
    private record Layout(int ranks, int gpusPerNode) {
    }
}
