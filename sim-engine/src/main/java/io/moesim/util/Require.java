package io.moesim.util;

/**
 * Argument checks for record constructors. Every message names the argument and shows the bad
 * value, as {@code IllegalArgumentException}s (the engine's contract for invalid arguments).
 */
public final class Require {
    private Require() {
    }

    /** @throws IllegalArgumentException if {@code value <= 0} */
    public static int positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    /** @throws IllegalArgumentException if {@code value <= 0} or not finite */
    public static double positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + value);
        }
        return value;
    }

    /** @throws IllegalArgumentException if {@code value < 0} */
    public static int nonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }

    /** @throws IllegalArgumentException if {@code value} is null or blank */
    public static String nonBlank(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    /** @throws IllegalArgumentException if {@code value} is null */
    public static <T> T nonNull(String name, T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}
