package io.moesim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code moe-sim gui [FILE] [--screenshot OUT.png [--size WxH] [--tab TAB]]}: opens the desktop workbench
 * (JavaFX), or renders it headless with FILE simulated — timeline and charts, or another tab after running
 * what it runs (a comparison, a layout search, a sweep, the validation) — into a PNG and exits.
 *
 * <p>JavaFX loads only when this command runs: every GUI class is reached through
 * {@code io.moesim.gui.Workbench}, referenced from {@link #call()} alone, so the other commands start as
 * fast as before.
 */
@Command(name = "gui", mixinStandardHelpOptions = true,
        description = {"Opens the desktop workbench: scenario editor, timeline, charts, comparison, layout search,",
                "what-if sweeps, validation. With --screenshot, renders the workbench with FILE simulated into a PNG",
                "without a display (--tab: another tab, after running what it runs), and exits."})
final class GuiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "scenario JSON file to open")
    Path file;

    @Option(names = "--screenshot", paramLabel = "OUT.png",
            description = "render the window headless (Monocle, software rendering) to this PNG and exit")
    Path screenshot;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "1440x900",
            description = "window size of the screenshot (default: ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--tab", paramLabel = "TAB", defaultValue = "results",
            description = "with --screenshot: the tab to show after running what it runs: results, compare, search, "
                    + "sweep or validation (default: ${DEFAULT-VALUE})")
    String tab;

    @Option(names = "--compare-with", paramLabel = "STRATEGY|FILE",
            description = "with --tab compare: B, a strategy preset or a scenario file (default: deepspeed-moe)")
    String compareWith;

    @Option(names = "--search-budget", paramLabel = "N", defaultValue = "0",
            description = "with --tab search: layouts the genetic search evaluates (default: the view's, 100)")
    int searchBudget;

    static final java.util.List<String> TABS = java.util.List.of("results", "compare", "search", "sweep", "validation");

    @Override
    public Integer call() throws Exception {
        if (!TABS.contains(tab)) {
            throw new BadArgumentException("--tab: expected one of " + String.join(", ", TABS) + ", got '" + tab + "'");
        }
        if (searchBudget < 0) {
            throw new BadArgumentException("--search-budget must be at least 1, got " + searchBudget);
        }
        if (file != null && !Files.isRegularFile(file)) {
            throw new BadArgumentException(file + ": not found");
        }
        if (screenshot != null) {
            int[] wh = parseSize(size);
            return Gui.screenshot(this, wh[0], wh[1]);
        }
        if (!hasDisplay()) {
            spec.commandLine().getErr().println("moe-sim: no display to open the workbench on (DISPLAY and WAYLAND_DISPLAY "
                    + "are unset); use 'moe-sim gui --screenshot OUT.png FILE' to render it headless");
            return ExitCodes.INTERNAL_ERROR;
        }
        Gui.launch(file);
        return ExitCodes.OK;
    }

    /**
     * The calls into the GUI module, in a class of their own: the JVM loads it (and through it JavaFX)
     * only when {@code gui} runs, not when picocli builds the command tree.
     */
    private static final class Gui {
        private Gui() {
        }

        static int screenshot(GuiCommand c, int width, int height) throws Exception {
            try {
                io.moesim.gui.Workbench.screenshot(c.file, c.screenshot, width, height, c.tab, c.compareWith,
                        c.searchBudget);
            } catch (io.moesim.gui.WorkbenchException e) {
                for (String p : e.problems()) {
                    c.spec.commandLine().getErr().println("error: " + (c.file == null ? "" : c.file + ": ") + p);
                }
                return ExitCodes.BAD_INPUT;
            }
            c.spec.commandLine().getOut().println("screenshot written to " + c.screenshot);
            return ExitCodes.OK;
        }

        static void launch(Path file) {
            io.moesim.gui.Workbench.launch(file);
        }
    }

    /** Width and height from {@code WxH}. */
    static int[] parseSize(String size) {
        String[] parts = size.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int w = Integer.parseInt(parts[0].strip());
                int h = Integer.parseInt(parts[1].strip());
                if (w >= 320 && h >= 240 && w <= 8192 && h <= 8192) {
                    return new int[] {w, h};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadArgumentException("--size: expected WxH between 320x240 and 8192x8192, got '" + size + "'");
    }

    private static boolean hasDisplay() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") && !os.contains("bsd")) {
            return true; // macOS and Windows always have one
        }
        return notBlank(System.getenv("DISPLAY")) || notBlank(System.getenv("WAYLAND_DISPLAY"));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
