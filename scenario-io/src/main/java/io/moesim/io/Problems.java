package io.moesim.io;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one input file so that all of them are reported together. */
final class Problems {
    private final String file;
    private final List<Problem> list = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    void add(String field, String message) {
        list.add(new Problem(file, field, message));
    }

    void addAll(List<Problem> problems) {
        list.addAll(problems);
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    int size() {
        return list.size();
    }

    /** @throws InputException if any problem was recorded */
    void throwIfAny() throws InputException {
        if (!list.isEmpty()) {
            throw new InputException(list);
        }
    }
}
