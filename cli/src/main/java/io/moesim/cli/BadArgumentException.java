package io.moesim.cli;

/** A command-line argument that parses but is not acceptable (unknown id, out-of-range value). Exit code 2. */
final class BadArgumentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadArgumentException(String message) {
        super(message);
    }
}
