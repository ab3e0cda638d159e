package io.moesim.gui.viewmodel;

import io.moesim.io.LaunchFlags;
import io.moesim.model.ModelCatalog;
import io.moesim.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The editor's Export: the scenario the editor makes, as Megatron-LM arguments, a DeepSpeed config or the
 * canonical scenario file ({@link ExportFormat}; the bytes {@code moe-sim export --format} prints, through
 * {@link LaunchFlags}), written atomically. What went wrong — the scenario has problems, a format that needs a
 * training step, a file that cannot be written — lands in {@link #statusProperty()}, never in an exception.
 *
 * <pre>{@code
 * ExportViewModel export = new ExportViewModel(editor, ModelCatalog.builtIn());
 * export.export(ExportFormat.MEGATRON, Path.of("launch.sh"));   // true; status "exported ... to launch.sh"
 * }</pre>
 *
 * @implNote use it from the JavaFX application thread (it reads the editor).
 */
public final class ExportViewModel {
    private final ScenarioEditorViewModel editor;
    private final ModelCatalog catalog;
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");

    public ExportViewModel(ScenarioEditorViewModel editor, ModelCatalog catalog) {
        this.editor = editor;
        this.catalog = catalog;
    }

    /** The formats, in menu order. */
    public List<ExportFormat> formats() {
        return List.of(ExportFormat.values());
    }

    /** A file name to suggest for the editor's scenario in the format ({@code small-mixtral.megatron.sh}). */
    public String suggestedFileName(ExportFormat format) {
        String name = editor.nameProperty().get();
        return format.fileName(name == null || name.isBlank() ? "scenario" : name.strip());
    }

    /**
     * The editor's scenario in the format, or null (and why in {@link #statusProperty()}) when there is none
     * or the format does not apply to it.
     */
    public String render(ExportFormat format) {
        Scenario s = editor.scenarioProperty().get();
        if (s == null) {
            status.set("export: fix the scenario's problems first (" + editor.problems().size() + " listed under the editor)");
            return null;
        }
        return render(s, format, editor.fileProperty().get(), catalog, status::set);
    }

    /**
     * Writes the editor's scenario in the format to {@code target} (a temporary file, then moved into place).
     *
     * @return whether the file was written; the status line says what happened either way
     */
    public boolean export(ExportFormat format, Path target) {
        String text = render(format);
        if (text == null) {
            return false;
        }
        try {
            AtomicWrite.text(target, text);
        } catch (IOException | RuntimeException e) {
            status.set("could not export to " + target + ": " + describe(e));
            return false;
        }
        status.set("exported " + editor.nameProperty().get() + " as " + format.label() + " to " + target.toAbsolutePath());
        return true;
    }

    /** The scenario in the format, or null with the reason in {@code status} (shared with the layout search's export). */
    static String render(Scenario s, ExportFormat format, Path file, ModelCatalog catalog,
                         java.util.function.Consumer<String> status) {
        String problem = LaunchFlags.problem(s, format.flags());
        if (problem != null) {
            status.accept("cannot export as " + format.label() + ": " + problem.replace("--format " + format.id() + " ", ""));
            return null;
        }
        Path f = file != null ? file : Path.of("scenario.json").toAbsolutePath();
        return LaunchFlags.render(s, format.flags(), catalog, f);
    }

    static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT)
                + (m == null ? "" : " (" + m + ")");
    }

    /** The outcome of the last export, or why it could not be made. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }
}
