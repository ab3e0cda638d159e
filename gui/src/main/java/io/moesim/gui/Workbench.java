package io.moesim.gui;

import io.moesim.gui.viewmodel.BackgroundWork;
import io.moesim.gui.viewmodel.WorkbenchViewModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.util.Duration;

/**
 * Starts the workbench: {@link #launch(Path)} opens the window (and returns when it closes);
 * {@link #screenshot(Path, Path, int, int)} renders the window with a scenario simulated — timeline and
 * charts — into a PNG without a display (Monocle's headless screen, software rendering).
 *
 * <pre>{@code
 * Workbench.screenshot(Path.of("validation/scenarios/qwen3-235b-h100x256-deepep.json"),
 *         Path.of("docs/images/workbench.png"), 1440, 900);
 * }</pre>
 *
 * <p>This class is the command line's only door into the GUI: nothing of JavaFX loads until one of its
 * methods runs.
 */
public final class Workbench {
    /**
     * JavaFX's own logger: quieted to errors, so its warning that it runs from the class path (the
     * shaded {@code moe-sim.jar}, a supported way to run it in practice) does not reach the user. Held
     * here so the setting is not garbage-collected with the logger.
     */
    private static final Logger JAVAFX_LOG = Logger.getLogger("javafx");

    /** How long a screenshot may take (simulation included). */
    static final long SCREENSHOT_TIMEOUT_SECONDS = 600;

    private Workbench() {
    }

    /** Opens the workbench window, with {@code file} loaded when not null; returns when it is closed. */
    public static void launch(Path file) {
        JAVAFX_LOG.setLevel(Level.SEVERE);
        Application.launch(WorkbenchApp.class, file == null ? new String[0] : new String[] {file.toString()});
    }

    /**
     * Renders the workbench with {@code file} simulated to a PNG of {@code width×height} pixels.
     *
     * @throws WorkbenchException when the scenario has problems or its simulation fails
     * @throws IOException        when the PNG cannot be written
     */
    public static void screenshot(Path file, Path png, int width, int height)
            throws WorkbenchException, IOException, InterruptedException {
        screenshot(file, png, width, height, "results", null, 0);
    }

    /** The tabs {@link #screenshot(Path, Path, int, int, String, String, int)} can show. */
    public static final java.util.List<String> TABS = java.util.List.of("results", "compare", "search", "sweep", "validation");

