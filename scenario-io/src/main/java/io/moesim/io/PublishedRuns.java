package io.moesim.io;

import io.moesim.profiles.ProfileException;
import io.moesim.profiles.table.CsvTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVRecord;

/**
 * The table of published measured runs that {@code moe-sim validate} and the workbench's Validation tab
 * compare against ({@code validation/published-runs.csv}): one row per reported figure, with at least the
 * columns {@code case}, {@code metric}, {@code reported} and {@code unit}; each case is the scenario file
 * {@code scenarios/<case>.json} beside the table.
 */
public final class PublishedRuns {
    /** Columns every table must have. */
    public static final List<String> REQUIRED_COLUMNS = List.of("case", "metric", "reported", "unit");
    /** A case id names a file: letters, digits, '.', '_' and '-', not starting with '.' or '-'. */
    private static final Pattern CASE_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Pattern LINE_PREFIX = Pattern.compile("(\\d+): (.*)", Pattern.DOTALL);

    private PublishedRuns() {
    }

    /**
     * Reads the table and checks its case ids.
     *
     * @throws InputException naming the file (and line) when it is missing, not UTF-8, not CSV, lacks a
     *                        required column, or has a case id that cannot name a scenario file
     */
    public static List<CSVRecord> read(Path table) throws InputException {
        List<CSVRecord> records;
        try {
            records = CsvTables.readWithHeader(table, REQUIRED_COLUMNS);
        } catch (ProfileException e) {
            throw new InputException(problems(table, e));
        }
        List<Problem> problems = new ArrayList<>();
        for (CSVRecord r : records) {
            String id = r.get("case");
            if (!CASE_ID.matcher(id).matches()) {
                problems.add(new Problem(table.toString(), "line " + (r.getRecordNumber() + 1),
                        "case '" + printable(id) + "': a case id names scenarios/<case>.json, so it takes letters, "
                                + "digits, '.', '_' and '-' only, and does not start with '.' or '-'"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InputException(problems);
        }
        return records;
    }

    /** The scenario file of case {@code id}: {@code scenarios/<id>.json} beside {@code table}. */
    public static Path scenarioOf(Path table, String id) {
        return table.toAbsolutePath().getParent().resolve("scenarios").resolve(id + ".json");
    }

    /** The CSV reader's problems ({@code FILE:LINE: ...} or {@code FILE: ...}) as located {@link Problem}s. */
    private static List<Problem> problems(Path table, ProfileException e) {
        List<Problem> out = new ArrayList<>();
        String prefix = table + ":";
        for (String p : e.problems()) {
            String rest = p.startsWith(prefix) ? p.substring(prefix.length()) : p;
            Matcher line = LINE_PREFIX.matcher(rest);
            out.add(line.matches() ? new Problem(table.toString(), "line " + line.group(1), line.group(2))
                    : new Problem(table.toString(), "", rest.strip()));
        }
        return out;
    }

    /**
     * {@code s} with each control character escaped as four hex digits (NUL as {@code \\u0000}), so a
     * message stays one readable line.
     */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
