package dev.playback.model.gateway.memory;

import dev.playback.model.gateway.CommandLog;
import dev.playback.model.gateway.LoggedCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The command log in memory, one list per (processor, event), one entry per entry id. */
public final class InMemoryCommandLog implements CommandLog {
    private final Map<String, List<LoggedCommand>> entries = new ConcurrentHashMap<>();
    /** When > 0, the next appends fail (a crash between sending and logging). */
    private volatile int failNextAppends;

    @Override
    public List<LoggedCommand> forEvent(String processor, String eventId) {
        List<LoggedCommand> l = entries.get(processor + "#" + eventId);
        if (l == null) return List.of();
        synchronized (l) {
            return List.copyOf(l);
        }
    }

    @Override
    public void append(LoggedCommand entry) {
        if (failNextAppends > 0) {
            failNextAppends--;
            throw new IllegalStateException("command log unavailable (injected)");
        }
        List<LoggedCommand> l = entries.computeIfAbsent(entry.processor() + "#" + entry.eventId(), k -> new ArrayList<>());
        synchronized (l) {
            if (l.stream().noneMatch(e -> e.entryId().equals(entry.entryId()))) l.add(entry);
        }
    }

    public void failNextAppends(int n) {
        failNextAppends = n;
    }

    public List<LoggedCommand> all() {
        List<LoggedCommand> out = new ArrayList<>();
        entries.values().forEach(l -> {
            synchronized (l) {
                out.addAll(l);
            }
        });
        return out;
    }
}
