package io.moesim.gui.viewmodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesim.io.InputException;
import io.moesim.io.Json;
import io.moesim.io.Problem;
import io.moesim.io.ScenarioJson;
import io.moesim.io.ScenarioReader;
import io.moesim.model.ModelCatalog;
import io.moesim.profiles.Profiles;
import io.moesim.scenario.Dispatcher;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Recompute;
import io.moesim.scenario.RecomputeModule;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.StrategySpec;
import io.moesim.scenario.Workload;
import io.moesim.workload.TrainingStepWorkload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The scenario editor's state: one property per editable field of a scenario file, the file it came
 * from, and the scenario those fields make — or, when they make none, every problem, each as
 * {@code field: message} (the scenario reader's and {@link io.moesim.scenario.ScenarioRules}' wording).
 *
 * <p>The fields edit a copy of the scenario file's JSON: what the editor does not show (strategy knobs,
 * capacity factor, link overrides, an inline model, a {@code moe-layer} or {@code dispatch} section) is
 * kept as the file had it. Changing the strategy preset drops the file's knob overrides so the new
 * preset's knobs apply.
 *
 * <p>Selective recomputation's modules ({@code recomputeModules}) are one check box each
 * ({@link #recomputeModuleProperty}); they apply only while recompute is {@code selective} (otherwise the
 * field is not written). The checked set {@link RecomputeModule#SELECTIVE_DEFAULT} writes no field (the
 * reader's default); any other set is written in {@link RecomputeModule}'s order. Checking none writes an
 * empty list, which the reader rejects ({@code recomputeModules: must name at least one module …}), so the
 * editor never simulates modules it does not show. A file's list the check boxes cannot show (an unknown or
 * repeated id, not an array) is kept as written, with the reader's problem listed, until a box changes.
 *
 * <p>Every change re-reads the JSON through {@link ScenarioReader}, so the editor accepts exactly what
 * {@code moe-sim simulate} accepts.
 *
 * <pre>{@code
 * ScenarioEditorViewModel editor = new ScenarioEditorViewModel(ModelCatalog.builtIn());
 * editor.load(Path.of("examples/qwen3-235b-h100x256-deepep.json"));
 * editor.tpProperty().set(3);                  // 256 GPUs: tp*pp*cp no longer divides them
 * editor.problems();                            // ["parallel: tp*pp*cp = 3*8*1 = 24 must divide ..."]
 * }</pre>
 *
 * @implNote not thread-safe: use it from the JavaFX application thread (or one test thread). It needs no
 * running toolkit.
 */
public final class ScenarioEditorViewModel {
    /** The model choice that keeps the file's own (inline or Hugging Face) model. */
    public static final String FILE_MODEL = "(model from file)";
    private static final Set<String> KNOB_FIELDS = Set.of("commSms", "a2aAlgorithm", "sharedExpertOverlap",
            "tokenRounding", "padToCapacity", "pipelineDegree", "replicateHotExperts", "fullyShardedExperts",
            "rematerializeSlots", "localTrafficFraction", "hostLaunchUs", "crossEntropyFusion");

    private final ModelCatalog catalog;
    private final ScenarioReader reader;
    private final ObservableList<String> modelChoices = FXCollections.observableArrayList();
    private final ObservableList<String> gpuChoices = FXCollections.observableArrayList(Profiles.BUNDLED);
    private final ObservableList<String> strategyChoices = FXCollections.observableArrayList(StrategySpec.KNOWN_NAMES);

    private final StringProperty name = new SimpleStringProperty(this, "name", "scenario");
    private final StringProperty model = new SimpleStringProperty(this, "model");
    private final StringProperty gpu = new SimpleStringProperty(this, "gpu");
    private final IntegerProperty nodes = new SimpleIntegerProperty(this, "nodes", 1);
    private final IntegerProperty gpusPerNode = new SimpleIntegerProperty(this, "gpusPerNode", 8);
    private final IntegerProperty tp = new SimpleIntegerProperty(this, "tp", 1);
    private final IntegerProperty pp = new SimpleIntegerProperty(this, "pp", 1);
    private final IntegerProperty vpp = new SimpleIntegerProperty(this, "vpp", 1);
    private final IntegerProperty cp = new SimpleIntegerProperty(this, "cp", 1);
    private final IntegerProperty ep = new SimpleIntegerProperty(this, "ep", 1);
    private final IntegerProperty etp = new SimpleIntegerProperty(this, "etp", 1);
    private final IntegerProperty microBatch = new SimpleIntegerProperty(this, "microBatch", 1);
    private final IntegerProperty globalBatch = new SimpleIntegerProperty(this, "globalBatch", 1);
    private final IntegerProperty seqLen = new SimpleIntegerProperty(this, "seqLen", 4096);
    private final ObjectProperty<Recompute> recompute = new SimpleObjectProperty<>(this, "recompute", Recompute.NONE);
    private final ObjectProperty<Precision> precision = new SimpleObjectProperty<>(this, "precision", Precision.BF16);
    private final ObjectProperty<Dispatcher> dispatcher = new SimpleObjectProperty<>(this, "dispatcher", Dispatcher.ALLTOALL);
    private final ObjectProperty<RoutingKind> routingKind = new SimpleObjectProperty<>(this, "routingKind", RoutingKind.BALANCED);
    private final DoubleProperty skew = new SimpleDoubleProperty(this, "skew", 0.6);
    private final StringProperty strategy = new SimpleStringProperty(this, "strategy", "megatron");
    private final BooleanProperty a2aOverlap = new SimpleBooleanProperty(this, "a2aOverlap", false);
    private final java.util.Map<RecomputeModule, BooleanProperty> recomputeModules =
            new EnumMap<>(RecomputeModule.class);

    private final ReadOnlyObjectWrapper<Path> file = new ReadOnlyObjectWrapper<>(this, "file");
    private final ReadOnlyObjectWrapper<Scenario> scenario = new ReadOnlyObjectWrapper<>(this, "scenario");
    private final ObservableList<String> problems = FXCollections.observableArrayList();
    private final ObservableList<String> notes = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper validationText = new ReadOnlyStringWrapper(this, "validationText", "");
    private final ReadOnlyBooleanWrapper dirty = new ReadOnlyBooleanWrapper(this, "dirty", false);
    private final ReadOnlyBooleanWrapper trainingStep = new ReadOnlyBooleanWrapper(this, "trainingStep", true);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");

    private final List<OverrideField> knobs = List.of(
            new OverrideField("commSms", "comm. SMs", OverrideField.Kind.INTEGER, List.of(),
                    "SMs the EP communication kernels hold"),
            new OverrideField("a2aAlgorithm", "all-to-all algorithm", OverrideField.Kind.CHOICE,
                    List.of("auto", "flat", "hierarchical"), "NCCL dispatcher: flat or hierarchical (Tutel 2DH)"),
            new OverrideField("sharedExpertOverlap", "shared-expert overlap", OverrideField.Kind.BOOLEAN, List.of(),
                    "run the shared experts while dispatch and combine are in flight"),
            new OverrideField("tokenRounding", "token rounding", OverrideField.Kind.INTEGER, List.of(),
                    "round each expert's tokens to a multiple of this (0 = off)"),
            new OverrideField("padToCapacity", "pad to capacity", OverrideField.Kind.BOOLEAN, List.of(),
                    "pad every expert to its capacity (GShard)"),
            new OverrideField("pipelineDegree", "pipeline degree", OverrideField.Kind.INTEGER, List.of(),
                    "overlapping chunks of dispatch, GEMMs, combine (1 = off, 0 = adaptive)"),
            new OverrideField("replicateHotExperts", "replicate hot experts", OverrideField.Kind.INTEGER, List.of(),
                    "hot experts replicated on every EP rank (0 = off, -1 = dynamic)"),
            new OverrideField("fullyShardedExperts", "fully sharded experts", OverrideField.Kind.BOOLEAN, List.of(),
                    "Hecate's fully sharded sparse data parallelism"),
            new OverrideField("rematerializeSlots", "rematerialize slots", OverrideField.Kind.INTEGER, List.of(),
                    "extra expert replicas per rank (with fully sharded experts)"),
            new OverrideField("localTrafficFraction", "local traffic fraction", OverrideField.Kind.NUMBER, List.of(),
                    "share of EP traffic kept on the rank, 0 to below 1"),
            new OverrideField("hostLaunchUs", "host µs per launch", OverrideField.Kind.NUMBER, List.of(),
                    "framework CPU time per kernel launched from Python"),
            new OverrideField("crossEntropyFusion", "cross-entropy fusion", OverrideField.Kind.CHOICE,
                    List.of("none", "native", "te"), "loss over the logits: unfused (Megatron's default), Megatron's "
                    + "jit-fused or Transformer Engine's kernels"));
    private final List<OverrideField> links = List.of(
            new OverrideField("nvlinkGBps", "NVLink GB/s", OverrideField.Kind.NUMBER, List.of(),
                    "per GPU, one direction"),
            new OverrideField("nicGBps", "NIC GB/s", OverrideField.Kind.NUMBER, List.of(), "per GPU, one direction"),
            new OverrideField("nicsPerNode", "NICs per node", OverrideField.Kind.INTEGER, List.of(), "NICs per node"));
    private final OverrideField capacityFactor = new OverrideField("capacityFactor", "capacity factor",
            OverrideField.Kind.NUMBER, List.of(), "tokens per expert over the balanced share; empty = dropless");
    /** Models imported from Hugging Face configs: the model choice's label and the scenario's model node. */
    private final java.util.Map<String, ObjectNode> importedModels = new java.util.LinkedHashMap<>();

    /** Undo steps kept; older ones are dropped. */
    public static final int HISTORY = 200;
    /** Changes of one field closer together than this are one undo step (typing a number is one edit). */
    public static final long COALESCE_MS = 1500;
    private final java.util.ArrayDeque<List<Object>> undo = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<List<Object>> redo = new java.util.ArrayDeque<>();
    private final ReadOnlyBooleanWrapper canUndo = new ReadOnlyBooleanWrapper(this, "canUndo", false);
    private final ReadOnlyBooleanWrapper canRedo = new ReadOnlyBooleanWrapper(this, "canRedo", false);
    /** The fields' values after the last edit (what an undo step goes back to). */
    private List<Object> current;
    private Object lastField;
    private long lastEditNanos;

    /** The file's JSON as last loaded or saved; edits are applied to a copy of it. */
    private ObjectNode base;
    /** The modules checked when the file was loaded or saved. */
    private Set<RecomputeModule> loadedModules = RecomputeModule.SELECTIVE_DEFAULT;
    /** The file's {@code recomputeModules} while the boxes cannot show it exactly (until one changes), else null. */
    private JsonNode fileModules;
    private boolean loading;

    public ScenarioEditorViewModel(ModelCatalog catalog) {
        this.catalog = catalog;
        this.reader = new ScenarioReader(catalog);
        for (RecomputeModule m : RecomputeModule.values()) {
            recomputeModules.put(m, new SimpleBooleanProperty(this, "recomputeModule-" + m.id(),
                    RecomputeModule.SELECTIVE_DEFAULT.contains(m)));
        }
        modelChoices.setAll(catalog.ids());
        // A new strategy preset brings its own knobs: the overrides of the old one are cleared first.
        strategy.addListener((o, old, now) -> {
            updateKnobPresets();
            if (!loading) {
                loading = true;
                try {
                    knobs.forEach(k -> k.valueProperty().set(""));
                } finally {
                    loading = false;
                }
            }
        });
        gpu.addListener(o -> updateLinkPresets());
        Observable[] fields = {name, model, gpu, nodes, gpusPerNode, tp, pp, vpp, cp, ep, etp, microBatch, globalBatch,
                seqLen, recompute, precision, dispatcher, routingKind, skew, strategy, a2aOverlap};
        for (Observable o : fields) {
            o.addListener(x -> edited(o));
        }
        for (BooleanProperty m : recomputeModules.values()) {
            m.addListener(x -> edited(m));
        }
        for (OverrideField f : overrides()) {
            f.valueProperty().addListener(x -> edited(f));
        }
        capacityFactor.setInherited("dropless");
        newScenario();
    }

    /** Starts from the README's main job: Qwen3-235B on 256 H100s, the Megatron-MoE-ModelZoo layout. */
    public void newScenario() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("name", "new-scenario").put("workload", "training-step").put("model", "qwen3-235b-a22b");
        o.putObject("cluster").put("gpu", "h100-sxm").put("nodes", 32).put("gpusPerNode", 8);
        o.putObject("parallel").put("tp", 2).put("pp", 8).put("vpp", 4).put("cp", 1).put("ep", 32).put("etp", 1);
        o.putObject("batch").put("seqLen", 4096).put("globalBatch", 2048).put("microBatch", 1);
        o.put("precision", "bf16").put("recompute", "selective");
        ObjectNode moe = o.putObject("moe");
        moe.put("dispatcher", "deepep");
        moe.putObject("routing").put("kind", "balanced");
        moe.putNull("capacityFactor");
        o.putObject("strategy").put("name", "megatron").put("a2aOverlap", false);
        setBase(o, null);
        message.set("new scenario");
    }

    /**
     * Loads a scenario file. A file that parses as JSON is loaded even when it breaks rules — its
     * problems are listed — so it can be fixed here; a file that is not JSON leaves the editor as it
     * was and lists why. A value a field cannot hold (an unknown routing kind, text where a number goes)
     * shows as the field's default: the file's problem is still listed, and the editor is marked edited.
     *
     * @return whether the file was loaded
     */
    public boolean load(Path path) {
        JsonNode root;
        try {
            root = Json.readTree(path, path.toString());
        } catch (InputException e) {
            showProblems(e);
            message.set("could not open " + path);
            return false;
        }
        if (!root.isObject()) {
            problems.setAll("expected a JSON object at the top level of " + path);
            validationText.set(String.join("\n", problems));
            message.set("could not open " + path);
            return false;
        }
        ObjectNode tree = (ObjectNode) root;
        InputException fileProblems = null;
        try {
            // A valid file is shown in its canonical form: every default explicit, the preset's knobs spelled out.
            tree = ScenarioJson.toJson(reader.read(path), catalog, path);
        } catch (InputException e) {
            fileProblems = e;   // keep the file as it is; its problems appear below
        }
        setBase(tree, path.toAbsolutePath());
        message.set("opened " + path);
        if (fileProblems != null && scenario.get() != null) {
            // The fields could not hold what the file says (an unknown id, a word where a number goes) and show
            // their defaults instead, which happen to make a valid scenario: the file's own problems must still
            // be seen, and the editor no longer says what the file says.
            List<String> lines = new ArrayList<>();
            for (Problem p : fileProblems.problems()) {
                lines.add("in the file: " + (p.field().isEmpty() ? p.message() : p.field() + ": " + p.message())
                        + " (the editor cannot hold this and uses its default; saving replaces it)");
            }
            problems.setAll(lines);
            validationText.set(String.join("\n", lines));
            dirty.set(true);
            message.set("opened " + path + " with problems the editor replaced by defaults");
        }
        return true;
    }

    /**
     * Saves the scenario (the canonical JSON of a valid scenario, else the edited JSON as it stands),
     * writing a temporary file first and then moving it into place.
     */
    public void save(Path path) throws IOException {
        Path target = path.toAbsolutePath();
        Scenario s = scenario.get();
        ObjectNode out = s != null ? ScenarioJson.toJson(s, catalog, fileOrWorkingDir()) : tree();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, Json.pretty(out), StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        base = out.deepCopy();
        rememberModules(base);
        file.set(target);
        dirty.set(false);
        message.set("saved " + target);
    }

    private Path fileOrWorkingDir() {
        return file.get() != null ? file.get() : Path.of("scenario.json").toAbsolutePath();
    }

    private void setBase(ObjectNode tree, Path path) {
        loading = true;
        try {
            base = tree.deepCopy();
            file.set(path);
            trainingStep.set(tree.path("workload").asText("training-step").equals(Workload.TRAINING_STEP.id()));
            name.set(tree.path("name").asText(defaultName(path)));
            JsonNode m = tree.path("model");
            modelChoices.setAll(catalog.ids());
            if (m.isTextual() && catalog.find(m.asText()).isPresent()) {
                model.set(m.asText());
            } else if (m.isMissingNode() || m.isNull()) {
                model.set(null);
            } else {
                modelChoices.add(0, FILE_MODEL);
                model.set(FILE_MODEL);
            }
            JsonNode c = tree.path("cluster");
            String g = c.path("gpu").asText("h100-sxm");
            if (!gpuChoices.contains(g)) {
                gpuChoices.add(g);
            }
            gpu.set(g);
            nodes.set(c.path("nodes").asInt(1));
            gpusPerNode.set(c.path("gpusPerNode").asInt(8));
            JsonNode p = tree.path("parallel");
            tp.set(p.path("tp").asInt(1));
            pp.set(p.path("pp").asInt(1));
            vpp.set(p.path("vpp").asInt(1));
            cp.set(p.path("cp").asInt(1));
            ep.set(p.path("ep").asInt(1));
            etp.set(p.path("etp").asInt(1));
            JsonNode b = tree.path("batch");
            seqLen.set(b.path("seqLen").asInt(4096));
            globalBatch.set(b.path("globalBatch").asInt(1));
            microBatch.set(b.path("microBatch").asInt(1));
            recompute.set(parse(tree.path("recompute").asText("none"), Recompute::fromId, Recompute.NONE));
            rememberModules(tree);
            recomputeModules.forEach((module, checked) -> checked.set(loadedModules.contains(module)));
            precision.set(parse(tree.path("precision").asText("bf16"), Precision::fromId, Precision.BF16));
            JsonNode moe = tree.path("moe");
            dispatcher.set(parse(moe.path("dispatcher").asText("alltoall"), Dispatcher::fromId, Dispatcher.ALLTOALL));
            JsonNode routing = moe.path("routing");
            routingKind.set(parse(routing.path("kind").asText("balanced"), RoutingKind::fromId, RoutingKind.BALANCED));
            skew.set(routing.path("skew").asDouble(0.6));
            JsonNode st = tree.path("strategy");
            String sn = st.path("name").asText("megatron");
            if (!strategyChoices.contains(sn)) {
                strategyChoices.add(sn);
            }
            strategy.set(sn);
            a2aOverlap.set(st.path("a2aOverlap").asBoolean(false));
            importedModels.clear();
            updateKnobPresets();
            io.moesim.scenario.StrategyKnobs preset = io.moesim.scenario.StrategyKnobs.preset(sn);
            for (OverrideField k : knobs) {
                k.read(st.path(k.id()), knobValue(preset, k.id()));
            }
            updateLinkPresets();
            for (OverrideField l : links) {
                l.read(c.path(l.id()), null);
            }
            capacityFactor.read(moe.path("capacityFactor"), null);
        } finally {
            loading = false;
        }
        revalidate();
        dirty.set(false);
        resetHistory();
    }

    /**
     * Reads a scenario's {@code recomputeModules} into {@link #loadedModules} (absent or null: the default
     * set; unknown ids skipped) and keeps the node in {@link #fileModules} when that set does not say it exactly.
     */
    private void rememberModules(JsonNode tree) {
        JsonNode n = tree.path("recomputeModules");
        Set<RecomputeModule> set = EnumSet.noneOf(RecomputeModule.class);
        boolean exact = true;
        if (n.isMissingNode() || n.isNull()) {
            set.addAll(RecomputeModule.SELECTIVE_DEFAULT);
        } else if (n.isArray()) {
            for (JsonNode e : n) {
                RecomputeModule m = e.isTextual() ? parse(e.asText(), RecomputeModule::fromId, null) : null;
                exact &= m != null && set.add(m);
            }
        } else {
            set.addAll(RecomputeModule.SELECTIVE_DEFAULT);
            exact = false;
        }
        loadedModules = Collections.unmodifiableSet(set);
        fileModules = exact ? null : n.deepCopy();
    }

    private static String defaultName(Path path) {
        if (path == null || path.getFileName() == null) {
            return "scenario";
        }
        String f = path.getFileName().toString();
        return f.endsWith(".json") ? f.substring(0, f.length() - 5) : f;
    }

    private static <T> T parse(String id, java.util.function.Function<String, T> parser, T fallback) {
        try {
            return parser.apply(id);
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    private void edited() {
        edited(new Object());   // an edit of its own: never merged with the one before
    }

    /** @param field what changed: consecutive changes of one field within {@link #COALESCE_MS} are one undo step */
    private void edited(Object field) {
        if (loading) {
            return;
        }
        dirty.set(true);
        revalidate();
        record(field);
    }

    // ---- undo / redo ---------------------------------------------------------------------------------

    /** The values of every field, in a fixed order: one undo step. */
    private List<Object> snapshot() {
        List<Object> v = new ArrayList<>();
        for (javafx.beans.property.Property<?> p : fieldProperties()) {
            v.add(p.getValue());
        }
        for (OverrideField f : overrides()) {
            v.add(f.valueProperty().get());
        }
        return v;
    }

    private List<javafx.beans.property.Property<?>> fieldProperties() {
        List<javafx.beans.property.Property<?>> all = new ArrayList<>(List.of(name, model, gpu, nodes, gpusPerNode,
                tp, pp, vpp, cp, ep, etp, microBatch, globalBatch, seqLen, recompute, precision, dispatcher,
                routingKind, skew, strategy, a2aOverlap));
        all.addAll(recomputeModules.values());   // an EnumMap: in RecomputeModule's order
        return all;
    }

    @SuppressWarnings("unchecked")
    private void restore(List<Object> state) {
        loading = true;
        try {
            List<javafx.beans.property.Property<?>> props = fieldProperties();
            for (int i = 0; i < props.size(); i++) {
                ((javafx.beans.property.Property<Object>) props.get(i)).setValue(state.get(i));
            }
            List<OverrideField> o = overrides();
            for (int i = 0; i < o.size(); i++) {
                o.get(i).valueProperty().set((String) state.get(props.size() + i));
            }
        } finally {
            loading = false;
        }
        current = state;
        lastField = null;
        dirty.set(true);
        revalidate();
        updateHistory();
    }

    /** Called after every edit: the state before it goes on the undo stack, unless the edit continues the last one. */
    private void record(Object field) {
        List<Object> now = snapshot();
        if (now.equals(current)) {
            return;
        }
        long t = System.nanoTime();
        boolean coalesce = field == lastField && t - lastEditNanos < COALESCE_MS * 1_000_000L && !undo.isEmpty();
        if (!coalesce) {
            undo.push(current);
            while (undo.size() > HISTORY) {
                undo.removeLast();
            }
        }
        redo.clear();
        current = now;
        lastField = field;
        lastEditNanos = t;
        updateHistory();
    }

    /** Forgets every undo and redo step: the fields as they are become the start of the history. */
    private void resetHistory() {
        undo.clear();
        redo.clear();
        current = snapshot();
        lastField = null;
        updateHistory();
    }

    private void updateHistory() {
        canUndo.set(!undo.isEmpty());
        canRedo.set(!redo.isEmpty());
    }

    /**
     * Takes back the last edit (typing in one field counts as one edit until another field changes or
     * {@link #COALESCE_MS} pass); does nothing when there is none.
     */
    public void undo() {
        if (undo.isEmpty()) {
            return;
        }
        redo.push(current);
        restore(undo.pop());
        message.set("undone (" + undo.size() + " more)");
    }

    /** Applies the edit last undone again; does nothing when there is none (any new edit clears the redo steps). */
    public void redo() {
        if (redo.isEmpty()) {
            return;
        }
        undo.push(current);
        restore(redo.pop());
        message.set("redone (" + redo.size() + " more)");
    }

    /** Whether {@link #undo()} has something to take back. */
    public ReadOnlyBooleanProperty canUndoProperty() {
        return canUndo.getReadOnlyProperty();
    }

    /** Whether {@link #redo()} has something to apply again. */
    public ReadOnlyBooleanProperty canRedoProperty() {
        return canRedo.getReadOnlyProperty();
    }

    /** The scenario JSON the fields describe: the loaded file's JSON with the fields applied. */
    public ObjectNode tree() {
        ObjectNode o = base.deepCopy();
        o.put("name", name.get() == null || name.get().isBlank() ? "scenario" : name.get().strip());
        boolean training = trainingStep.get();
        if (training) {
            String m = model.get();
            if (m != null && importedModels.containsKey(m)) {
                o.set("model", importedModels.get(m).deepCopy());
            } else if (m != null && !FILE_MODEL.equals(m)) {
                o.put("model", m);
            }
        }
        ObjectNode c = object(o, "cluster");
        c.put("gpu", gpu.get() == null ? "" : gpu.get().strip());
        c.put("nodes", nodes.get()).put("gpusPerNode", gpusPerNode.get());
        for (OverrideField l : links) {
            l.write(c, false);
        }
        ObjectNode p = object(o, "parallel");
        p.put("tp", tp.get()).put("pp", pp.get()).put("vpp", vpp.get()).put("cp", cp.get()).put("ep", ep.get())
                .put("etp", etp.get());
        if (training) {
            object(o, "batch").put("seqLen", seqLen.get()).put("globalBatch", globalBatch.get())
                    .put("microBatch", microBatch.get());
        }
        o.put("precision", precision.get().id());
        o.put("recompute", recompute.get().id());
        Set<RecomputeModule> modules = recomputeModules();
        if (recompute.get() != Recompute.SELECTIVE) {
            o.remove("recomputeModules"); // the module list applies to selective recompute only
        } else if (fileModules != null && modules.equals(loadedModules)) {
            o.set("recomputeModules", fileModules.deepCopy()); // as the file has it: the reader says what is wrong
        } else if (modules.equals(RecomputeModule.SELECTIVE_DEFAULT)) {
            o.remove("recomputeModules"); // the reader's default
        } else {
            var array = o.putArray("recomputeModules");
            modules.forEach(m -> array.add(m.id()));   // an EnumSet: in RecomputeModule's order; none -> [] (a problem)
        }
        ObjectNode moe = object(o, "moe");
        moe.put("dispatcher", dispatcher.get().id());
        capacityFactor.write(moe, true);
        ObjectNode routing = object(moe, "routing");
        routing.put("kind", routingKind.get().id());
        if (routingKind.get() == RoutingKind.ZIPF) {
            routing.put("skew", skew.get());
        } else {
            routing.remove("skew");
        }
        if (routingKind.get() != RoutingKind.TRACE) {
            routing.remove("file");
        }
        ObjectNode st = object(o, "strategy");
        st.remove(KNOB_FIELDS);
        st.put("name", strategy.get() == null ? "" : strategy.get()).put("a2aOverlap", a2aOverlap.get());
        for (OverrideField k : knobs) {
            k.write(st, false);
        }
        return o;
    }

    private List<OverrideField> overrides() {
        List<OverrideField> all = new ArrayList<>(knobs);
        all.addAll(links);
        all.add(capacityFactor);
        return all;
    }

    /** The knob's value in a preset, as the scenario JSON spells it (null for "the dispatcher's default"). */
    private static String knobValue(io.moesim.scenario.StrategyKnobs k, String id) {
        return switch (id) {
            case "commSms" -> k.commSms() == null ? null : String.valueOf(k.commSms());
            case "a2aAlgorithm" -> k.a2aAlgorithm().id();
            case "sharedExpertOverlap" -> String.valueOf(k.sharedExpertOverlap());
            case "tokenRounding" -> String.valueOf(k.tokenRounding());
            case "padToCapacity" -> String.valueOf(k.padToCapacity());
            case "pipelineDegree" -> String.valueOf(k.pipelineDegree());
            case "replicateHotExperts" -> String.valueOf(k.replicateHotExperts());
            case "fullyShardedExperts" -> String.valueOf(k.fullyShardedExperts());
            case "rematerializeSlots" -> String.valueOf(k.rematerializeSlots());
            case "localTrafficFraction" -> String.valueOf(k.localTrafficFraction());
            case "hostLaunchUs" -> String.valueOf(k.hostLaunchUs());
            case "crossEntropyFusion" -> k.crossEntropyFusion().id();
            default -> throw new IllegalArgumentException("unknown strategy knob " + id);
        };
    }

    private void updateKnobPresets() {
        String sn = strategy.get() == null ? "megatron" : strategy.get();
        io.moesim.scenario.StrategyKnobs preset = io.moesim.scenario.StrategyKnobs.preset(sn);
        for (OverrideField k : knobs) {
            String v = knobValue(preset, k.id());
            k.setInherited(v == null ? "dispatcher default" : v);
        }
    }

    private void updateLinkPresets() {
        String g = gpu.get();
        io.moesim.hardware.GpuSpec spec = null;
        if (g != null && !g.isBlank()) {
            try {
                spec = ScenarioReader.resolveProfile(g.strip(), fileOrWorkingDir()).gpu();
            } catch (io.moesim.profiles.ProfileException | RuntimeException e) {
                spec = null; // the reader reports the profile problem when the scenario is read
            }
        }
        links.get(0).setInherited(spec == null ? "" : trim(spec.nvlinkGBps()));
        links.get(1).setInherited(spec == null ? "" : trim(spec.nicGBps()));
        links.get(2).setInherited(spec == null ? "" : String.valueOf(spec.nicsPerNode()));
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /**
     * Makes the model the one a Hugging Face {@code config.json} describes (read by
     * {@link io.moesim.io.HfConfigImporter}, as {@code "model": {"hfConfig": …}} in a scenario file): it
     * becomes a model choice of its own, selected now. A file the importer cannot read leaves the model
     * as it was; why is in {@link #messageProperty()}.
     *
     * @return whether the model was imported
     */
    public boolean importHfConfig(Path config) {
        Path abs = config.toAbsolutePath().normalize();
        io.moesim.model.ModelSpec spec;
        try {
            spec = io.moesim.io.HfConfigImporter.read(abs);
        } catch (InputException e) {
            List<String> lines = new ArrayList<>();
            for (Problem p : e.problems()) {
                lines.add(p.field() == null || p.field().isEmpty() ? p.message() : p.field() + ": " + p.message());
            }
            message.set("could not import " + abs + ": " + String.join("; ", lines));
            return false;
        }
        String label = "HF: " + spec.id();
        ObjectNode node = Json.mapper().createObjectNode().put("hfConfig", abs.toString());
        importedModels.put(label, node);
        if (!modelChoices.contains(label)) {
            modelChoices.add(0, label);
        }
        if (label.equals(model.get())) {
            edited();
        } else {
            model.set(label);
        }
        message.set("imported " + spec.id() + " from " + abs);
        return true;
    }

    /**
     * Sets the layout fields at once (one re-read of the scenario, not one per field): what the layout
     * search's Apply does.
     */
    void applyLayout(int nodesValue, int tpValue, int ppValue, int vppValue, int cpValue, int epValue, int etpValue,
                     int microBatchValue, Recompute recomputeValue, Dispatcher dispatcherValue, boolean overlap) {
        loading = true;
        try {
            nodes.set(nodesValue);
            tp.set(tpValue);
            pp.set(ppValue);
            vpp.set(vppValue);
            cp.set(cpValue);
            ep.set(epValue);
            etp.set(etpValue);
            microBatch.set(microBatchValue);
            recompute.set(recomputeValue);
            dispatcher.set(dispatcherValue);
            a2aOverlap.set(overlap);
        } finally {
            loading = false;
        }
        edited();
    }

    /** The strategy knobs, in {@link io.moesim.scenario.StrategyKnobs}' order; empty value = the preset's. */
    public List<OverrideField> knobs() {
        return knobs;
    }

    /** One strategy knob by its JSON name ({@code commSms}, …). */
    public OverrideField knob(String id) {
        return knobs.stream().filter(k -> k.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown strategy knob '" + id + "'"));
    }

    /** The cluster's link overrides (NVLink GB/s, NIC GB/s, NICs per node); empty value = the profile's. */
    public List<OverrideField> linkOverrides() {
        return links;
    }

    /** The MoE capacity factor; empty = dropless. */
    public OverrideField capacityFactor() {
        return capacityFactor;
    }

    private static ObjectNode object(ObjectNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n instanceof ObjectNode on) {
            return on;
        }
        return parent.putObject(field);
    }

    /** Re-reads the fields as a scenario; sets {@link #scenarioProperty()} or the problems. */
    public void revalidate() {
        Path f = fileOrWorkingDir();
        String display = file.get() == null ? "scenario" : f.getFileName().toString();
        try {
            Scenario s = reader.read(tree(), display, f.getParent(), defaultName(f));
            problems.clear();
            notes.setAll(s.workload() == Workload.TRAINING_STEP ? TrainingStepWorkload.limitations(s) : List.of());
            validationText.set("");
            scenario.set(s);
        } catch (InputException e) {
            showProblems(e);
            notes.clear();
            scenario.set(null);
        }
    }

    private void showProblems(InputException e) {
        List<String> lines = new ArrayList<>();
        for (Problem p : e.problems()) {
            lines.add(p.field() == null || p.field().isEmpty() ? p.message() : p.field() + ": " + p.message());
        }
        problems.setAll(lines);
        validationText.set(String.join("\n", lines));
    }

    /** A short description of the valid scenario's size, or an empty string. */
    public String describe() {
        Scenario s = scenario.get();
        if (s == null) {
            return "";
        }
        int gpus = s.cluster().gpuCount();
        if (s.workload() != Workload.TRAINING_STEP) {
            return String.format(Locale.ROOT, "%s, %d GPUs", s.workload().id(), gpus);
        }
        int dp = s.parallel().dp(gpus);
        return String.format(Locale.ROOT, "%d GPUs · dp %d · edp %d · %d micro-batches per step", gpus, dp,
                s.parallel().expertDp(gpus), s.batch().globalBatch() / (s.batch().microBatch() * dp));
    }

    public ObservableList<String> modelChoices() {
        return modelChoices;
    }

    public ObservableList<String> gpuChoices() {
        return gpuChoices;
    }

    public ObservableList<String> strategyChoices() {
        return strategyChoices;
    }

    public List<Recompute> recomputeChoices() {
        return List.of(Recompute.values());
    }

    /** Selective recomputation's modules, one check box each, in {@link RecomputeModule}'s order. */
    public List<RecomputeModule> recomputeModuleChoices() {
        return List.of(RecomputeModule.values());
    }

    /** What recomputing a module re-runs (a check box's tooltip). */
    public String recomputeModuleHelp(RecomputeModule m) {
        return switch (m) {
            case CORE_ATTN -> "core attention (FlashAttention; with cp its ring exchange)";
            case LAYERNORM -> "the layer norms before attention and before the MLP / MoE block";
            case MOE_ACT -> "the activation between the two expert GEMMs";
            case MLA_UP_PROJ -> "the up-projections of multi-latent attention (MLA models only, e.g. DeepSeek)";
            case MLP -> "the whole dense MLP of non-MoE layers, with its tensor-parallel communication";
            case MOE -> "the whole MoE block after its norm: router, dispatch, experts, combine (re-communicates)";
            case SHARED_EXPERTS -> "the shared experts";
        };
    }

    public List<Precision> precisionChoices() {
        return List.of(Precision.values());
    }

    public List<Dispatcher> dispatcherChoices() {
        return List.of(Dispatcher.values());
    }

    public List<RoutingKind> routingChoices() {
        return List.of(RoutingKind.values());
    }

    public StringProperty nameProperty() {
        return name;
    }

    public StringProperty modelProperty() {
        return model;
    }

    public StringProperty gpuProperty() {
        return gpu;
    }

    public IntegerProperty nodesProperty() {
        return nodes;
    }

    public IntegerProperty gpusPerNodeProperty() {
        return gpusPerNode;
    }

    public IntegerProperty tpProperty() {
        return tp;
    }

    public IntegerProperty ppProperty() {
        return pp;
    }

    public IntegerProperty vppProperty() {
        return vpp;
    }

    public IntegerProperty cpProperty() {
        return cp;
    }

    public IntegerProperty epProperty() {
        return ep;
    }

    public IntegerProperty etpProperty() {
        return etp;
    }

    public IntegerProperty microBatchProperty() {
        return microBatch;
    }

    public IntegerProperty globalBatchProperty() {
        return globalBatch;
    }

    public IntegerProperty seqLenProperty() {
        return seqLen;
    }

    public ObjectProperty<Recompute> recomputeProperty() {
        return recompute;
    }

    /** Whether selective recomputation re-runs the module (applies while recompute is {@code selective}). */
    public BooleanProperty recomputeModuleProperty(RecomputeModule module) {
        return recomputeModules.get(module);
    }

    /** The checked modules, in {@link RecomputeModule}'s order. */
    public Set<RecomputeModule> recomputeModules() {
        Set<RecomputeModule> set = EnumSet.noneOf(RecomputeModule.class);
        recomputeModules.forEach((m, p) -> {
            if (p.get()) {
                set.add(m);
            }
        });
        return set;
    }

    public ObjectProperty<Precision> precisionProperty() {
        return precision;
    }

    public ObjectProperty<Dispatcher> dispatcherProperty() {
        return dispatcher;
    }

    public ObjectProperty<RoutingKind> routingKindProperty() {
        return routingKind;
    }

    public DoubleProperty skewProperty() {
        return skew;
    }

    public StringProperty strategyProperty() {
        return strategy;
    }

    public BooleanProperty a2aOverlapProperty() {
        return a2aOverlap;
    }

    /** The file last opened or saved (absolute), or null for a new scenario. */
    public ReadOnlyObjectProperty<Path> fileProperty() {
        return file.getReadOnlyProperty();
    }

    /** The valid scenario the fields make, or null while they break a rule. */
    public ReadOnlyObjectProperty<Scenario> scenarioProperty() {
        return scenario.getReadOnlyProperty();
    }

    /** Every problem of the fields, as {@code field: message}; empty when the scenario is valid. */
    public ObservableList<String> problems() {
        return problems;
    }

    /** What the simulation will only approximate (warnings of a valid scenario). */
    public ObservableList<String> notes() {
        return notes;
    }

    /** The problems, one per line (empty when valid). */
    public ReadOnlyStringProperty validationTextProperty() {
        return validationText.getReadOnlyProperty();
    }

    /** Whether the fields changed since the last load or save. */
    public ReadOnlyBooleanProperty dirtyProperty() {
        return dirty.getReadOnlyProperty();
    }

    /** Whether the scenario is a training step (model and batch fields apply). */
    public ReadOnlyBooleanProperty trainingStepProperty() {
        return trainingStep.getReadOnlyProperty();
    }

    /** The outcome of the last open or save. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }
}
