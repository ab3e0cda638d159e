package io.moesim.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The project's Jackson configuration: strict reading (duplicate keys, trailing tokens and
 * non-finite numbers are errors; {@code //} comments are not allowed), and one stable pretty-printed
 * output style with {@code \n} line ends on every platform.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private Json() {
    }

    /** The shared, thread-safe mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Pretty-prints a tree with two-space indentation and {@code \n} line ends. */
    public static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    /**
     * Reads a JSON file into a tree.
     *
     * @param file        the file
     * @param displayName how to name the file in messages
     * @throws InputException if the file is missing, unreadable or not valid JSON (with line and column)
     */
    public static JsonNode readTree(Path file, String displayName) throws InputException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputException(new Problem(displayName, "", "file not found"));
        } catch (IOException e) {
            throw new InputException(new Problem(displayName, "", "cannot read file: " + e.getMessage()));
        }
        return parse(bytes, displayName);
    }

    /** Parses JSON text; errors name {@code displayName}, line and column. */
    public static JsonNode parse(byte[] bytes, String displayName) throws InputException {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new InputException(new Problem(displayName, "", "file is empty"));
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new InputException(new Problem(displayName, where, "malformed JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            String why = e instanceof MalformedInputException ? "not UTF-8 text" : e.getMessage();
            throw new InputException(new Problem(displayName, "", "cannot read JSON: " + why));
        } catch (NumberFormatException | ArithmeticException e) {
            // Jackson reads floats as BigDecimal; an exponent beyond BigDecimal's range fails outside its parser
            // (found by fuzzing: 4e44444444444444444448).
            throw new InputException(new Problem(displayName, "", "malformed JSON: a number is out of range"
                    + numberIn(e.getMessage())));
        }
    }

    /** {@code ": 1e999999…"} with the offending literal (shortened) when Jackson's message quotes it, else "". */
    private static String numberIn(String message) {
        if (message == null) {
            return "";
        }
        int start = message.indexOf('"');
        int end = start < 0 ? -1 : message.indexOf('"', start + 1);
        if (end < 0) {
            return "";
        }
        String literal = message.substring(start + 1, end);
        return ": " + (literal.length() > 24 ? literal.substring(0, 12) + "…" + literal.substring(literal.length() - 8)
                : literal);
    }
}
