package dev.playback.model.gateway.memory;

import dev.playback.model.gateway.CommandLog;
import dev.playback.model.gateway.Disposition;
import dev.playback.model.gateway.LoggedCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The command log in memory, one list per (processor, event), one entry per entry id. */
public final class InMemoryCommandLog implements CommandLog {
    private final Map<String, List<LoggedCommand>> entries = new ConcurrentHashMap<>();
    /**
     * When > 0, the next appends of an entry that records a send fail (a crash between sending and logging); a pending
     * entry, logged before the send, is kept.
     */
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
    public LoggedCommand append(LoggedCommand entry) {
        if (failNextAppends > 0 && entry.disposition() != Disposition.PENDING) {
            failNextAppends--;
            throw new IllegalStateException("command log unavailable (injected)");
        }
        List<LoggedCommand> l = entries.computeIfAbsent(entry.processor() + "#" + entry.eventId(), k -> new ArrayList<>());
        synchronized (l) {
            for (LoggedCommand e : l) if (e.entryId().equals(entry.entryId())) return e;
            l.add(entry);
            return entry;
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
