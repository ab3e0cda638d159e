package io.moesim.scenario;

/** How tokens choose experts. */
public enum RoutingKind {
    /** Forced balance: every expert receives the same number of tokens (Megatron's benchmark mode). */
    BALANCED,
    /** Multinomial sampling with equal expert popularity. */
    UNIFORM,
    /** Multinomial sampling with Zipf-distributed expert popularity ({@code skew} is the exponent). */
    ZIPF,
    /** Replayed per-expert token counts from a CSV file. */
    TRACE;

    /** The id used in scenario files. */
    public String id() {
        return Ids.lower(this);
    }

    /** @throws IllegalArgumentException naming the accepted ids */
    public static RoutingKind fromId(String id) {
        return Ids.parse(RoutingKind.class, "routing kind", id, RoutingKind::id);
    }
}
