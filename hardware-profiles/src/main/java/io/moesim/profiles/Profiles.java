package io.moesim.profiles;

import io.moesim.profiles.table.MeasuredTables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds hardware profiles: the bundled ones by id, or a profile directory by path.
 *
 * <pre>{@code
 * HardwareProfile h100 = Profiles.resolve("h100-sxm");
 * HardwareProfile mine = Profiles.resolve("probes/my-gpu");   // a directory with profile.properties
 * }</pre>
 *
 * @implNote stateless; every call reads the profile anew (profiles are small).
 */
public final class Profiles {
    /** Ids of the profiles that ship with moe-sim, in display order. */
    public static final List<String> BUNDLED = List.of("a100-sxm", "h100-sxm", "h800-sxm", "h200-sxm", "b200", "mi300x");

    private Profiles() {
    }

    /**
     * Loads a bundled profile, with the measured tables ({@code gemm.csv}, …) bundled beside its
     * {@code profile.properties}.
     */
    public static HardwareProfile bundled(String id) throws ProfileException {
        if (!BUNDLED.contains(id)) {
            throw new ProfileException(List.of("unknown GPU profile '" + id + "' (bundled: " + String.join(", ", BUNDLED)
                    + "; or give a profile directory)"));
        }
        String dir = "/profiles/" + id + "/";
        String text = resourceText(dir + ProfileReader.FILE);
        if (text == null) {
            throw new IllegalStateException("bundled profile resource missing: " + dir + ProfileReader.FILE);
        }
        HardwareProfile p = ProfileReader.parse("bundled:" + id + "/" + ProfileReader.FILE, text);
        MeasuredTables tables = MeasuredTables.parse("bundled:" + id + "/", name -> resourceText(dir + name));
        return new HardwareProfile(p.gpu(), p.provenance(), p.date(), p.notes(), tables);
    }

    /** The UTF-8 text of a class-path resource, or {@code null} if there is none. */
    private static String resourceText(String resource) {
        try (InputStream in = Profiles.class.getResourceAsStream(resource)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled profile resource " + resource, e);
        }
    }

    /** All bundled profiles. */
    public static List<HardwareProfile> allBundled() throws ProfileException {
        List<HardwareProfile> out = new ArrayList<>();
        for (String id : BUNDLED) {
            out.add(bundled(id));
        }
        return out;
    }

    /** A bundled profile id, or a path to a profile directory (or to its {@code profile.properties}). */
    public static HardwareProfile resolve(String idOrPath) throws ProfileException {
        if (BUNDLED.contains(idOrPath)) {
            return bundled(idOrPath);
        }
        Path p = Path.of(idOrPath);
        if (Files.isRegularFile(p) && p.getFileName().toString().equals(ProfileReader.FILE)) {
            p = p.toAbsolutePath().getParent();
        }
        if (Files.isDirectory(p)) {
            return ProfileReader.read(p);
        }
        throw new ProfileException(List.of("unknown GPU profile '" + idOrPath + "' (bundled: " + String.join(", ", BUNDLED)
                + "; or give a profile directory)"));
    }
}
