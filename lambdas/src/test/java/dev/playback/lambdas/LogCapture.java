package dev.playback.lambdas;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.playback.lambdas.telemetry.EmbeddedMetrics;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The log lines a test causes, read from Logback ({@code @RegisterExtension LogCapture logs = new LogCapture()}): every
 * event of every logger while the test runs (the tests' logback-test.xml lets {@value EmbeddedMetrics#LOGGER} reach the
 * root logger), the metrics' EMF documents apart ({@link #metricLines}).
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {
    /** Keeps each event with the MDC keys of the thread that logged it, as they were then. */
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            super.append(event);
        }
    };

    private static Logger root() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        appender.list.clear();
        appender.start();
        root().addAppender(appender);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        root().detachAppender(appender);
        appender.stop();
    }

    /** The log events (not the metrics), in order. */
    public List<ILoggingEvent> events() {
        synchronized (appender.list) {
            return appender.list.stream().filter(e -> !e.getLoggerName().equals(EmbeddedMetrics.LOGGER)).toList();
        }
    }

    /** The log events' messages, in order. */
    public List<String> messages() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The EMF documents the metrics wrote, in order. */
    public List<String> metricLines() {
        synchronized (appender.list) {
            return appender.list.stream().filter(e -> e.getLoggerName().equals(EmbeddedMetrics.LOGGER))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
