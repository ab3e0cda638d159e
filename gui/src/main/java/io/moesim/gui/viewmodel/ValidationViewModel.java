package io.moesim.gui.viewmodel;

import io.moesim.io.InputException;
import io.moesim.io.Problem;
import io.moesim.profiles.ProfileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * The validation view's state: the cases file, a {@link Task} that runs {@link PublishedCases} on the
 * app's pools, the table rows (reported vs predicted and the relative error) and the summary line.
 *
 * @implNote use it from the JavaFX application thread.
 */
public final class ValidationViewModel {
    /** One table row, formatted. */
    public record RowView(String caseId, String metric, String reported, String predicted, String error, double absError) {
    }

    private final BackgroundWork work;
    private final ObjectProperty<Path> casesFile = new SimpleObjectProperty<>(this, "casesFile");
    private final ObservableList<RowView> rows = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final BackgroundRunner runner;

    public ValidationViewModel(BackgroundWork work, Path workingDir) {
        this.work = work;
        this.runner = BackgroundRunner.withProgress(this, work.tasks());
        casesFile.set(PublishedCases.locate(workingDir).orElse(workingDir.resolve(PublishedCases.DEFAULT_CASES)));
    }

    /** Runs every case of {@link #casesFileProperty()}. */
    public void run() {
        Path cases = casesFile.get();
        if (cases == null) {
            runner.setStatus("choose a cases file");
            return;
        }
        runner.cancel();
        FrameThrottle throttle = new FrameThrottle();
        Task<PublishedCases.Report> task = new Task<>() {
            @Override
            protected PublishedCases.Report call() throws Exception {
                try {
                    return PublishedCases.run(cases, work.compute(), this::isCancelled, (done, total) -> {
                        if (throttle.due() || done.equals(total)) {
                            updateProgress(done, total);
                        }
                    });
                } catch (CancellationException e) {
                    cancel(false);
                    return null;
                }
            }
        };
        rows.clear();
        summary.set("");
        runner.start(task, "simulating the published cases...", this::show,
                () -> runner.setStatus("validation cancelled"), t -> runner.setStatus(describe(t)));
    }

    private void show(PublishedCases.Report report) {
        for (PublishedCases.Row r : report.rows()) {
            Double err = r.error();
            rows.add(new RowView(r.caseId(), r.metric(), num(r.reported()) + " " + r.unit(),
                    r.predicted() == null ? "-" : num(r.predicted()),
                    err == null ? "metric not produced" : String.format(Locale.ROOT, "%+.1f%%", err * 100),
                    err == null ? Double.NaN : Math.abs(err)));
        }
        summary.set(String.format(Locale.ROOT, "%d of %d figures compared; median |error| %.1f%%, worst %.1f%%",
                report.compared(), report.rows().size(), report.medianAbsError() * 100, report.worstAbsError() * 100));
        runner.setStatus("validated against " + casesFile.get());
    }

    private static String describe(Throwable t) {
        if (t instanceof InputException ie) {
            return ie.problems().stream().map(Problem::toString).collect(Collectors.joining("\n"));
        }
        if (t instanceof ProfileException pe) {
            return String.join("\n", pe.problems());
        }
        return "validation failed: " + t;
    }

    private static String num(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** Stops the run. */
    public void cancel() {
        runner.cancel();
    }

    /** The cases CSV (scenarios are read from {@code scenarios/} beside it). */
    public ObjectProperty<Path> casesFileProperty() {
        return casesFile;
    }

    /** One row per compared figure, in the file's order. */
    public ObservableList<RowView> rows() {
        return rows;
    }

    /** Median and worst error, once run. */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return runner.statusProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return runner.runningProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return runner.progressProperty();
    }
}
