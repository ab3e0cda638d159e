package io.moesim.profiles;

import io.moesim.hardware.GpuSpec;
import io.moesim.profiles.table.MeasuredTables;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hardware profile: the GPU facts the simulator uses, with the provenance of every number.
 * Stored as a directory holding {@code profile.properties} (see {@link ProfileReader}); measured
 * tables (GEMM sweeps, collectives) are CSV files beside it.
 *
 * @param gpu        the facts
 * @param provenance source of each numeric key of {@code profile.properties}
 * @param date       when the profile was assembled or measured (ISO date)
 * @param notes      free-text caveats
 * @param tables     measured tables found beside {@code profile.properties} ({@link MeasuredTables#NONE} if none)
 * @implNote immutable and thread-safe.
 */
public record HardwareProfile(GpuSpec gpu, Map<String, Provenance> provenance, String date, String notes,
                              MeasuredTables tables) {
    public HardwareProfile {
        provenance = Collections.unmodifiableMap(new TreeMap<>(provenance));
        notes = notes == null ? "" : notes;
        tables = tables == null ? MeasuredTables.NONE : tables;
    }

    /** The profile id ({@code h100-sxm}). */
    public String id() {
        return gpu.id();
    }
}
