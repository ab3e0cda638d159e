package io.moesim.profiles;

import java.util.List;

/**
 * A hardware profile is missing, malformed or inconsistent. Every message names the file and, where
 * there is one, the line: {@code h100-sxm/profile.properties:12: hbmTBps: expected a number, got "fast"}.
 */
public final class ProfileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ProfileException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ProfileException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, each starting with {@code file:line:} or {@code file:}. */
    public List<String> problems() {
        return problems;
    }
}
