package io.moesim.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Entry point of the {@code moe-sim} command line. The only place that calls {@code System.exit}.
 * Exit codes: 0 success, 2 bad input (the message names file, field and rule), 1 internal error.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the CLI in-process (used by tests) and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        try {
            return newCommandLine(out, err).execute(args);
        } catch (OutOfMemoryError e) {
            // The simulation's task graph is dropped by now, so there is room to say what happened.
            err.println("moe-sim: out of memory (" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB heap); "
                    + "give the JVM more, e.g. MOESIM_JAVA_OPTS=-Xmx8g ./moe-sim ...");
            return ExitCodes.INTERNAL_ERROR;
        }
    }

    /** The configured command line, writing to {@code out} and {@code err}. */
    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new MoeSimCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new ErrorHandler());
        return cl;
    }
}
