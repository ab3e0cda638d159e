package io.moesim.io;

import java.util.Objects;

/**
 * One thing wrong with an input file.
 *
 * @param file    the file (as the user named it), or {@code <inline>} for text without a file
 * @param field   where in the file: a dotted field path ({@code cluster.nodes}) or {@code line L, column C}
 * @param message what is wrong and which rule it breaks
 */
public record Problem(String file, String field, String message) {
    public Problem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return field.isEmpty() ? file + ": " + message : file + ": " + field + ": " + message;
    }
}
