package io.moesim.profiles.table;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.csv.CSVRecord;

/**
 * Typed access to one CSV row. A bad cell records a problem naming file, line, column number and
 * column name ({@code gemm.csv:7:3: k: expected a positive integer, got "-1"}) and returns a
 * harmless value so the reader can go on and report every problem at once.
 */
public final class RowReader {
    private final String display;
    private final int line;
    private final CSVRecord record;
    private final Map<String, Integer> columns;
    private final List<String> problems;

    RowReader(String display, int line, CSVRecord record, Map<String, Integer> columns, List<String> problems) {
        this.display = display;
        this.line = line;
        this.record = record;
        this.columns = columns;
        this.problems = problems;
    }

    /** Whether the file has {@code column} and this row a non-empty value in it. */
    public boolean has(String column) {
        Integer i = columns.get(column);
        return i != null && i < record.size() && !record.get(i).isBlank();
    }

    /** The raw cell, stripped; empty when absent. */
    public String text(String column) {
        Integer i = columns.get(column);
        if (i == null || i >= record.size()) {
            return "";
        }
        return record.get(i).strip();
    }

    /** A required non-empty text cell. */
    public String requiredText(String column) {
        String v = text(column);
        if (v.isEmpty()) {
            problem(column, "must not be empty");
        }
        return v;
    }

    /** A positive integer ({@code 4096}); {@code 1} after recording a problem. */
    public long positiveLong(String column) {
        String v = text(column);
        try {
            long x = Long.parseLong(v);
            if (x > 0) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(column, "expected a positive integer, got \"" + v + "\"");
        return 1;
    }

    /** A non-negative integer ({@code 0} allowed); {@code 0} after recording a problem. */
    public long nonNegativeLong(String column) {
        String v = text(column);
        try {
            long x = Long.parseLong(v);
            if (x >= 0) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(column, "expected a non-negative integer, got \"" + v + "\"");
        return 0;
    }

    /** A positive integer that fits an {@code int}. */
    public int positiveInt(String column) {
        long x = positiveLong(column);
        if (x > Integer.MAX_VALUE) {
            problem(column, "must be at most " + Integer.MAX_VALUE + ", got " + x);
            return 1;
        }
        return (int) x;
    }

    /** A positive finite decimal in {@code Locale.ROOT} form ({@code 12.5}, not {@code 12,5}); {@code 1} after a problem. */
    public double positiveDouble(String column) {
        String v = text(column);
        try {
            double x = Double.parseDouble(v);
            if (x > 0 && !Double.isInfinite(x) && !v.endsWith("d") && !v.endsWith("f") && !v.endsWith("D")
                    && !v.endsWith("F")) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(column, "expected a positive number with '.' as the decimal point, got \"" + v + "\"");
        return 1;
    }

    /** An optional positive number; NaN when the cell is empty or the column absent. */
    public double optionalPositiveDouble(String column) {
        return has(column) ? positiveDouble(column) : Double.NaN;
    }

    /** An optional positive integer; 0 when the cell is empty or the column absent. */
    public int optionalPositiveInt(String column) {
        return has(column) ? positiveInt(column) : 0;
    }

    /** A value parsed by {@code parse}, whose {@link IllegalArgumentException} message becomes the problem. */
    public <E> E choice(String column, Function<String, E> parse) {
        String v = text(column);
        try {
            return parse.apply(v);
        } catch (IllegalArgumentException e) {
            problem(column, e.getMessage());
            return null;
        }
    }

    /** Records a problem with this row as a whole (a rule across cells). */
    public void rowProblem(String message) {
        problems.add(display + ":" + line + ": " + message);
    }

    /** Records a problem with one cell. */
    public void problem(String column, String message) {
        Integer i = columns.get(column);
        String where = i == null ? "" : ":" + (i + 1);
        problems.add(display + ":" + line + where + ": " + column + ": " + message);
    }

    /** The line this row starts on (1-based). */
    public int line() {
        return line;
    }
}
