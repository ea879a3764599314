package dev.playback.tools.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of one command: {@code --name value} (repeatable where declared), {@code --flag}, and
 * positional arguments. Anything not declared is refused with a {@link UsageException} naming it.
 */
final class Args {
    private final String command;
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final Set<String> flags = new LinkedHashSet<>();
    private final List<String> positional = new ArrayList<>();

    private Args(String command) {
        this.command = command;
    }

    /**
     * @param valued options that take a value
     * @param repeatable those of {@code valued} that may be given more than once
     * @param flagNames options without a value
     */
    static Args parse(String command, String[] args, Set<String> valued, Set<String> repeatable, Set<String> flagNames) {
        Args a = new Args(command);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inline = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                inline = arg.substring(arg.indexOf('=') + 1);
                arg = arg.substring(0, arg.indexOf('='));
            }
            if (valued.contains(arg)) {
                String v = inline;
                if (v == null) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new UsageException("option " + arg + " of 'playback " + command + "' needs a value");
                    }
                    v = args[++i];
                }
                if (v.isBlank()) throw new UsageException("option " + arg + " of 'playback " + command + "' needs a non-empty value");
                List<String> list = a.values.computeIfAbsent(arg, k -> new ArrayList<>());
                if (!list.isEmpty() && !repeatable.contains(arg)) {
                    throw new UsageException("option " + arg + " of 'playback " + command + "' may be given only once");
                }
                list.add(v);
            } else if (flagNames.contains(arg)) {
                if (inline != null) throw new UsageException("option " + arg + " of 'playback " + command + "' takes no value");
                a.flags.add(arg);
            } else if (arg.startsWith("-")) {
                throw new UsageException("unknown option '" + arg + "' for 'playback " + command + "'");
            } else {
                a.positional.add(arg);
            }
        }
        return a;
    }

    String command() {
        return command;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    List<String> all(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }

    String value(String name) {
        List<String> v = values.get(name);
        return v == null ? null : v.get(0);
    }

    List<String> positional() {
        return List.copyOf(positional);
    }

    void expectPositional(int min, int max, String what) {
        if (positional.size() < min) throw new UsageException("'playback " + command + "' needs " + what);
        if (positional.size() > max) {
            throw new UsageException("unexpected argument '" + positional.get(max) + "' for 'playback " + command + "'");
        }
    }

    /** A whole number in [min, max], or null when the option is absent. */
    Integer integer(String name, int min, int max) {
        String v = value(name);
        if (v == null) return null;
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("option " + name + " of 'playback " + command + "' must be a whole number, not '" + v + "'");
        }
        if (n < min || n > max) {
            throw new UsageException("option " + name + " of 'playback " + command + "' must be between " + min + " and " + max + ", not " + n);
        }
        return n;
    }

    /** An ISO-8601 instant (2026-11-26T10:00:00Z, offsets allowed), or null when absent. */
    Instant instant(String name) {
        String v = value(name);
        if (v == null) return null;
        try {
            return Instant.parse(v.trim());
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(v.trim()).toInstant();
            } catch (DateTimeParseException e2) {
                throw new UsageException("option " + name + " of 'playback " + command + "' must be an ISO-8601 timestamp such as "
                        + "2026-11-26T10:00:00Z, not '" + v + "'");
            }
        }
    }

    /** One of {@code allowed}, or null when absent. */
    String oneOf(String name, List<String> allowed) {
        String v = value(name);
        if (v != null && !allowed.contains(v)) {
            throw new UsageException("option " + name + " of 'playback " + command + "' must be one of " + String.join("|", allowed) + ", not '" + v + "'");
        }
        return v;
    }
}
