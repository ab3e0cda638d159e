package io.moesim.gui;

import io.moesim.gui.viewmodel.OverrideField;
import io.moesim.gui.viewmodel.ScenarioEditorViewModel;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.RecomputeModule;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.Property;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Control;
import javafx.scene.control.ListCell;
import javafx.scene.control.Tooltip;
import javafx.stage.FileChooser;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The scenario editor: one control per field of {@link ScenarioEditorViewModel}, bound both ways, and
 * below them the scenario's problems (each {@code field: message}) in red, or its notes and size when
 * it is valid. Number fields take effect as they are typed. Selective recomputation's modules are a row of
 * check boxes, usable while recompute is {@code selective}.
 */
public final class ScenarioEditorView extends VBox {
    /** Bidirectional bindings hold their ends weakly; these keep the {@code asObject()} adapters alive. */
    private final List<Property<?>> adapters = new ArrayList<>();
    private final GridPane grid = new GridPane();
    private int row;

    public ScenarioEditorView(ScenarioEditorViewModel vm) {
        setSpacing(8);
        setPadding(new Insets(8));
        grid.setHgap(6);
        grid.setVgap(4);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        fields.setFillWidth(true);
        grid.getColumnConstraints().addAll(labels, fields);

        TextField name = new TextField();
        name.textProperty().bindBidirectional(vm.nameProperty());
        add("name", "name", name);
        ComboBox<String> model = new ComboBox<>(vm.modelChoices());
        model.valueProperty().bindBidirectional(vm.modelProperty());
        model.disableProperty().bind(vm.trainingStepProperty().not());
        add("model", "model preset", model);
        Button importHf = new Button("Import Hugging Face config.json…");
        importHf.setId("import-hf");
        importHf.disableProperty().bind(vm.trainingStepProperty().not());
        importHf.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Import a Hugging Face config.json as the model");
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Hugging Face config (JSON)", "*.json"));
            java.io.File f = fc.showOpenDialog(getScene().getWindow());
            if (f != null) {
                vm.importHfConfig(f.toPath());
            }
        });
        grid.add(importHf, 1, row++);
        ComboBox<String> gpu = new ComboBox<>(vm.gpuChoices());
        gpu.setEditable(true);
        gpu.valueProperty().bindBidirectional(vm.gpuProperty());
        add("gpu", "GPU profile", gpu);
        section("cluster");
        add("nodes", "nodes", intSpinner(vm.nodesProperty(), 1, 65536));
        add("gpusPerNode", "GPUs per node", intSpinner(vm.gpusPerNodeProperty(), 1, 72));
        for (OverrideField f : vm.linkOverrides()) {
            add("link-" + f.id(), f.label(), override(f, "profile"));
        }
        section("parallel layout");
        add("tp", "tp", intSpinner(vm.tpProperty(), 1, 512));
        add("pp", "pp", intSpinner(vm.ppProperty(), 1, 512));
        add("vpp", "vpp", intSpinner(vm.vppProperty(), 1, 64));
        add("cp", "cp", intSpinner(vm.cpProperty(), 1, 512));
        add("ep", "ep", intSpinner(vm.epProperty(), 1, 4096));
        add("etp", "etp", intSpinner(vm.etpProperty(), 1, 512));
        section("batch");
        Spinner<Integer> micro = intSpinner(vm.microBatchProperty(), 1, 1 << 20);
        Spinner<Integer> global = intSpinner(vm.globalBatchProperty(), 1, 1 << 24);
        Spinner<Integer> seq = intSpinner(vm.seqLenProperty(), 1, 1 << 22);
        for (Node n : List.of(micro, global, seq)) {
            n.disableProperty().bind(vm.trainingStepProperty().not());
        }
        add("microBatch", "micro batch", micro);
        add("globalBatch", "global batch", global);
        add("seqLen", "sequence length", seq);
        section("recipe");
        add("recompute", "recompute", choice(vm.recomputeChoices(), vm.recomputeProperty(), r -> r.id()));
        FlowPane modules = new FlowPane(8, 4);
        for (RecomputeModule m : vm.recomputeModuleChoices()) {
            CheckBox box = new CheckBox(m.id());
            box.setMnemonicParsing(false); // ids like moe_act: an underscore is text, not a mnemonic marker
            box.setId("recomputeModule-" + m.id());
            box.selectedProperty().bindBidirectional(vm.recomputeModuleProperty(m));
            box.setTooltip(new Tooltip(vm.recomputeModuleHelp(m)));
            modules.getChildren().add(box);
        }
        modules.disableProperty().bind(vm.recomputeProperty().isNotEqualTo(Recompute.SELECTIVE));
        add("recomputeModules", "recompute modules", modules);
        add("precision", "precision", choice(vm.precisionChoices(), vm.precisionProperty(), p -> p.id()));
        section("MoE");
        add("dispatcher", "dispatcher", choice(vm.dispatcherChoices(), vm.dispatcherProperty(), d -> d.id()));
        add("routing", "routing", choice(vm.routingChoices(), vm.routingKindProperty(), k -> k.id()));
        Spinner<Double> skew = doubleSpinner(vm.skewProperty(), 0.01, 4, 0.1);
        skew.disableProperty().bind(vm.routingKindProperty().isNotEqualTo(io.moesim.scenario.RoutingKind.ZIPF));
        add("skew", "Zipf skew", skew);
        add("capacityFactor", "capacity factor", override(vm.capacityFactor(), null));
        ComboBox<String> strategy = new ComboBox<>(vm.strategyChoices());
        strategy.valueProperty().bindBidirectional(vm.strategyProperty());
        add("strategy", "strategy preset", strategy);
        CheckBox overlap = new CheckBox("1F1B all-to-all overlap");
        overlap.selectedProperty().bindBidirectional(vm.a2aOverlapProperty());
        overlap.setId("a2aOverlap");
        grid.add(overlap, 1, row++);
        section("strategy knobs (empty = the preset's)");
        for (OverrideField f : vm.knobs()) {
            add("knob-" + f.id(), f.label(), override(f, "preset"));
        }

        Label problems = new Label();
        problems.setId("validation");
        problems.setWrapText(true);
        problems.setStyle("-fx-text-fill: #b00020;");
        problems.textProperty().bind(vm.validationTextProperty());
        problems.visibleProperty().bind(vm.validationTextProperty().isNotEmpty());
        problems.managedProperty().bind(problems.visibleProperty());
        Label info = new Label();
        info.setId("scenario-info");
        info.setWrapText(true);
        info.setStyle("-fx-text-fill: #444;");
        Runnable updateInfo = () -> {
            List<String> lines = new ArrayList<>();
            String d = vm.describe();
            if (!d.isEmpty()) {
                lines.add(d);
            }
            vm.notes().forEach(n -> lines.add("note: " + n));
            info.setText(String.join("\n", lines));
        };
        vm.scenarioProperty().addListener(o -> updateInfo.run());
        vm.notes().addListener((ListChangeListener<String>) c -> updateInfo.run());
        updateInfo.run();
        getChildren().addAll(grid, problems, info);
    }

    private void section(String title) {
        Label l = new Label(title);
        l.setStyle("-fx-font-weight: bold; -fx-padding: 6 0 0 0;");
        grid.add(l, 0, row++, 2, 1);
    }

    private void add(String id, String label, Node control) {
        control.setId(id);
        if (control instanceof javafx.scene.control.Control c) {
            c.setMaxWidth(Double.MAX_VALUE);
        }
        grid.add(new Label(label), 0, row);
        grid.add(control, 1, row++);
    }

    /**
     * A field that inherits when empty: a text field for numbers, a choice for booleans and enums; the
     * inherited value is shown as the prompt ({@code preset: 24}) or as the empty choice.
     */
    private static Control override(OverrideField f, String from) {
        javafx.beans.binding.StringBinding prompt = javafx.beans.binding.Bindings.createStringBinding(() -> {
            String v = f.inheritedProperty().get();
            return from == null ? v : from + ": " + (v.isEmpty() ? "?" : v);
        }, f.inheritedProperty());
        Tooltip tip = new Tooltip(f.help());
        if (f.kind() == OverrideField.Kind.INTEGER || f.kind() == OverrideField.Kind.NUMBER) {
            TextField t = new TextField();
            t.textProperty().bindBidirectional(f.valueProperty());
            t.promptTextProperty().bind(prompt);
            t.setTooltip(tip);
            return t;
        }
        List<String> items = new ArrayList<>();
        items.add("");
        items.addAll(f.choices());
        ComboBox<String> c = new ComboBox<>(FXCollections.observableArrayList(items));
        c.valueProperty().bindBidirectional(f.valueProperty());
        java.util.function.Supplier<ListCell<String>> cell = () -> new ListCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.isEmpty() ? prompt.get() : item);
            }
        };
        c.setCellFactory(v -> cell.get());
        c.setButtonCell(cell.get());
        prompt.addListener(o -> c.setButtonCell(cell.get()));
        c.setTooltip(tip);
        return c;
    }

    private Spinner<Integer> intSpinner(IntegerProperty p, int min, int max) {
        Spinner<Integer> s = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, p.get()));
        s.setEditable(true);
        ObjectProperty<Integer> boxed = p.asObject();
        adapters.add(boxed);
        s.getValueFactory().valueProperty().bindBidirectional(boxed);
        commitWhileTyping(s);
        return s;
    }

    private Spinner<Double> doubleSpinner(DoubleProperty p, double min, double max, double step) {
        Spinner<Double> s = new Spinner<>(new SpinnerValueFactory.DoubleSpinnerValueFactory(min, max, p.get(), step));
        s.setEditable(true);
        ObjectProperty<Double> boxed = p.asObject();
        adapters.add(boxed);
        s.getValueFactory().valueProperty().bindBidirectional(boxed);
        commitWhileTyping(s);
        return s;
    }

    /** A typed number takes effect at once (not only on Enter), when it parses and is in range. */
    private static <T> void commitWhileTyping(Spinner<T> s) {
        s.getEditor().textProperty().addListener((o, old, text) -> {
            SpinnerValueFactory<T> f = s.getValueFactory();
            try {
                T v = f.getConverter().fromString(text.strip());
                if (v != null && !v.equals(f.getValue()) && f.getConverter().toString(v).equals(text.strip())) {
                    f.setValue(v);
                }
            } catch (RuntimeException e) {
                // not a number yet: wait for more typing (or Enter / focus loss, which restores the value)
            }
        });
    }

    private static <T> ChoiceBox<T> choice(List<T> values, ObjectProperty<T> p, Function<T, String> id) {
        ChoiceBox<T> c = new ChoiceBox<>(FXCollections.observableArrayList(values));
        c.setConverter(new StringConverter<>() {
            @Override
            public String toString(T t) {
                return t == null ? "" : id.apply(t);
            }

            @Override
            public T fromString(String s) {
                return values.stream().filter(v -> id.apply(v).equals(s)).findFirst().orElse(null);
            }
        });
        c.valueProperty().bindBidirectional(p);
        return c;
    }
}
