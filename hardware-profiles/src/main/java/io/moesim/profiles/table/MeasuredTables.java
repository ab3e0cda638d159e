package io.moesim.profiles.table;

import io.moesim.profiles.ProfileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The optional measured tables of a profile directory; any of them may be empty.
 *
 * @param gemm        {@code gemm.csv}
 * @param memory      {@code membw.csv}
 * @param collectives {@code collectives.csv}
 * @param launch      {@code launch.csv}
 * @param attention   {@code attention.csv}
 */
public record MeasuredTables(List<GemmMeasurement> gemm, List<MemoryMeasurement> memory,
                             List<CollectiveMeasurement> collectives, List<LaunchMeasurement> launch,
                             List<AttentionMeasurement> attention) {
    /** No measurements: the analytical models answer everything. */
    public static final MeasuredTables NONE = new MeasuredTables(List.of(), List.of(), List.of(), List.of(), List.of());

    /** Tables without an attention table. */
    public MeasuredTables(List<GemmMeasurement> gemm, List<MemoryMeasurement> memory,
                          List<CollectiveMeasurement> collectives, List<LaunchMeasurement> launch) {
        this(gemm, memory, collectives, launch, List.of());
    }

    public MeasuredTables {
        attention = List.copyOf(attention);
        gemm = List.copyOf(gemm);
        memory = List.copyOf(memory);
        collectives = List.copyOf(collectives);
        launch = List.copyOf(launch);
    }

    /** Reads whichever tables exist in {@code dir}, reporting the problems of all of them at once. */
    public static MeasuredTables read(Path dir) throws ProfileException {
        List<String> problems = new ArrayList<>();
        List<GemmMeasurement> gemm = readOne(dir, GemmMeasurement.FORMAT, problems);
        List<MemoryMeasurement> memory = readOne(dir, MemoryMeasurement.FORMAT, problems);
        List<CollectiveMeasurement> collectives = readOne(dir, CollectiveMeasurement.FORMAT, problems);
        List<LaunchMeasurement> launch = readOne(dir, LaunchMeasurement.FORMAT, problems);
        List<AttentionMeasurement> attention = readOne(dir, AttentionMeasurement.FORMAT, problems);
        if (!problems.isEmpty()) {
            throw new ProfileException(problems);
        }
        return new MeasuredTables(gemm, memory, collectives, launch, attention);
    }

    private static <T> List<T> readOne(Path dir, TableFormat<T> format, List<String> problems) {
        try {
            return CsvTables.readIfPresent(dir, format);
        } catch (ProfileException e) {
            problems.addAll(e.problems());
            return List.of();
        }
    }

    /**
     * Parses whichever tables {@code textOf} supplies (it maps a table's file name to its text, or to
     * {@code null} when there is no such table), as for tables bundled on the class path.
     *
     * @param display prefix naming the tables' location in messages ({@code bundled:h100-sxm/})
     */
    public static MeasuredTables parse(String display, Function<String, String> textOf) throws ProfileException {
        List<String> problems = new ArrayList<>();
        List<GemmMeasurement> gemm = parseOne(display, textOf, GemmMeasurement.FORMAT, problems);
        List<MemoryMeasurement> memory = parseOne(display, textOf, MemoryMeasurement.FORMAT, problems);
        List<CollectiveMeasurement> collectives = parseOne(display, textOf, CollectiveMeasurement.FORMAT, problems);
        List<LaunchMeasurement> launch = parseOne(display, textOf, LaunchMeasurement.FORMAT, problems);
        List<AttentionMeasurement> attention = parseOne(display, textOf, AttentionMeasurement.FORMAT, problems);
        if (!problems.isEmpty()) {
            throw new ProfileException(problems);
        }
        return new MeasuredTables(gemm, memory, collectives, launch, attention);
    }

    private static <T> List<T> parseOne(String display, Function<String, String> textOf, TableFormat<T> format,
                                        List<String> problems) {
        String text = textOf.apply(format.fileName());
        if (text == null) {
            return List.of();
        }
        try {
            return CsvTables.parse(display + format.fileName(), text, format);
        } catch (ProfileException e) {
            problems.addAll(e.problems());
            return List.of();
        }
    }

    /** Whether there is no measurement at all. */
    public boolean isEmpty() {
        return gemm.isEmpty() && memory.isEmpty() && collectives.isEmpty() && launch.isEmpty() && attention.isEmpty();
    }

    /** Row counts, for listings: {@code gemm.csv 12 rows, collectives.csv 40 rows}. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        add(parts, GemmMeasurement.FORMAT, gemm);
        add(parts, MemoryMeasurement.FORMAT, memory);
        add(parts, CollectiveMeasurement.FORMAT, collectives);
        add(parts, LaunchMeasurement.FORMAT, launch);
        add(parts, AttentionMeasurement.FORMAT, attention);
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static void add(List<String> parts, TableFormat<?> f, List<?> rows) {
        if (!rows.isEmpty()) {
            parts.add(f.fileName() + " " + rows.size() + (rows.size() == 1 ? " row" : " rows"));
        }
    }
}
