package io.moesim.profiles;

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

    /** Loads a bundled profile. */
    public static HardwareProfile bundled(String id) throws ProfileException {
        if (!BUNDLED.contains(id)) {
            throw new ProfileException(List.of("unknown GPU profile '" + id + "' (bundled: " + String.join(", ", BUNDLED)
                    + "; or give a profile directory)"));
        }
        String resource = "/profiles/" + id + "/" + ProfileReader.FILE;
        try (InputStream in = Profiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled profile resource missing: " + resource);
            }
            return ProfileReader.parse("bundled:" + id + "/" + ProfileReader.FILE,
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled profile " + resource, e);
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
