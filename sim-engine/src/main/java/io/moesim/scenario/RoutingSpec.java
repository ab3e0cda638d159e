package io.moesim.scenario;

import io.moesim.util.Require;

/**
 * Routing of tokens to experts. Sampled kinds draw from a generator seeded with {@code seed}, so the
 * same scenario always routes the same way.
 *
 * @param kind      how tokens choose experts
 * @param skew      Zipf exponent (only for {@link RoutingKind#ZIPF}; 0 otherwise)
 * @param traceFile CSV of per-expert token counts (only for {@link RoutingKind#TRACE}; null otherwise)
 * @param seed      seed of the routing generator
 * @param trace     the trace's contents once read (null until a reader loads {@code traceFile}, and for
 *                  other kinds)
 */
public record RoutingSpec(RoutingKind kind, double skew, String traceFile, long seed, RoutingTrace trace) {
    /** Seed used when a scenario gives none. */
    public static final long DEFAULT_SEED = 1L;

    public RoutingSpec {
        Require.nonNull("routing.kind", kind);
        if (kind == RoutingKind.ZIPF) {
            Require.positive("routing.skew", skew);
        } else if (skew != 0) {
            throw new IllegalArgumentException("routing.skew applies only to kind 'zipf', got kind '" + kind.id() + "'");
        }
        if (kind == RoutingKind.TRACE) {
            Require.nonBlank("routing.file", traceFile);
        } else if (traceFile != null || trace != null) {
            throw new IllegalArgumentException("routing.file applies only to kind 'trace', got kind '" + kind.id() + "'");
        }
    }

    /** A routing without trace contents. */
    public RoutingSpec(RoutingKind kind, double skew, String traceFile, long seed) {
        this(kind, skew, traceFile, seed, null);
    }

    /** Forced-balanced routing. */
    public static RoutingSpec balanced() {
        return new RoutingSpec(RoutingKind.BALANCED, 0, null, DEFAULT_SEED);
    }
}
