package io.moesim.cli;

/** The exit codes of the contract. */
final class ExitCodes {
    static final int OK = 0;
    static final int INTERNAL_ERROR = 1;
    static final int BAD_INPUT = 2;

    private ExitCodes() {
    }
}
