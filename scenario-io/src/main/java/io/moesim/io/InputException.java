package io.moesim.io;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An input file (scenario, model config) is malformed or breaks a rule. Carries every problem found,
 * each naming the file, field and rule. The CLI turns it into exit code 2.
 */
public final class InputException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<Problem> problems;

    public InputException(List<Problem> problems) {
        super(format(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an InputException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public InputException(Problem problem) {
        this(List.of(problem));
    }

    /** Every problem found, in file order where possible. */
    public List<Problem> problems() {
        return problems;
    }

    private static String format(List<Problem> problems) {
        return problems.stream().map(Problem::toString).collect(Collectors.joining(System.lineSeparator()));
    }
}
