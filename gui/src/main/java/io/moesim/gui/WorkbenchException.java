package io.moesim.gui;

import java.util.List;

/**
 * The workbench could not do what it was asked from the command line (a scenario file with problems, a
 * simulation that failed); {@link #problems()} says why, one line each.
 */
public final class WorkbenchException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public WorkbenchException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Why, one line per problem. */
    public List<String> problems() {
        return problems;
    }
}
