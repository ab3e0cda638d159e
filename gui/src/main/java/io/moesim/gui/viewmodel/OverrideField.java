package io.moesim.gui.viewmodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One optional scenario field the editor shows with its inherited value: a strategy knob (inherited from
 * the strategy preset), a link override (inherited from the GPU profile) or the capacity factor (dropless
 * when unset). {@link #valueProperty()} holds what the user typed or chose; empty means "inherit", and
 * {@link #inheritedProperty()} says what is inherited then.
 *
 * <p>The text goes into the scenario JSON as a number or a boolean when it reads as one, else as the text
 * itself — so a typo is reported by the scenario reader, inline, like every other field
 * ({@code strategy.commSms: expected an integer, got "2x"}).
 *
 * <pre>{@code
 * OverrideField f = editor.knob("commSms");
 * f.inheritedProperty().get();     // "dispatcher default" for megatron, "20" for dualpipe
 * f.valueProperty().set("32");     // the scenario now overrides the preset's commSms
 * }</pre>
 *
 * @implNote not thread-safe: use it from the JavaFX application thread.
 */
public final class OverrideField {
    /** How the value is read. */
    public enum Kind {
        /** a whole number */
        INTEGER,
        /** a decimal number */
        NUMBER,
        /** true or false */
        BOOLEAN,
        /** one of {@link #choices()} */
        CHOICE
    }

    private final String id;
    private final String label;
    private final Kind kind;
    private final List<String> choices;
    private final String help;
    private final StringProperty value;
    private final ReadOnlyStringWrapper inherited;

    OverrideField(String id, String label, Kind kind, List<String> choices, String help) {
        this.id = id;
        this.label = label;
        this.kind = kind;
        this.choices = List.copyOf(choices);
        this.help = help;
        this.value = new SimpleStringProperty(this, id, "");
        this.inherited = new ReadOnlyStringWrapper(this, id + "Inherited", "");
    }

    /** The JSON field name ({@code commSms}, {@code nicGBps}, {@code capacityFactor}). */
    public String id() {
        return id;
    }

    /** The label the editor shows. */
    public String label() {
        return label;
    }

    public Kind kind() {
        return kind;
    }

    /** For {@link Kind#CHOICE} and {@link Kind#BOOLEAN}: the values to choose from (without the empty "inherit"). */
    public List<String> choices() {
        return kind == Kind.BOOLEAN ? List.of("true", "false") : choices;
    }

    /** One line on what the field does. */
    public String help() {
        return help;
    }

    /** What the user set; empty = inherit. */
    public StringProperty valueProperty() {
        return value;
    }

    /** The value used when {@link #valueProperty()} is empty, in words ({@code "24"}, {@code "dropless"}). */
    public ReadOnlyStringProperty inheritedProperty() {
        return inherited.getReadOnlyProperty();
    }

    void setInherited(String text) {
        inherited.set(text);
    }

    /** Whether a value is set (overriding what is inherited). */
    public boolean isSet() {
        String v = value.get();
        return v != null && !v.isBlank();
    }

    /** Writes the value into {@code target} (or removes the field when unset; {@code nullWhenUnset} writes null). */
    void write(ObjectNode target, boolean nullWhenUnset) {
        if (!isSet()) {
            if (nullWhenUnset) {
                target.putNull(id);
            } else {
                target.remove(id);
            }
            return;
        }
        String t = value.get().strip();
        switch (kind) {
            case INTEGER -> {
                try {
                    target.put(id, Integer.parseInt(t));
                } catch (NumberFormatException e) {
                    target.put(id, t);
                }
            }
            case NUMBER -> {
                try {
                    double d = Double.parseDouble(t);
                    if (Double.isFinite(d)) {
                        target.put(id, d);
                    } else {
                        target.put(id, t);
                    }
                } catch (NumberFormatException e) {
                    target.put(id, t);
                }
            }
            case BOOLEAN -> {
                if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                    target.put(id, Boolean.parseBoolean(t.toLowerCase(Locale.ROOT)));
                } else {
                    target.put(id, t);
                }
            }
            case CHOICE -> target.put(id, t);
        }
    }

    /**
     * Reads the field from a scenario file's JSON: the value when the node is present and differs from
     * {@code inheritedValue} (compared as this kind reads it), else empty.
     */
    void read(JsonNode node, String inheritedValue) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            value.set("");
            return;
        }
        String text = node.isTextual() ? node.asText() : node.toString();
        value.set(same(text, inheritedValue) ? "" : text);
    }

    private boolean same(String text, String inheritedValue) {
        if (inheritedValue == null) {
            return false;
        }
        try {
            return switch (kind) {
                case INTEGER, NUMBER -> Double.parseDouble(text) == Double.parseDouble(inheritedValue);
                case BOOLEAN, CHOICE -> text.equalsIgnoreCase(inheritedValue);
            };
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
