package io.moesim.scenario;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Parsing of the lower-case ids that scenario files use for enums. */
final class Ids {
    private Ids() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String what, String id, Function<E, String> idOf) {
        for (E e : type.getEnumConstants()) {
            if (idOf.apply(e).equals(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + id + "' (expected one of "
                + Arrays.stream(type.getEnumConstants()).map(idOf).collect(Collectors.joining(", ")) + ")");
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
