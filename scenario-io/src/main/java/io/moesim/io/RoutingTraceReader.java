package io.moesim.io;

import io.moesim.profiles.ProfileException;
import io.moesim.profiles.table.CsvTables;
import io.moesim.profiles.table.RowReader;
import io.moesim.profiles.table.TableFormat;
import io.moesim.scenario.RoutingTrace;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a routing trace: CSV with columns {@code layer,expert,tokens} (0-based layer and expert,
 * tokens routed to that expert in that layer, any scale), one row per pair; pairs not listed route no
 * tokens. Same CSV rules as the profile tables (comments, Locale.ROOT, errors with file:line:column).
 *
 * <pre>
 * # measured: router statistics of step 1200
 * layer,expert,tokens
 * 0,0,5120
 * 0,1,3968
 * </pre>
 */
public final class RoutingTraceReader {
    private record Cell(int layer, int expert, long tokens) {
    }

    private static final TableFormat<Cell> FORMAT = new TableFormat<>() {
        @Override
        public String fileName() {
            return "routing.csv";
        }

        @Override
        public List<String> requiredColumns() {
            return List.of("layer", "expert", "tokens");
        }

        @Override
        public List<String> optionalColumns() {
            return List.of();
        }

        @Override
        public Cell read(RowReader r) {
            return new Cell((int) r.nonNegativeLong("layer"), (int) r.nonNegativeLong("expert"), r.nonNegativeLong("tokens"));
        }

        @Override
        public List<String> write(Cell c) {
            return List.of(Integer.toString(c.layer), Integer.toString(c.expert), Long.toString(c.tokens));
        }
    };

    private RoutingTraceReader() {
    }

    /**
     * @throws ProfileException listing every bad cell, or a layer with no tokens
     */
    public static RoutingTrace read(Path file) throws ProfileException {
        List<Cell> cells = CsvTables.read(file, FORMAT);
        int layers = 0;
        int experts = 0;
        for (Cell c : cells) {
            layers = Math.max(layers, c.layer + 1);
            experts = Math.max(experts, c.expert + 1);
        }
        if (cells.isEmpty()) {
            throw new ProfileException(List.of(file + ": no rows (expected layer,expert,tokens)"));
        }
        double[][] tokens = new double[layers][experts];
        for (Cell c : cells) {
            tokens[c.layer][c.expert] += c.tokens;
        }
        try {
            return new RoutingTrace(tokens);
        } catch (IllegalArgumentException e) {
            throw new ProfileException(List.of(file + ": " + e.getMessage()));
        }
    }
}
