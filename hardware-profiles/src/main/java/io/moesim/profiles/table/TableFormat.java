package io.moesim.profiles.table;

import java.util.List;

/**
 * The layout of one measured table in a profile directory: its file name, its columns (names carry
 * their unit: {@code time_us_median}, {@code size_bytes}, {@code bus_gbps}) and how a row maps to a
 * record. Read and written by {@link CsvTables}.
 *
 * @param <T> the record one row holds
 */
public interface TableFormat<T> {
    /** File name inside the profile directory ({@code gemm.csv}). */
    String fileName();

    /** Columns that every file must have, in the order they are written. */
    List<String> requiredColumns();

    /** Columns a file may have in addition, in the order they are written. */
    List<String> optionalColumns();

    /**
     * Converts one row. Problems are recorded on {@code row}; return {@code null} (or anything) when
     * there were some, the caller discards it.
     */
    T read(RowReader row);

    /** The cells of one row, in {@link #requiredColumns()} then {@link #optionalColumns()} order. */
    List<String> write(T item);
}
