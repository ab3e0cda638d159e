package io.moesim.profiles.table;

import io.moesim.profiles.ProfileException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads and writes a profile's measured tables with Apache Commons CSV.
 *
 * <p>Format: UTF-8, comma-separated, one header row naming the columns (any order; unknown columns are
 * errors so typos do not pass silently), lines starting with {@code #} are comments (the probe writes
 * provenance there), numbers in {@link java.util.Locale#ROOT} form whatever the machine's locale.
 * Every problem in a file is reported at once as {@code file:line:column: name: reason}. Writing goes
 * to a temporary file that replaces the target only when complete.
 */
public final class CsvTables {
    private static final CSVFormat READ = CSVFormat.RFC4180.builder()
            .setCommentMarker('#')
            .setIgnoreEmptyLines(true)
            .setIgnoreSurroundingSpaces(true)
            .get();
    private static final CSVFormat WRITE = CSVFormat.RFC4180.builder()
            .setCommentMarker('#')
            .setRecordSeparator('\n')
            .get();

    /** Commons CSV's messages ({@code %,d} numbers may carry grouping commas). */
    private static final Pattern UNCLOSED_QUOTE =
            Pattern.compile("\\(startline ([\\d,]+)\\) EOF reached before encapsulated token finished");
    private static final Pattern AFTER_QUOTE =
            Pattern.compile("Invalid character between encapsulated token and delimiter at line: ([\\d,]+)");
    private static final Pattern DUPLICATE_COLUMN = Pattern.compile("The header contains a duplicate name: (\"[^\"]*\")");
    private static final Pattern CLASS_NAME_PREFIX = Pattern.compile("\\b[a-z][\\w$]*(\\.[\\w$]+)+: ");

    private CsvTables() {
    }

    /** Reads {@code file}; a missing file is an error (use {@link #readIfPresent} for optional tables). */
    public static <T> List<T> read(Path file, TableFormat<T> format) throws ProfileException {
        return parse(file.toString(), readUtf8(file), format);
    }

    /** The text of {@code file}, which must be UTF-8; problems name the file. */
    public static String readUtf8(Path file) throws ProfileException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ProfileException(List.of(file + ": not found"));
        } catch (IOException e) {
            throw new ProfileException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ProfileException(List.of(file + ": not UTF-8 text"));
        }
    }

    /**
     * Reads a CSV file whose first row names its columns (RFC 4180, UTF-8, no comments), for tables that
     * are not profile tables, such as the published runs {@code validate} compares against.
     *
     * @param required columns that must be in the header
     * @return the records, by column name
     * @throws ProfileException naming the file (and the line) when it cannot be read, is not UTF-8, is not
     *                          CSV, lacks a required column, or has a row whose cells do not match the header
     */
    public static List<CSVRecord> readWithHeader(Path file, List<String> required) throws ProfileException {
        String text = readUtf8(file);
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (CSVParser p = CSVParser.builder().setReader(new java.io.StringReader(body)).setFormat(format).get()) {
            List<String> missing = new ArrayList<>();
            for (String col : required) {
                if (!p.getHeaderMap().containsKey(col)) {
                    missing.add(file + ":1: missing column '" + col + "'");
                }
            }
            if (!missing.isEmpty()) {
                throw new ProfileException(missing);
            }
            List<CSVRecord> records = p.getRecords();
            int[] lineStarts = lineStarts(body);
            List<String> ragged = new ArrayList<>();
            for (CSVRecord r : records) {
                if (r.size() != p.getHeaderNames().size()) {
                    ragged.add(file + ":" + lineOf(lineStarts, r.getCharacterPosition()) + ": expected "
                            + p.getHeaderNames().size() + " cells like the header, got " + r.size());
                }
            }
            if (!ragged.isEmpty()) {
                throw new ProfileException(ragged);
            }
            return records;
        } catch (IOException | UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            throw new ProfileException(List.of(file + ": malformed CSV: " + parseFailure(e)));
        }
    }

    /** The table {@code format.fileName()} in profile directory {@code dir}, or an empty list if there is none. */
    public static <T> List<T> readIfPresent(Path dir, TableFormat<T> format) throws ProfileException {
        Path file = dir.resolve(format.fileName());
        return Files.isRegularFile(file) ? read(file, format) : List.of();
    }

    /** Parses CSV text; {@code display} names the file in messages. */
    public static <T> List<T> parse(String display, String text, TableFormat<T> format) throws ProfileException {
        List<String> problems = new ArrayList<>();
        List<T> out = new ArrayList<>();
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        int[] lineStarts = lineStarts(body);
        try (CSVParser parser = CSVParser.builder().setReader(new java.io.StringReader(body)).setFormat(READ).get()) {
            Map<String, Integer> columns = null;
            for (CSVRecord record : parser) {
                int line = lineOf(lineStarts, record.getCharacterPosition());
                if (columns == null) {
                    columns = header(display, line, record, format, problems);
                    if (!problems.isEmpty()) {
                        break;
                    }
                    continue;
                }
                if (record.size() != columns.size()) {
                    problems.add(display + ":" + line + ": expected " + columns.size() + " cells like the header, got "
                            + record.size());
                    continue;
                }
                int before = problems.size();
                T item = format.read(new RowReader(display, line, record, columns, problems));
                if (problems.size() == before) {
                    out.add(item);
                }
            }
            if (columns == null && problems.isEmpty()) {
                problems.add(display + ": empty table (expected a header row: "
                        + String.join(",", format.requiredColumns()) + ")");
            }
        } catch (IOException | UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            problems.add(display + ": malformed CSV: " + parseFailure(e));
        }
        if (!problems.isEmpty()) {
            throw new ProfileException(problems);
        }
        return out;
    }

    /**
     * What went wrong when Apache Commons CSV gave up on a file, in words for the person who wrote it: the
     * parser's own message without exception class names, and its most common failures rephrased.
     * Commons CSV reports a parse error as an {@link UncheckedIOException} around a {@code CSVException}
     * while iterating, and a bad header as an {@link IllegalArgumentException}.
     */
    public static String parseFailure(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && (t instanceof UncheckedIOException || t.getMessage() == null
                || t.getMessage().startsWith(t.getCause().getClass().getName()))) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? "unreadable" : t.getMessage();
        Matcher eof = UNCLOSED_QUOTE.matcher(m);
        if (eof.find()) {
            return "line " + eof.group(1).replace(",", "") + ": a quoted cell is not closed before the end of the file";
        }
        Matcher after = AFTER_QUOTE.matcher(m);
        if (after.find()) {
            return "line " + after.group(1).replace(",", "") + ": text after the closing quote of a quoted cell";
        }
        if (m.startsWith("A header name is missing")) {
            return "line 1: a column of the header has no name";
        }
        Matcher dup = DUPLICATE_COLUMN.matcher(m);
        if (dup.find()) {
            return "line 1: the header names column " + dup.group(1) + " twice";
        }
        return CLASS_NAME_PREFIX.matcher(m).replaceAll("");
    }

    private static <T> Map<String, Integer> header(String display, int line, CSVRecord record, TableFormat<T> format,
                                                   List<String> problems) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 0; i < record.size(); i++) {
            String name = record.get(i).strip();
            if (!format.requiredColumns().contains(name) && !format.optionalColumns().contains(name)) {
                problems.add(display + ":" + line + ":" + (i + 1) + ": unknown column '" + name + "' (known: "
                        + String.join(", ", all(format)) + ")");
            } else if (columns.putIfAbsent(name, i) != null) {
                problems.add(display + ":" + line + ":" + (i + 1) + ": duplicate column '" + name + "'");
            }
        }
        for (String required : format.requiredColumns()) {
            if (!columns.containsKey(required)) {
                problems.add(display + ":" + line + ": missing column '" + required + "'");
            }
        }
        return columns;
    }

    private static List<String> all(TableFormat<?> format) {
        List<String> all = new ArrayList<>(format.requiredColumns());
        all.addAll(format.optionalColumns());
        return all;
    }

    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int lineOf(int[] lineStarts, long position) {
        int i = Arrays.binarySearch(lineStarts, (int) position);
        return (i >= 0 ? i : -i - 2) + 1;
    }

    /** The CSV text of a table, header first, optional leading comment lines. */
    public static <T> String format(TableFormat<T> format, List<T> items, List<String> comments) {
        StringWriter w = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(w, WRITE)) {
            for (String c : comments) {
                printer.printComment(c);
            }
            printer.printRecord(all(format));
            for (T item : items) {
                List<String> cells = format.write(item);
                if (cells.size() != format.requiredColumns().size() + format.optionalColumns().size()) {
                    throw new IllegalStateException(format.fileName() + ": row has " + cells.size() + " cells");
                }
                printer.printRecord(cells);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** Writes a table atomically: to a temporary file beside {@code file}, then moved over it. */
    public static <T> void write(Path file, TableFormat<T> format, List<T> items, List<String> comments)
            throws IOException {
        String text = format(format, items, comments);
        AtomicFile.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** A number as written in tables: plain decimal, {@code '.'} point, no exponent, no trailing zeros. */
    public static String number(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        BigDecimal d = BigDecimal.valueOf(value).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    /** An integer cell, empty for {@code 0} when the column is optional and unknown. */
    public static String optionalInt(long value) {
        return value == 0 ? "" : Long.toString(value);
    }
}
