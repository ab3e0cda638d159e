package io.moesim.profiles;

import io.moesim.hardware.GpuSpec;
import io.moesim.profiles.table.MeasuredTables;
import io.moesim.scenario.DataType;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a profile's {@code profile.properties}: UTF-8, one {@code key=value} per line, {@code #}
 * comments, numbers in {@link Locale#ROOT} form. Every numeric key needs a {@code source.KEY} line
 * ({@link Provenance}). Unknown and duplicate keys are errors, and all problems are reported at once
 * with file and line.
 *
 * <p>Keys: {@code id, name, vendor, date, notes} (text); {@code smCount, nicsPerNode} (integers);
 * {@code boostClockMHz, hbmGB, hbmTBps, l2MB, nvlinkGBps, nicGBps, pcieGBps, kernelLaunchUs, commSmGBps} (numbers);
 * {@code nvls} (true/false); {@code peakTflops.DTYPE} and {@code maxAchievableTflops.DTYPE} for
 * {@code fp32, bf16, fp16, fp8}.
 */
public final class ProfileReader {
    /** The file name inside a profile directory. */
    public static final String FILE = "profile.properties";

    private static final Set<String> TEXT = Set.of("id", "name", "vendor", "date", "notes");
    private static final Set<String> INTS = Set.of("smCount", "nicsPerNode");
    private static final Set<String> NUMBERS = Set.of("boostClockMHz", "hbmGB", "hbmTBps", "l2MB", "nvlinkGBps",
            "nicGBps", "pcieGBps", "kernelLaunchUs", "commSmGBps");
    private static final Set<String> BOOLS = Set.of("nvls");
    private static final List<String> REQUIRED = List.of("id", "name", "vendor", "date", "smCount", "boostClockMHz",
            "peakTflops.bf16", "hbmGB", "hbmTBps", "l2MB", "nvlinkGBps", "nvls", "nicGBps", "nicsPerNode", "pcieGBps",
            "kernelLaunchUs", "commSmGBps");

    private ProfileReader() {
    }

    /** Reads the profile in directory {@code dir}. */
    public static HardwareProfile read(Path dir) throws ProfileException {
        Path file = dir.resolve(FILE);
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            HardwareProfile p = parse(file.toString(), text);
            MeasuredTables tables = MeasuredTables.read(dir);
            return new HardwareProfile(p.gpu(), p.provenance(), p.date(), p.notes(), tables);
        } catch (NoSuchFileException e) {
            throw new ProfileException(List.of(file + ": not found (a profile is a directory holding " + FILE + ")"));
        } catch (CharacterCodingException e) {
            throw new ProfileException(List.of(file + ": not UTF-8 text"));
        } catch (IOException e) {
            throw new ProfileException(List.of(file + ": cannot read: " + e.getMessage()));
        }
    }

    private record Entry(String value, int line) {
    }

    /** Parses the text of a {@code profile.properties}; {@code display} names it in messages. */
    public static HardwareProfile parse(String display, String text) throws ProfileException {
        List<String> problems = new ArrayList<>();
        Map<String, Entry> entries = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                problems.add(display + ":" + lineNo + ": expected key=value, got \"" + line + "\"");
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!known(key)) {
                problems.add(display + ":" + lineNo + ": unknown key '" + key + "'");
                continue;
            }
            Entry previous = entries.put(key, new Entry(value, lineNo));
            if (previous != null) {
                problems.add(display + ":" + lineNo + ": duplicate key '" + key + "' (first on line " + previous.line() + ")");
            }
        }
        for (String key : REQUIRED) {
            if (!entries.containsKey(key)) {
                problems.add(display + ": missing key '" + key + "'");
            }
        }
        Map<String, Provenance> provenance = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("source.")) {
                String target = key.substring("source.".length());
                if (!entries.containsKey(target)) {
                    problems.add(display + ":" + e.getValue().line() + ": source for missing key '" + target + "'");
                }
                try {
                    provenance.put(target, Provenance.parse(e.getValue().value()));
                } catch (IllegalArgumentException ex) {
                    problems.add(display + ":" + e.getValue().line() + ": " + key + ": " + ex.getMessage());
                }
            } else if (!TEXT.contains(key) && !entries.containsKey("source." + key)) {
                problems.add(display + ":" + e.getValue().line() + ": " + key + " has no provenance (add source." + key
                        + "=datasheet|measured|derived: <source>)");
            }
        }
        Values v = new Values(display, entries, problems);
        Map<DataType, Double> peak = v.dtypeMap("peakTflops.");
        Map<DataType, Double> best = v.dtypeMap("maxAchievableTflops.");
        String id = v.text("id");
        String name = v.text("name");
        String vendor = v.text("vendor");
        String date = v.text("date");
        Integer sms = v.integer("smCount");
        Double clock = v.number("boostClockMHz");
        Double hbmGB = v.number("hbmGB");
        Double hbmTBps = v.number("hbmTBps");
        Double l2 = v.number("l2MB");
        Double nvlink = v.number("nvlinkGBps");
        Boolean nvls = v.bool("nvls");
        Double nic = v.number("nicGBps");
        Integer nics = v.integer("nicsPerNode");
        Double pcie = v.number("pcieGBps");
        Double launch = v.number("kernelLaunchUs");
        Double commSm = v.number("commSmGBps");
        if (!problems.isEmpty()) {
            throw new ProfileException(problems);
        }
        try {
            GpuSpec gpu = new GpuSpec(id, name, vendor, sms, clock, peak, best, hbmGB, hbmTBps, l2, nvlink, nvls, nic, nics,
                    pcie, launch, commSm);
            Entry notes = entries.get("notes");
            return new HardwareProfile(gpu, provenance, date, notes == null ? "" : notes.value(), MeasuredTables.NONE);
        } catch (IllegalArgumentException e) {
            throw new ProfileException(List.of(display + ": " + e.getMessage()));
        }
    }

    private static boolean known(String key) {
        String k = key.startsWith("source.") ? key.substring("source.".length()) : key;
        if (TEXT.contains(k) || INTS.contains(k) || NUMBERS.contains(k) || BOOLS.contains(k)) {
            return true;
        }
        for (String prefix : new String[]{"peakTflops.", "maxAchievableTflops."}) {
            if (k.startsWith(prefix)) {
                String dtype = k.substring(prefix.length());
                for (DataType t : DataType.values()) {
                    if (t.id().equals(dtype)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Typed access to the parsed entries, recording a problem (with line) per bad value. */
    private record Values(String display, Map<String, Entry> entries, List<String> problems) {
        String text(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        Double number(String key) {
            Entry e = entries.get(key);
            if (e == null) {
                return null;
            }
            try {
                double d = Double.parseDouble(e.value());
                if (!(d > 0) || Double.isInfinite(d)) {
                    problems.add(display + ":" + e.line() + ": " + key + ": must be a positive number, got " + e.value());
                    return null;
                }
                return d;
            } catch (NumberFormatException ex) {
                problems.add(display + ":" + e.line() + ": " + key + ": expected a number (like 3.35), got \"" + e.value() + "\"");
                return null;
            }
        }

        Integer integer(String key) {
            Entry e = entries.get(key);
            if (e == null) {
                return null;
            }
            try {
                int i = Integer.parseInt(e.value());
                if (i <= 0) {
                    problems.add(display + ":" + e.line() + ": " + key + ": must be positive, got " + i);
                    return null;
                }
                return i;
            } catch (NumberFormatException ex) {
                problems.add(display + ":" + e.line() + ": " + key + ": expected an integer, got \"" + e.value() + "\"");
                return null;
            }
        }

        Boolean bool(String key) {
            Entry e = entries.get(key);
            if (e == null) {
                return null;
            }
            if (!e.value().equals("true") && !e.value().equals("false")) {
                problems.add(display + ":" + e.line() + ": " + key + ": expected true or false, got \"" + e.value() + "\"");
                return null;
            }
            return Boolean.parseBoolean(e.value());
        }

        Map<DataType, Double> dtypeMap(String prefix) {
            Map<DataType, Double> out = new EnumMap<>(DataType.class);
            for (DataType t : DataType.values()) {
                Double d = number(prefix + t.id());
                if (d != null) {
                    out.put(t, d);
                }
            }
            return out;
        }
    }
}
