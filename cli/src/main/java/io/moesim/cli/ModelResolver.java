package io.moesim.cli;

import io.moesim.io.HfConfigImporter;
import io.moesim.io.InputException;
import io.moesim.model.ModelCatalog;
import io.moesim.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves a MODEL argument: a preset id, or a path to a Hugging Face {@code config.json} (or its directory). */
final class ModelResolver {
    private ModelResolver() {
    }

    static ModelSpec resolve(String arg) throws InputException {
        ModelCatalog catalog = ModelCatalog.builtIn();
        var preset = catalog.find(arg);
        if (preset.isPresent()) {
            return preset.get();
        }
        Path p = Path.of(arg);
        if (Files.isDirectory(p)) {
            p = p.resolve("config.json");
        }
        if (Files.exists(p) || arg.endsWith(".json")) {
            return HfConfigImporter.read(p);
        }
        throw new BadArgumentException("unknown model '" + arg + "': not a preset (" + String.join(", ", catalog.ids())
                + ") and no such config.json file");
    }
}
