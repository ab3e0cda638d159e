package io.moesim.profiles;

import java.util.Locale;

/**
 * Where one number of a profile comes from. Written in {@code profile.properties} as
 * {@code source.KEY=KIND: text}, e.g. {@code source.hbmTBps=datasheet: NVIDIA H100 datasheet}.
 *
 * @param kind   datasheet peak, measured (someone's benchmark), or derived (computed from other facts)
 * @param source the citation
 */
public record Provenance(Kind kind, String source) {

    /** Kinds of evidence. */
    public enum Kind {
        DATASHEET, MEASURED, DERIVED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Provenance {
        if (kind == null || source == null || source.isBlank()) {
            throw new IllegalArgumentException("provenance needs a kind and a source");
        }
    }

    /**
     * Parses {@code KIND: text}.
     *
     * @throws IllegalArgumentException naming the accepted kinds
     */
    public static Provenance parse(String text) {
        int colon = text.indexOf(':');
        String kind = colon < 0 ? "" : text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) {
            if (k.id().equals(kind) && !text.substring(colon + 1).isBlank()) {
                return new Provenance(k, text.substring(colon + 1).trim());
            }
        }
        throw new IllegalArgumentException("expected 'datasheet: <source>', 'measured: <source>' or 'derived: <how>', got \""
                + text + "\"");
    }

    @Override
    public String toString() {
        return kind.id() + ": " + source;
    }
}