    /**
     * Renders the workbench with {@code file} simulated and {@code tab} in front, after running what that
     * tab runs: {@code compare} compares the scenario with {@code compareWith} (a strategy preset name, or
     * a scenario file; null = the comparison's default strategy), {@code search} runs the genetic layout
     * search with {@code searchBudget} evaluations (0 = the view's default), {@code sweep} the default
     * sweep, {@code validation} the published cases; {@code results} shows the timeline and charts.
     *
     * @throws WorkbenchException when the scenario has problems, or the tab's run cannot start or fails
     * @throws IOException        when the PNG cannot be written
     * @throws IllegalArgumentException for an unknown tab
     */
    public static void screenshot(Path file, Path png, int width, int height, String tab, String compareWith,
                                  int searchBudget) throws WorkbenchException, IOException, InterruptedException {
        if (!TABS.contains(tab)) {
            throw new IllegalArgumentException("unknown tab '" + tab + "' (expected " + String.join(", ", TABS) + ")");
        }
        if (width < 320 || height < 240) {
            throw new WorkbenchException(List.of("screenshot size " + width + "x" + height + " is too small (at least 320x240)"));
        }
        Headless.configure();
        JAVAFX_LOG.setLevel(Level.SEVERE);
        startToolkit();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Object[] held = new Object[2];
        Platform.runLater(() -> {
            try {
                render(file, png, width, height, done, held, tab, compareWith, searchBudget);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(SCREENSHOT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof WorkbenchException we) {
                throw we;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(c);
        } catch (TimeoutException e) {
            throw new WorkbenchException(List.of("the screenshot took longer than " + SCREENSHOT_TIMEOUT_SECONDS + " s"));
        } finally {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            Platform.runLater(() -> {
                if (held[0] instanceof Stage s) {
                    s.close();
                }
                if (held[1] instanceof WorkbenchViewModel vm) {
                    vm.close();
                }
                closed.complete(null);
            });
            try {
                closed.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // closing is best effort
            }
        }
    }

    private static void startToolkit() throws InterruptedException {
        CompletableFuture<Void> started = new CompletableFuture<>();
        try {
            Platform.startup(() -> started.complete(null));
        } catch (IllegalStateException alreadyRunning) {
            started.complete(null);
        }
        Platform.setImplicitExit(false);
        try {
            started.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("JavaFX did not start", e);
        }
    }

    private static void render(Path file, Path png, int width, int height, CompletableFuture<Void> done, Object[] held,
                               String tab, String compareWith, int searchBudget) {
        WorkbenchViewModel vm = new WorkbenchViewModel(BackgroundWork.forMachine(Platform::runLater),
                Path.of("").toAbsolutePath());
        held[1] = vm;
        vm.simulation().autoSimulateProperty().set(false);
        MainView view = new MainView(vm);
        Stage stage = new Stage();
        held[0] = stage;
        stage.setScene(new Scene(view, width, height));
        stage.show();
        if (file != null) {
            boolean loaded = vm.editor().load(file);
            if (!loaded || !vm.editor().problems().isEmpty()) {
                List<String> problems = new ArrayList<>(vm.editor().problems());
                if (problems.isEmpty()) {
                    problems.add(file + ": could not be opened");
                }
                done.completeExceptionally(new WorkbenchException(problems));
                return;
            }
        }
        vm.simulation().runningProperty().addListener((o, was, running) -> {
            if (running) {
                return;
            }
            if (vm.simulation().outcomeProperty().get() == null) {
                done.completeExceptionally(new WorkbenchException(List.of(vm.simulation().statusProperty().get())));
                return;
            }
            Runnable picture = () -> {
                // let layout, the timeline's redraw and the charts settle, then take the picture
                PauseTransition settle = new PauseTransition(Duration.millis(600));
                settle.setOnFinished(e -> {
                    try {
                        view.timeline().redraw();
                        Png.write(stage.getScene().snapshot(null), png);
                        done.complete(null);
                    } catch (IOException | RuntimeException ex) {
                        done.completeExceptionally(ex);
                    }
                });
                settle.play();
            };
            if (tab.equals("results")) {
                picture.run();
                return;
            }
            view.selectTab(tab);
            javafx.beans.property.ReadOnlyBooleanProperty tabRunning;
            javafx.beans.property.ReadOnlyStringProperty tabStatus;
            Runnable start;
            switch (tab) {
                case "compare" -> {
                    if (compareWith != null) {
                        Path other = Path.of(compareWith);
                        if (java.nio.file.Files.isRegularFile(other)) {
                            vm.compare().modeProperty().set(io.moesim.gui.viewmodel.CompareViewModel.Mode.FILE);
                            vm.compare().otherFileProperty().set(other);
                        } else {
                            vm.compare().otherStrategyProperty().set(compareWith);
                        }
                    }
                    tabRunning = vm.compare().runningProperty();
                    tabStatus = vm.compare().statusProperty();
                    start = vm.compare()::compare;
                }
                case "search" -> {
                    if (searchBudget > 0) {
                        vm.search().budgetProperty().set(searchBudget);
                    }
                    tabRunning = vm.search().runningProperty();
                    tabStatus = vm.search().statusProperty();
                    start = vm.search()::run;
                }
                case "sweep" -> {
                    tabRunning = vm.sweep().runningProperty();
                    tabStatus = vm.sweep().statusProperty();
                    start = vm.sweep()::run;
                }
                default -> {
                    tabRunning = vm.validation().runningProperty();
                    tabStatus = vm.validation().statusProperty();
                    start = vm.validation()::run;
                }
            }
            tabRunning.addListener((o2, was2, now2) -> {
                if (!now2) {
                    picture.run();
                }
            });
            start.run();
            if (!tabRunning.get()) {
                done.completeExceptionally(new WorkbenchException(List.of(tab + ": " + tabStatus.get())));
            }
        });
        vm.simulation().simulate();
    }
}
