package io.moesim.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code --set PATH=VALUE} of the command line: a what-if change to a scenario file's JSON before it is
 * read, such as {@code strategy.hostLaunchUs=90} or {@code parallel.tp=1}. The value is JSON when it parses as
 * JSON (numbers, {@code true}, {@code false}, {@code null}, quoted strings, objects, arrays) and a plain string
 * otherwise ({@code moe.dispatcher=deepep}). Missing objects on the path are created; the scenario reader then
 * validates the result as it validates any file, so a bad value gets the usual message naming the field.
 *
 * @param spec  the option as given, for messages
 * @param path  the dotted field path, each part a JSON field name
 * @param value the value to put there
 */
public record ScenarioOverride(String spec, List<String> path, JsonNode value) {
    private static final Pattern PART = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    public ScenarioOverride {
        path = List.copyOf(path);
        if (path.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
    }

    /**
     * Parses {@code PATH=VALUE}.
     *
     * @throws IllegalArgumentException naming the option and the rule it breaks
     */
    public static ScenarioOverride parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--set " + spec + ": expected PATH=VALUE, e.g. strategy.hostLaunchUs=90");
        }
        String pathText = spec.substring(0, eq).trim();
        List<String> parts = Arrays.asList(pathText.split("\\.", -1));
        for (String part : parts) {
            if (!PART.matcher(part).matches()) {
                throw new IllegalArgumentException("--set " + spec + ": '" + pathText
                        + "' is not a dotted field path (field names of letters, digits and _, e.g. parallel.tp)");
            }
        }
        String valueText = spec.substring(eq + 1).trim();
        if (valueText.isEmpty()) {
            throw new IllegalArgumentException("--set " + spec + ": no value after '='");
        }
        return new ScenarioOverride(spec, parts, parseValue(valueText));
    }

    private static JsonNode parseValue(String text) {
        try {
            JsonNode node = Json.mapper().readTree(text);
            if (node != null && !node.isMissingNode()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // not JSON: a plain string such as deepep or h100-sxm
        }
        return TextNode.valueOf(text);
    }

    /**
     * Puts the value into {@code root}, creating missing objects on the way.
     *
     * @throws IllegalArgumentException when a field on the path holds something other than an object
     */
    public void applyTo(ObjectNode root) {
        ObjectNode node = root;
        for (int i = 0; i < path.size() - 1; i++) {
            String field = path.get(i);
            JsonNode child = node.get(field);
            if (child == null || child.isNull()) {
                node = node.putObject(field);
            } else if (child instanceof ObjectNode object) {
                node = object;
            } else {
                throw new IllegalArgumentException("'" + String.join(".", path.subList(0, i + 1)) + "' is "
                        + Fields.describe(child) + " in the scenario, not an object that could hold '" + path.get(i + 1)
                        + "'");
            }
        }
        node.set(path.get(path.size() - 1), value);
    }
}
