package io.moesim.cli;

import io.moesim.hardware.GpuSpec;
import io.moesim.profiles.HardwareProfile;
import io.moesim.profiles.ProfileException;
import io.moesim.profiles.Profiles;
import io.moesim.profiles.Provenance;
import io.moesim.scenario.DataType;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code moe-sim profiles [show ID|DIR]}: the bundled hardware profiles, or one profile with its provenance. */
@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = "Lists the bundled hardware profiles, or shows one with the source of every number (profiles show ID|DIR).")
final class ProfilesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "show", description = "'show' to print one profile")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "bundled profile id or profile directory")
    String id;

    @Override
    public Integer call() throws ProfileException {
        PrintWriter out = spec.commandLine().getOut();
        if (action == null) {
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
        if (!action.equals("show") || id == null) {
            throw new BadArgumentException("usage: moe-sim profiles show ID|DIR (bundled: " + String.join(", ", Profiles.BUNDLED) + ")");
        }
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
        t.print(out);
        return ExitCodes.OK;
    }

    private static void row(Table t, HardwareProfile p, String key, String value) {
        Provenance prov = p.provenance().get(key);
        t.row(key, value, prov == null ? "-" : prov.toString());
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%s", v);
    }
}
