package io.moesim.gui.viewmodel;

import io.moesim.profiles.Profiles;
import io.moesim.scenario.ClusterSpec;
import io.moesim.scenario.MoeConfig;
import io.moesim.scenario.ParallelLayout;
import io.moesim.scenario.RoutingKind;
import io.moesim.scenario.RoutingSpec;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.ScenarioRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One knob a what-if sweep turns, with how a value changes a scenario and which values to try by default.
 *
 * @implNote immutable and thread-safe.
 */
public enum SweepKnob {
    /** Expert-parallel size ({@code parallel.ep}). */
    EP_SIZE("EP size", "ep"),
    /** Zipf exponent of expert popularity; 0 samples uniformly ({@code moe.routing}). */
    ROUTING_SKEW("routing skew (Zipf exponent, 0 = uniform)", "skew"),
    /** NIC bandwidth per GPU, one direction, GB/s (the {@code cluster.nicGBps} override). */
    NIC_BANDWIDTH("NIC bandwidth (GB/s per GPU)", "nicGBps"),
    /** GPU hardware profile ({@code cluster.gpu}). */
    GPU_TYPE("GPU type", "gpu");

    private final String label;
    private final String shortName;

    SweepKnob(String label, String shortName) {
        this.label = label;
        this.shortName = shortName;
    }

    /** What the knob is, for a chooser. */
    public String label() {
        return label;
    }

    /** The knob's short name, for point labels ({@code ep}, {@code skew}, …). */
    public String shortName() {
        return shortName;
    }

    @Override
    public String toString() {
        return label;
    }

    /**
     * The scenario with the knob set to {@code value}.
     *
     * @throws IllegalArgumentException when the value is not a value of this knob (not a number, a
     *                                  negative skew, …), naming it
     */
    public Scenario apply(Scenario s, String value) {
        String v = value.strip();
        String name = s.name() + " [" + shortName + "=" + v + "]";
        return switch (this) {
            case EP_SIZE -> {
                int ep = parseInt(v);
                ParallelLayout p = s.parallel();
                yield with(s, name, s.cluster(), new ParallelLayout(p.tp(), p.pp(), p.vpp(), p.cp(), ep, p.etp(), p.fsdp(),
                        p.zeroStage()), s.moe());
            }
            case ROUTING_SKEW -> {
                double skew = parseDouble(v);
                if (skew < 0) {
                    throw new IllegalArgumentException("skew must not be negative, got " + v);
                }
                long seed = s.moe().routing().seed();
                RoutingSpec r = skew == 0 ? new RoutingSpec(RoutingKind.UNIFORM, 0, null, seed)
                        : new RoutingSpec(RoutingKind.ZIPF, skew, null, seed);
                yield with(s, name, s.cluster(), s.parallel(), new MoeConfig(s.moe().dispatcher(), r,
                        s.moe().capacityFactor()));
            }
            case NIC_BANDWIDTH -> {
                double nic = parseDouble(v);
                ClusterSpec c = s.cluster();
                yield with(s, name, new ClusterSpec(c.gpu(), c.nodes(), c.gpusPerNode(), c.nvlinkGBps(), nic,
                        c.nicsPerNode(), c.oversubscription()), s.parallel(), s.moe());
            }
            case GPU_TYPE -> {
                ClusterSpec c = s.cluster();
                yield with(s, name, new ClusterSpec(v, c.nodes(), c.gpusPerNode(), c.nvlinkGBps(), c.nicGBps(),
                        c.nicsPerNode(), c.oversubscription()), s.parallel(), s.moe());
            }
        };
    }

    private static Scenario with(Scenario s, String name, ClusterSpec cluster, ParallelLayout parallel, MoeConfig moe) {
        return new Scenario(name, s.workload(), s.model(), cluster, parallel, s.batch(), s.precision(), s.recompute(), moe,
                s.strategy(), s.layer(), s.dispatch(), s.recomputeModules());
    }

    private static int parseInt(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number, got '" + v + "'");
        }
    }

    private static double parseDouble(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number, got '" + v + "'");
        }
    }

    /**
     * Values to try by default: the EP sizes (powers of two) the layout rules allow, skews 0 to 1.2, NIC
     * bandwidths of 100G to 800G NICs, every bundled GPU.
     */
    public List<String> defaultValues(Scenario s) {
        return switch (this) {
            case EP_SIZE -> {
                List<String> out = new ArrayList<>();
                for (int ep = 1; ep <= s.cluster().gpuCount() && out.size() < 8; ep *= 2) {
                    try {
                        if (ScenarioRules.check(apply(s, Integer.toString(ep))).isEmpty()) {
                            out.add(Integer.toString(ep));
                        }
                    } catch (IllegalArgumentException e) {
                        // not a valid layout: not offered
                    }
                }
                yield out;
            }
            case ROUTING_SKEW -> List.of("0", "0.2", "0.4", "0.6", "0.8", "1.0", "1.2");
            case NIC_BANDWIDTH -> List.of("12.5", "25", "50", "100");
            case GPU_TYPE -> Profiles.BUNDLED;
        };
    }

    /** Values as typed: comma- or space-separated. */
    public static List<String> parseValues(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String part : text.split("[,\\s]+")) {
                if (!part.isBlank()) {
                    out.add(part.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }
}
