package dev.playback.tools;

import dev.onebox.template.TopicResource;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The SNS topics of template.yaml on the local stack. There is no SNS emulator: a message that an EventBridge rule sends
 * to a topic (the replay-execution rule's notification to AlarmTopic) is written as one line,
 * {@code [sns <topic>] <message>}, where the caller says, and the last {@value #KEPT} are kept for {@link #published()};
 * the topic's subscriptions are not called. CloudWatch alarms are not evaluated locally, so they publish nothing.
 */
public final class LocalTopics {
    static final int KEPT = 1000;
    private final Map<String, TopicResource> byArn = new LinkedHashMap<>();
    private final Consumer<String> lines;
    private final Deque<Notification> published = new ArrayDeque<>();

    /** One message published to a topic. */
    public record Notification(String topicArn, String message) {
    }

    public LocalTopics(Collection<TopicResource> topics, Consumer<String> lines) {
        topics.forEach(t -> byArn.put(t.arn(), t));
        this.lines = Objects.requireNonNull(lines, "lines");
    }

    /** Publishes {@code message} to the topic {@code topicArn}; fails naming the ARN when the template has no such topic. */
    public void publish(String topicArn, String message) {
        TopicResource topic = byArn.get(topicArn);
        if (topic == null) {
            throw new IllegalArgumentException("no SNS topic " + topicArn + " in the template (known: " + byArn.keySet() + ")");
        }
        synchronized (published) {
            published.addLast(new Notification(topicArn, message));
            while (published.size() > KEPT) published.removeFirst();
        }
        lines.accept("[sns " + topic.name() + "] " + message);
    }

    /** The messages published so far, oldest first (the last {@value #KEPT}). */
    public List<Notification> published() {
        synchronized (published) {
            return List.copyOf(published);
        }
    }
}
