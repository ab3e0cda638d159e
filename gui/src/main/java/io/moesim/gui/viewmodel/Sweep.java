package io.moesim.gui.viewmodel;

import io.moesim.engine.SimulationCancelledException;
import io.moesim.engine.SimulationListener;
import io.moesim.hardware.GpuSpec;
import io.moesim.profiles.ProfileException;
import io.moesim.scenario.DataType;
import io.moesim.scenario.Precision;
import io.moesim.scenario.Scenario;
import io.moesim.scenario.ScenarioRules;
import io.moesim.scenario.Violation;
import io.moesim.scenario.Workload;
import io.moesim.workload.TrainingStepResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * A what-if sweep: the same training step simulated once per value of one {@link SweepKnob}, the
 * simulations run side by side on a pool. Each value becomes a {@link SweepPoint}, in the order given; a
 * value that breaks a layout rule (or names a GPU without FP8 for an FP8 recipe) becomes a point that
 * says so instead of a simulation. Each simulation is deterministic, so the pool size never changes
 * the answer.
 *
 * <pre>{@code
 * List<SweepPoint> points = Sweep.run(scenario, file, SweepKnob.EP_SIZE, List.of("8", "16", "32"), pool,
 *         () -> false, done -> { });
 * }</pre>
 *
 * @implNote stateless and thread-safe.
 */
public final class Sweep {
    private Sweep() {
    }

    /**
     * Runs the sweep.
     *
     * @param file       the scenario's file (relative profile paths), may be null
     * @param pool       where the simulations run
     * @param cancelled  polled by every simulation; true stops the sweep
     * @param onPointDone hears the number of finished points after each one (from pool threads)
     * @throws CancellationException when cancelled
     * @throws IllegalArgumentException when the scenario is not a training step
     */
    public static List<SweepPoint> run(Scenario base, Path file, SweepKnob knob, List<String> values,
                                       ExecutorService pool, BooleanSupplier cancelled, IntConsumer onPointDone)
            throws InterruptedException {
        if (base.workload() != Workload.TRAINING_STEP) {
            throw new IllegalArgumentException("what-if sweeps need a training-step scenario, got " + base.workload().id());
        }
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        List<Future<SweepPoint>> futures = new ArrayList<>();
        for (String value : values) {
            futures.add(pool.submit(() -> {
                SweepPoint p = point(base, file, knob, value, cancelled);
                onPointDone.accept(done.incrementAndGet());
                return p;
            }));
        }
        List<SweepPoint> out = new ArrayList<>();
        try {
            for (Future<SweepPoint> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof SimulationCancelledException) {
                        throw new CancellationException("sweep cancelled");
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            for (Future<SweepPoint> f : futures) {
                f.cancel(true);
            }
        }
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("sweep cancelled");
        }
        return out;
    }

    /** One value: checked, then simulated. */
    static SweepPoint point(Scenario base, Path file, SweepKnob knob, String value, BooleanSupplier cancelled)
            throws ProfileException {
        Scenario s;
        try {
            s = knob.apply(base, value);
        } catch (IllegalArgumentException e) {
            return SweepPoint.failed(value, e.getMessage());
        }
        List<Violation> violations = ScenarioRules.check(s);
        if (!violations.isEmpty()) {
            return SweepPoint.failed(value, violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        }
        GpuSpec gpu;
        try {
            gpu = ScenarioRunner.profile(s.cluster(), file == null ? Path.of("scenario.json") : file).gpu();
        } catch (ProfileException e) {
            return SweepPoint.failed(value, String.join("; ", e.problems()));
        }
        if (s.precision() == Precision.FP8 && !gpu.supports(DataType.FP8)) {
            return SweepPoint.failed(value, "precision: fp8 needs FP8 tensor cores, which '" + gpu.id() + "' does not have");
        }
        SimulationListener listener = new SimulationListener() {
            @Override
            public boolean cancelled() {
                return cancelled.getAsBoolean() || Thread.currentThread().isInterrupted();
            }
        };
        TrainingStepResult r = ScenarioRunner.run(s, file, listener, false).training();
        return new SweepPoint(value, r.stepTimeSeconds(), r.modelTflopsPerGpu(), r.tokensPerSecondPerGpu(),
                r.memory().peakGiB(), r.memory().fits(), null);
    }
}
