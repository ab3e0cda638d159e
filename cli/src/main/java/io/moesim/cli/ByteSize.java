package io.moesim.cli;

import java.util.Locale;

/** Parses byte counts given on the command line: {@code 4294967296}, {@code 4GiB}, {@code 16MiB}, {@code 512KiB}, {@code 1GB}. */
final class ByteSize {
    private ByteSize() {
    }

    static long parse(String option, String text) {
        String t = text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        long unit = 1;
        String[][] units = {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}, {"tib", "1099511627776"},
                {"kb", "1000"}, {"mb", "1000000"}, {"gb", "1000000000"}, {"tb", "1000000000000"}, {"b", "1"}};
        for (String[] u : units) {
            if (lower.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length()).strip();
                break;
            }
        }
        try {
            long n = Long.parseLong(t);
            if (n < 0) {
                throw new BadArgumentException(option + " must not be negative, got " + text);
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new BadArgumentException(option + ": expected a byte count like 4294967296 or 4GiB, got \"" + text + "\"");
        }
    }
}
