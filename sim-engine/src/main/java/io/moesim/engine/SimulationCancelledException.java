package io.moesim.engine;

/** A {@link SimulationListener} asked the run to stop. */
public final class SimulationCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimulationCancelledException(long simTimeNs) {
        super("simulation cancelled at simulated time " + simTimeNs + " ns");
    }
}
