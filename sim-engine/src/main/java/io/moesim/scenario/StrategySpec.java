package io.moesim.scenario;

import io.moesim.util.Require;
import java.util.List;

/**
 * The MoE system whose scheduling and overlap choices a scenario follows. A named system stands for a
 * combination of orthogonal knobs; {@code a2aOverlap} is Megatron-Core's 1F1B all-to-all overlap.
 *
 * @param name       a system name from {@link #KNOWN_NAMES}
 * @param a2aOverlap overlap the EP all-to-all of one micro-batch with computation of another
 * @param knobs      the system's knobs ({@link StrategyKnobs#preset(String)}) with the scenario's overrides
 */
public record StrategySpec(String name, boolean a2aOverlap, StrategyKnobs knobs) {

    /** Names of the systems moe-sim models. */
    public static final List<String> KNOWN_NAMES = List.of("megatron", "deepspeed-moe", "tutel", "fastermoe",
            "comet", "fsmoe", "hecate", "sonicmoe", "dualpipe", "speculative-moe", "deepep");

    public StrategySpec {
        Require.nonBlank("strategy.name", name);
        if (!KNOWN_NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown strategy '" + name + "' (expected one of "
                    + String.join(", ", KNOWN_NAMES) + ")");
        }
        if (knobs == null) {
            knobs = StrategyKnobs.preset(name);
        }
    }

    /** A named system with its preset knobs. */
    public StrategySpec(String name, boolean a2aOverlap) {
        this(name, a2aOverlap, null);
    }

    /** Megatron-Core without all-to-all overlap. */
    public static StrategySpec defaults() {
        return new StrategySpec("megatron", false);
    }
}
