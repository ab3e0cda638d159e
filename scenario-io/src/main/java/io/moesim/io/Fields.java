package io.moesim.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, validating access to the fields of one JSON object. A field that is absent or {@code null}
 * yields the default; a field of the wrong type or out of range records a {@link Problem} naming its
 * dotted path and yields {@code null}, so a reader can continue and report every problem at once.
 */
final class Fields {
    private final ObjectNode node;
    private final String path;
    private final Problems problems;

    Fields(ObjectNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /** The path of a child field. */
    String pathOf(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    Problems problems() {
        return problems;
    }

    boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    JsonNode raw(String name) {
        return node.get(name);
    }

    /** Records a problem for every field not in {@code allowed}. */
    void rejectUnknown(Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                problems.add(pathOf(name), "unknown field (allowed here: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    /** Records a problem for each of {@code names} that is absent or null. */
    void require(String... names) {
        for (String name : names) {
            if (!has(name)) {
                problems.add(pathOf(name), "is required");
            }
        }
    }

    /**
     * An enum-like string field, parsed by {@code parse}, which throws {@code IllegalArgumentException}
     * naming the accepted ids; the message is recorded as a problem of this field.
     */
    <T> T choice(String name, String def, java.util.function.Function<String, T> parse) {
        String s = string(name, def);
        if (s == null) {
            return null;
        }
        try {
            return parse.apply(s);
        } catch (IllegalArgumentException e) {
            problems.add(pathOf(name), e.getMessage());
            return null;
        }
    }

    /**
     * An array of enum-like strings, each parsed by {@code parse}; null when the field is absent. Problems name
     * the element ({@code field[i]}); a repeated element is a problem too.
     */
    <T> java.util.List<T> choices(String name, java.util.function.Function<String, T> parse) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            problems.add(pathOf(name), "expected an array of strings, got " + describe(v));
            return null;
        }
        java.util.List<T> out = new java.util.ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String at = pathOf(name) + "[" + i + "]";
            if (!e.isTextual()) {
                problems.add(at, "expected a string, got " + describe(e));
                continue;
            }
            try {
                T t = parse.apply(e.asText());
                if (out.contains(t)) {
                    problems.add(at, "'" + e.asText() + "' is listed twice");
                } else {
                    out.add(t);
                }
            } catch (IllegalArgumentException ex) {
                problems.add(at, ex.getMessage());
            }
        }
        return out;
    }

    String string(String name, String def) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isTextual()) {
            problems.add(pathOf(name), "expected a string, got " + describe(v));
            return null;
        }
        return v.asText();
    }

    Boolean bool(String name, Boolean def) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isBoolean()) {
            problems.add(pathOf(name), "expected true or false, got " + describe(v));
            return null;
        }
        return v.asBoolean();
    }

    Long longValue(String name, Long def) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            problems.add(pathOf(name), "expected an integer, got " + describe(v));
            return null;
        }
        return v.asLong();
    }

    Integer integer(String name, Integer def) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            problems.add(pathOf(name), "expected an integer, got " + describe(v));
            return null;
        }
        return v.asInt();
    }

    /** An integer that must be {@code > 0}. */
    Integer positiveInt(String name, Integer def) {
        Integer v = integer(name, def);
        if (v != null && v <= 0) {
            problems.add(pathOf(name), "must be positive, got " + v);
            return null;
        }
        return v;
    }

    /** An integer that must be {@code >= 0}. */
    Integer nonNegativeInt(String name, Integer def) {
        Integer v = integer(name, def);
        if (v != null && v < 0) {
            problems.add(pathOf(name), "must not be negative, got " + v);
            return null;
        }
        return v;
    }

    Double number(String name, Double def) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            problems.add(pathOf(name), "expected a number, got " + describe(v));
            return null;
        }
        return v.asDouble();
    }

    /** A number that must be {@code > 0}. */
    Double positiveNumber(String name, Double def) {
        Double v = number(name, def);
        if (v != null && !(v > 0)) {
            problems.add(pathOf(name), "must be positive, got " + v);
            return null;
        }
        return v;
    }

    /** A nested object, or null (with a problem if the field exists but is not an object). */
    Fields object(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            problems.add(pathOf(name), "expected an object, got " + describe(v));
            return null;
        }
        return new Fields((ObjectNode) v, pathOf(name), problems);
    }

    ObjectNode node() {
        return node;
    }

    String path() {
        return path;
    }

    static String describe(JsonNode v) {
        if (v.isTextual()) {
            return "string \"" + v.asText() + "\"";
        }
        if (v.isNumber()) {
            return "number " + v.asText();
        }
        if (v.isBoolean()) {
            return "boolean " + v.asText();
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isObject()) {
            return "an object";
        }
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
