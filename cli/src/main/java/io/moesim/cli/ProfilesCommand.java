package io.moesim.cli;

import io.moesim.cost.Collective;
import io.moesim.hardware.GpuSpec;
import io.moesim.profiles.HardwareProfile;
import io.moesim.profiles.ProfileException;
import io.moesim.profiles.ProfileReader;
import io.moesim.profiles.Profiles;
import io.moesim.profiles.Provenance;
import io.moesim.profiles.table.CollectiveMeasurement;
import io.moesim.profiles.table.CsvTables;
import io.moesim.profiles.table.NcclTestsLog;
import io.moesim.scenario.DataType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code moe-sim profiles [show ID|DIR | import-nccl-tests LOG... --into DIR]}: the bundled hardware
 * profiles, one profile with its provenance, or nccl-tests logs imported into a profile's collective table.
 */
@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = {"Lists the bundled hardware profiles; 'show ID|DIR' prints one with the source of every number;",
                "'import-nccl-tests LOG... --into DIR' adds nccl-tests results to a profile's collectives.csv."},
        subcommands = {ProfilesCommand.Show.class, ProfilesCommand.ImportNcclTests.class})
final class ProfilesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws ProfileException {
        PrintWriter out = spec.commandLine().getOut();
        Table t = new Table("id", "name", ">SMs", ">BF16 TFLOPS", ">FP8 TFLOPS", ">HBM GB", ">HBM TB/s", ">NVLink GB/s",
                ">NIC GB/s");
        for (HardwareProfile p : Profiles.allBundled()) {
            GpuSpec g = p.gpu();
            t.row(g.id(), g.name(), g.smCount(), num(g.peakTflops().get(DataType.BF16)),
                    g.peak(DataType.FP8).map(ProfilesCommand::num).orElse("-"), num(g.hbmGB()), num(g.hbmTBps()),
                    num(g.nvlinkGBps()), num(g.nicGBps()));
        }
        t.print(out);
        return ExitCodes.OK;
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Prints one profile with the source of every number, and its measured tables.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "bundled profile id or profile directory")
        String id;

        @Override
        public Integer call() throws ProfileException {
            PrintWriter out = spec.commandLine().getOut();
            HardwareProfile p = Profiles.resolve(id);
            GpuSpec g = p.gpu();
            out.println(g.name() + " (" + g.id() + "), " + g.vendor() + ", profile dated " + p.date());
            if (!p.notes().isEmpty()) {
                out.println("notes: " + p.notes());
            }
            Table t = new Table("key", ">value", "provenance");
            row(t, p, "smCount", String.valueOf(g.smCount()));
            row(t, p, "boostClockMHz", num(g.boostClockMHz()));
            for (DataType d : DataType.values()) {
                g.peak(d).ifPresent(v -> row(t, p, "peakTflops." + d.id(), num(v)));
                if (g.maxAchievableTflops().containsKey(d)) {
                    row(t, p, "maxAchievableTflops." + d.id(), num(g.maxAchievableTflops().get(d)));
                }
            }
            row(t, p, "hbmGB", num(g.hbmGB()));
            row(t, p, "hbmTBps", num(g.hbmTBps()));
            row(t, p, "l2MB", num(g.l2MB()));
            row(t, p, "nvlinkGBps", num(g.nvlinkGBps()));
            row(t, p, "nvls", String.valueOf(g.nvls()));
            row(t, p, "nicGBps", num(g.nicGBps()));
            row(t, p, "nicsPerNode", String.valueOf(g.nicsPerNode()));
            row(t, p, "pcieGBps", num(g.pcieGBps()));
            row(t, p, "kernelLaunchUs", num(g.kernelLaunchUs()));
            row(t, p, "commSmGBps", num(g.commSmGBps()));
            t.print(out);
            out.println("measured tables: " + p.tables().summary());
            return ExitCodes.OK;
        }
    }

    @Command(name = "import-nccl-tests", mixinStandardHelpOptions = true,
            description = {"Parses the standard output of nccl-tests (all_reduce_perf, all_gather_perf, reduce_scatter_perf,",
                    "alltoall_perf, sendrecv_perf) into DIR/collectives.csv. Rows with the same op, ranks, GPUs per node",
                    "and size replace earlier ones; the file is written only when every log parsed."})
    static final class ImportNcclTests implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "LOG", description = "nccl-tests output files")
        List<Path> logs;

        @Option(names = "--into", required = true, paramLabel = "DIR", description = "profile directory to write collectives.csv into")
        Path into;

        @Option(names = "--op", paramLabel = "OP",
                description = "which collective the logs measure, when neither the log nor its file name says")
        String op;

        @Override
        public Integer call() throws ProfileException, IOException {
            Collective forced = null;
            if (op != null) {
                try {
                    forced = Collective.fromId(op);
                } catch (IllegalArgumentException e) {
                    throw new BadArgumentException("--op: " + e.getMessage());
                }
            }
            if (Files.exists(into) && !Files.isDirectory(into)) {
                throw new BadArgumentException("--into " + into + ": not a directory");
            }
            List<String> problems = new ArrayList<>();
            List<CollectiveMeasurement> imported = new ArrayList<>();
            for (Path log : logs) {
                try {
                    imported.addAll(NcclTestsLog.read(log, forced));
                } catch (ProfileException e) {
                    problems.addAll(e.problems());
                }
            }
            Path file = into.resolve(CollectiveMeasurement.FORMAT.fileName());
            List<CollectiveMeasurement> existing = Files.isRegularFile(file)
                    ? CsvTables.read(file, CollectiveMeasurement.FORMAT) : List.of();
            if (!problems.isEmpty()) {
                throw new ProfileException(problems);
            }
            Map<String, CollectiveMeasurement> merged = new TreeMap<>();
            for (CollectiveMeasurement m : existing) {
                merged.put(key(m), m);
            }
            for (CollectiveMeasurement m : imported) {
                merged.put(key(m), m);
            }
            CsvTables.write(file, CollectiveMeasurement.FORMAT, new ArrayList<>(merged.values()),
                    List.of("measured: nccl-tests, imported by moe-sim profiles import-nccl-tests",
                            "time_us is nccl-tests' out-of-place time; bus_gbps uses nccl-tests' bus-bandwidth factors"));
            PrintWriter out = spec.commandLine().getOut();
            out.println("imported " + imported.size() + " rows from " + logs.size() + (logs.size() == 1 ? " log" : " logs")
                    + " into " + file + " (" + merged.size() + " rows in all)");
            if (!Files.isRegularFile(into.resolve(ProfileReader.FILE))) {
                out.println("note: " + into + " has no " + ProfileReader.FILE
                        + " yet; add one (see docs/profiles.md) to use it as --gpu " + into);
            }
            return ExitCodes.OK;
        }

        /** Sort and identity key: op, ranks, GPUs per node, then size, zero-padded so text order is numeric. */
        private static String key(CollectiveMeasurement m) {
            return String.format(Locale.ROOT, "%s/%06d/%06d/%020d", m.op().id(), m.ranks(), m.gpusPerNode(), m.sizeBytes());
        }
    }

    private static void row(Table t, HardwareProfile p, String key, String value) {
        Provenance prov = p.provenance().get(key);
        t.row(key, value, prov == null ? "-" : prov.toString());
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%s", v);
    }
}
