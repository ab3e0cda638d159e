package io.moesim.gui.viewmodel;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scenario files the tests use: the repository's published cases and this module's small test scenarios. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The repository root (tests run in the gui module's directory). */
    public static Path root() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("validation").resolve("scenarios"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found above " + here);
    }

    /** A published case's scenario. */
    public static Path validation(String name) {
        return root().resolve("validation/scenarios/" + name + ".json");
    }

    /** Qwen3-235B on 256 H100 (429k spans, ~1.5 s to simulate). */
    public static Path qwen3() {
        return validation("qwen3-235b-h100x256-deepep");
    }

    /** A test scenario from src/test/resources/scenarios (small-mixtral: ~0.3 s; long-deepseek: many seconds). */
    public static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/scenarios/" + name + ".json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
