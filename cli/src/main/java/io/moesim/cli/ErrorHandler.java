package io.moesim.cli;

import io.moesim.io.InputException;
import io.moesim.io.Problem;
import io.moesim.profiles.ProfileException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Maps failures to the contract's exit codes and short messages: bad command-line arguments and bad
 * input files exit 2 with every problem on its own line; anything else is an internal error (exit 1)
 * reported in one line, with the stack trace only when {@code MOESIM_DEBUG} is set.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("moe-sim: " + ex.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("Run 'moe-sim " + commandPath(ex.getCommandLine()) + "--help' for usage.");
        }
        return ExitCodes.BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        if (ex instanceof InputException input) {
            for (Problem p : input.problems()) {
                err.println("error: " + p);
            }
            return ExitCodes.BAD_INPUT;
        }
        if (ex instanceof ProfileException profile) {
            for (String p : profile.problems()) {
                err.println("error: " + p);
            }
            return ExitCodes.BAD_INPUT;
        }
        if (ex instanceof BadArgumentException bad) {
            err.println("error: " + bad.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        err.println("moe-sim: internal error: " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
        if (System.getenv("MOESIM_DEBUG") != null) {
            ex.printStackTrace(err);
        } else {
            err.println("(set MOESIM_DEBUG=1 to see the stack trace, and please report it)");
        }
        return ExitCodes.INTERNAL_ERROR;
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine c = cl; c.getParent() != null; c = c.getParent()) {
            sb.insert(0, c.getCommandName() + " ");
        }
        return sb.toString();
    }
}
