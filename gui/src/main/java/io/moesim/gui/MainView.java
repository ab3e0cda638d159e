package io.moesim.gui;

import io.moesim.gui.viewmodel.ExportFormat;
import io.moesim.gui.viewmodel.WorkbenchViewModel;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.FileChooser;

/**
 * The workbench window's content: a menu bar (File with Export, Edit with Undo and Redo), a toolbar (new,
 * open, save, export, simulate, cancel, auto re-simulate, progress), the scenario editor on the left, and
 * tabs for the results (timeline and charts), the comparison of two simulations, the layout search, the what-if sweep and the validation run; the
 * result's headline at the bottom.
 */
public final class MainView extends BorderPane {
    private final WorkbenchViewModel vm;
    private final TimelineView timeline;
    private final ResultsView results;
    private final SweepView sweep;
    private final CompareView compare;
    private final SearchView search;
    private final TabPane tabs = new TabPane();
    private final Label status = new Label();

    public MainView(WorkbenchViewModel vm) {
        this.vm = vm;
        this.timeline = new TimelineView(vm.timeline());
        this.results = new ResultsView(vm.results(), timeline);
        this.sweep = new SweepView(vm.sweep());
        setTop(new javafx.scene.layout.VBox(menuBar(), toolbar()));
        // Ctrl+Z / Ctrl+Shift+Z undo the editor's edits wherever the focus is: caught before a text field's
        // own undo sees the keys (the menu items show the same shortcuts)
        addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (UNDO_KEYS.match(e)) {
                vm.editor().undo();
                e.consume();
            } else if (REDO_KEYS.match(e) || REDO_KEYS_ALT.match(e)) {
                vm.editor().redo();
                e.consume();
            }
        });

        ScrollPane editor = new ScrollPane(new ScenarioEditorView(vm.editor()));
        editor.setFitToWidth(true);
        editor.setPrefViewportWidth(345);
        editor.setMinWidth(300);
        editor.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        setLeft(editor);

        Tab resultsTab = new Tab("Timeline & charts", results);
        resultsTab.setId("tab-results");
        Tab sweepTab = new Tab("What-if sweep", sweep);
        sweepTab.setId("tab-sweep");
        this.compare = new CompareView(vm.compare());
        Tab compareTab = new Tab("Compare", compare);
        compareTab.setId("tab-compare");
        this.search = new SearchView(vm.search());
        Tab searchTab = new Tab("Layout search", search);
        searchTab.setId("tab-search");
        Tab validationTab = new Tab("Validation", new ValidationView(vm.validation()));
        validationTab.setId("tab-validation");
        tabs.getTabs().addAll(resultsTab, compareTab, searchTab, sweepTab, validationTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        setCenter(tabs);

        Label headline = new Label();
        headline.setId("headline");
        headline.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> {
            String h = vm.results().headlineProperty().get();
            boolean invalid = vm.editor().scenarioProperty().get() == null;
            return h.isEmpty() || !invalid ? h : "last valid scenario — " + h;
        }, vm.results().headlineProperty(), vm.editor().scenarioProperty()));
        headline.setStyle("-fx-font-weight: bold;");
        headline.setMinWidth(0);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        status.setMinWidth(Region.USE_PREF_SIZE);
        status.setStyle("-fx-text-fill: #333;");
        HBox bottom = new HBox(12, headline, gap, status);
        bottom.setAlignment(Pos.CENTER_LEFT);
        bottom.setPadding(new Insets(4, 8, 4, 8));
        setBottom(bottom);
    }

    /** Undo: Ctrl+Z (Cmd+Z on macOS). */
    static final KeyCombination UNDO_KEYS = new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN);
    /** Redo: Ctrl+Shift+Z. */
    static final KeyCombination REDO_KEYS = new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN,
            KeyCombination.SHIFT_DOWN);
    /** Redo: also Ctrl+Y. */
    static final KeyCombination REDO_KEYS_ALT = new KeyCodeCombination(KeyCode.Y, KeyCombination.SHORTCUT_DOWN);

    private MenuBar menuBar() {
        MenuItem newItem = new MenuItem("New");
        newItem.setOnAction(e -> vm.editor().newScenario());
        MenuItem openItem = new MenuItem("Open…");
        openItem.setOnAction(e -> open());
        MenuItem saveItem = new MenuItem("Save");
        saveItem.setOnAction(e -> save(vm.editor().fileProperty().get()));
        MenuItem saveAsItem = new MenuItem("Save as…");
        saveAsItem.setOnAction(e -> save(null));
        Menu exportMenu = new Menu("Export");
        exportMenu.setId("menu-export");
        exportMenu.getItems().addAll(exportItems("menu-export-"));
        Menu file = new Menu("File", null, newItem, openItem, saveItem, saveAsItem, new SeparatorMenuItem(), exportMenu);
        MenuItem undo = new MenuItem("Undo");
        undo.setId("menu-undo");
        undo.setOnAction(e -> vm.editor().undo());
        undo.disableProperty().bind(vm.editor().canUndoProperty().not());
        MenuItem redo = new MenuItem("Redo");
        redo.setId("menu-redo");
        redo.setOnAction(e -> vm.editor().redo());
        redo.disableProperty().bind(vm.editor().canRedoProperty().not());
        // shown in the menu; the key filter in the constructor consumes the keys first, so they act once
        undo.setAccelerator(UNDO_KEYS);
        redo.setAccelerator(REDO_KEYS);
        Menu edit = new Menu("Edit", null, undo, redo);
        edit.setId("menu-edit");
        MenuBar bar = new MenuBar(file, edit);
        bar.setId("menu-bar");
        return bar;
    }

    /** One item per export format; each asks where to write, then exports the editor's scenario there. */
    private List<MenuItem> exportItems(String idPrefix) {
        List<MenuItem> items = new ArrayList<>();
        for (ExportFormat f : vm.export().formats()) {
            MenuItem item = new MenuItem(f.label() + "…");
            item.setId(idPrefix + f.id());
            item.setOnAction(e -> export(f));
            items.add(item);
        }
        return items;
    }

    private void export(ExportFormat format) {
        FileChooser fc = chooser("Export as " + format.label());
        fc.getExtensionFilters().setAll(new FileChooser.ExtensionFilter(format.label(), format.pattern()));
        fc.setInitialFileName(vm.export().suggestedFileName(format));
        File f = fc.showSaveDialog(getScene().getWindow());
        if (f != null) {
            exportTo(format, f.toPath());
        }
    }

    /** Exports the editor's scenario (what the Export menu does once a file is chosen); the status line says how it went. */
    boolean exportTo(ExportFormat format, Path target) {
        return vm.export().export(format, target);
    }

    private ToolBar toolbar() {
        Button newButton = new Button("New");
        newButton.setOnAction(e -> vm.editor().newScenario());
        Button open = new Button("Open…");
        open.setId("open");
        open.setOnAction(e -> open());
        Button save = new Button("Save");
        save.setId("save");
        save.setOnAction(e -> save(vm.editor().fileProperty().get()));
        Button saveAs = new Button("Save as…");
        saveAs.setOnAction(e -> save(null));
        Button simulate = new Button("Simulate");
        simulate.setId("simulate");
        simulate.setDefaultButton(true);
        simulate.disableProperty().bind(vm.editor().scenarioProperty().isNull());
        simulate.setOnAction(e -> vm.simulation().simulate());
        Button cancel = new Button("Cancel");
        cancel.setId("cancel");
        cancel.disableProperty().bind(vm.simulation().runningProperty().not());
        cancel.setOnAction(e -> vm.simulation().cancel());
        CheckBox auto = new CheckBox("re-simulate on change");
        auto.setId("auto-simulate");
        auto.setTooltip(new Tooltip("simulate again " + io.moesim.gui.viewmodel.SimulationViewModel.DEBOUNCE_MS
                + " ms after the last edit that leaves the scenario valid"));
        auto.selectedProperty().bindBidirectional(vm.simulation().autoSimulateProperty());
        ProgressBar progress = new ProgressBar();
        progress.setId("progress");
        progress.setPrefWidth(140);
        progress.progressProperty().bind(vm.simulation().progressProperty());
        progress.visibleProperty().bind(vm.simulation().runningProperty());
        status.setId("status");
        Runnable updateStatus = () -> {
            String sim = vm.simulation().statusProperty().get();
            String msg = vm.editor().messageProperty().get();
            status.setText(sim.isEmpty() ? msg : sim);
        };
        vm.simulation().statusProperty().addListener(o -> updateStatus.run());
        vm.editor().messageProperty().addListener((o, old, m) -> status.setText(m));
        vm.export().statusProperty().addListener((o, old, m) -> status.setText(m));
        updateStatus.run();
        Label file = new Label();
        file.setId("file");
        Runnable updateFile = () -> {
            Path f = vm.editor().fileProperty().get();
            file.setText((f == null ? "(unsaved)" : f.getFileName().toString()) + (vm.editor().dirtyProperty().get() ? " *" : ""));
        };
        vm.editor().fileProperty().addListener(o -> updateFile.run());
        vm.editor().dirtyProperty().addListener(o -> updateFile.run());
        updateFile.run();
        MenuButton export = new MenuButton("Export…");
        export.setId("export");
        export.setTooltip(new Tooltip("the editor's scenario as Megatron-LM arguments, a DeepSpeed config or a scenario "
                + "file (moe-sim export --format)"));
        export.getItems().addAll(exportItems("export-"));
        return new ToolBar(newButton, open, save, saveAs, export, file, new Separator(), simulate, cancel, progress, auto);
    }

    private FileChooser chooser(String title) {
        FileChooser fc = new FileChooser();
        fc.setTitle(title);
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Scenario (JSON)", "*.json"));
        Path f = vm.editor().fileProperty().get();
        File dir = f != null && f.getParent() != null ? f.getParent().toFile() : new File(".").getAbsoluteFile();
        if (dir.isDirectory()) {
            fc.setInitialDirectory(dir);
        }
        return fc;
    }

    private void open() {
        File f = chooser("Open scenario").showOpenDialog(getScene().getWindow());
        if (f != null) {
            vm.editor().load(f.toPath());
        }
    }

    private void save(Path target) {
        Path t = target;
        if (t == null) {
            File f = chooser("Save scenario").showSaveDialog(getScene().getWindow());
            if (f == null) {
                return;
            }
            t = f.toPath();
        }
        try {
            vm.editor().save(t);
        } catch (IOException e) {
            status.setText("could not save " + t + ": " + e.getMessage());
        }
    }

    /** The tabs (results, sweep, validation). */
    public TabPane tabs() {
        return tabs;
    }

    public TimelineView timeline() {
        return timeline;
    }

    public ResultsView results() {
        return results;
    }

    public SweepView sweep() {
        return sweep;
    }

    public CompareView compare() {
        return compare;
    }

    public SearchView search() {
        return search;
    }

    /**
     * Selects a tab by its short name: {@code results}, {@code compare}, {@code search}, {@code sweep} or
     * {@code validation}.
     *
     * @throws IllegalArgumentException for another name
     */
    public void selectTab(String name) {
        for (Tab t : tabs.getTabs()) {
            if (t.getId().equals("tab-" + name)) {
                tabs.getSelectionModel().select(t);
                return;
            }
        }
        throw new IllegalArgumentException("no tab '" + name + "' (expected results, compare, search, sweep or validation)");
    }
}
