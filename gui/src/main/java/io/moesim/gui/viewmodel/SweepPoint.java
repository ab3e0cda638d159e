package io.moesim.gui.viewmodel;

/**
 * One point of a what-if sweep: the knob's value and what the training step came to, or why that value
 * could not be simulated.
 *
 * @param value                 the knob's value as typed
 * @param stepTimeSeconds       step time (NaN when not simulated)
 * @param modelTflopsPerGpu     model TFLOPS per GPU (NaN when not simulated)
 * @param tokensPerSecondPerGpu tokens per second per GPU (NaN when not simulated)
 * @param peakMemoryGiB         per-GPU memory (NaN when not simulated)
 * @param fits                  whether that memory fits the GPU
 * @param problem               why the value was not simulated (a broken rule), or null
 */
public record SweepPoint(String value, double stepTimeSeconds, double modelTflopsPerGpu, double tokensPerSecondPerGpu,
                         double peakMemoryGiB, boolean fits, String problem) {
    /** A value that could not be simulated. */
    public static SweepPoint failed(String value, String problem) {
        return new SweepPoint(value, Double.NaN, Double.NaN, Double.NaN, Double.NaN, false, problem);
    }

    /** Whether the value was simulated. */
    public boolean ok() {
        return problem == null;
    }
}
