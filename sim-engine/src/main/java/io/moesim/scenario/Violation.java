package io.moesim.scenario;

import io.moesim.util.Require;

/**
 * One broken rule of a scenario.
 *
 * @param field   the field it concerns, as a dotted path in the scenario file ({@code parallel.ep})
 * @param message what is wrong and which rule it breaks
 */
public record Violation(String field, String message) {
    public Violation {
        Require.nonBlank("field", field);
        Require.nonBlank("message", message);
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
