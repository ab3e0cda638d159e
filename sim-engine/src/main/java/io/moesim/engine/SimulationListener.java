package io.moesim.engine;

/**
 * Hears about a running simulation (progress bars, the GUI) and may cancel it. Called from the
 * simulating thread at most every {@value Simulator#LISTENER_INTERVAL} events, and once at the end.
 */
public interface SimulationListener {
    /** A listener that hears nothing and never cancels. */
    SimulationListener NONE = new SimulationListener() {
    };

    /**
     * @param tasksDone  finished tasks
     * @param tasksTotal all tasks
     * @param simTimeNs  simulated time reached
     */
    default void progress(int tasksDone, int tasksTotal, long simTimeNs) {
    }

    /** Return {@code true} to stop the run; {@link Simulator#run} then throws {@link SimulationCancelledException}. */
    default boolean cancelled() {
        return false;
    }
}
