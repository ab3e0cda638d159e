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
 * preset's knobs apply. Every change re-reads the JSON through {@link ScenarioReader}, so the editor
 * accepts exactly what {@code moe-sim simulate} accepts.
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
            "rematerializeSlots", "localTrafficFraction");

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

    private final ReadOnlyObjectWrapper<Path> file = new ReadOnlyObjectWrapper<>(this, "file");
    private final ReadOnlyObjectWrapper<Scenario> scenario = new ReadOnlyObjectWrapper<>(this, "scenario");
    private final ObservableList<String> problems = FXCollections.observableArrayList();
    private final ObservableList<String> notes = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper validationText = new ReadOnlyStringWrapper(this, "validationText", "");
    private final ReadOnlyBooleanWrapper dirty = new ReadOnlyBooleanWrapper(this, "dirty", false);
    private final ReadOnlyBooleanWrapper trainingStep = new ReadOnlyBooleanWrapper(this, "trainingStep", true);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");

    /** The file's JSON as last loaded or saved; edits are applied to a copy of it. */
    private ObjectNode base;
    private boolean loading;

    public ScenarioEditorViewModel(ModelCatalog catalog) {
        this.catalog = catalog;
        this.reader = new ScenarioReader(catalog);
        modelChoices.setAll(catalog.ids());
        Observable[] fields = {name, model, gpu, nodes, gpusPerNode, tp, pp, vpp, cp, ep, etp, microBatch, globalBatch,
                seqLen, recompute, precision, dispatcher, routingKind, skew, strategy, a2aOverlap};
        for (Observable o : fields) {
            o.addListener(x -> edited());
        }
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
     * was and lists why.
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
        try {
            // A valid file is shown in its canonical form: every default explicit, the preset's knobs spelled out.
            tree = ScenarioJson.toJson(reader.read(path), catalog, path);
        } catch (InputException e) {
            // keep the file as it is; its problems appear below
        }
        setBase(tree, path.toAbsolutePath());
        message.set("opened " + path);
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
        } finally {
            loading = false;
        }
        revalidate();
        dirty.set(false);
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
        if (loading) {
            return;
        }
        dirty.set(true);
        revalidate();
    }

    /** The scenario JSON the fields describe: the loaded file's JSON with the fields applied. */
    public ObjectNode tree() {
        ObjectNode o = base.deepCopy();
        o.put("name", name.get() == null || name.get().isBlank() ? "scenario" : name.get().strip());
        boolean training = trainingStep.get();
        if (training) {
            String m = model.get();
            if (m != null && !FILE_MODEL.equals(m)) {
                o.put("model", m);
            }
        }
        ObjectNode c = object(o, "cluster");
        c.put("gpu", gpu.get() == null ? "" : gpu.get().strip());
        c.put("nodes", nodes.get()).put("gpusPerNode", gpusPerNode.get());
        ObjectNode p = object(o, "parallel");
        p.put("tp", tp.get()).put("pp", pp.get()).put("vpp", vpp.get()).put("cp", cp.get()).put("ep", ep.get())
                .put("etp", etp.get());
        if (training) {
            object(o, "batch").put("seqLen", seqLen.get()).put("globalBatch", globalBatch.get())
                    .put("microBatch", microBatch.get());
        }
        o.put("precision", precision.get().id());
        o.put("recompute", recompute.get().id());
        ObjectNode moe = object(o, "moe");
        moe.put("dispatcher", dispatcher.get().id());
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
        String baseStrategy = base.path("strategy").path("name").asText("megatron");
        if (!baseStrategy.equals(strategy.get())) {
            st.remove(KNOB_FIELDS);
        }
        st.put("name", strategy.get() == null ? "" : strategy.get()).put("a2aOverlap", a2aOverlap.get());
        return o;
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
