package dev.playback.tools.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import dev.onebox.lambda.FunctionLogs;

import java.nio.charset.StandardCharsets;

/**
 * A Logback appender for the functions that run in this process: each event, encoded (a JSON line, or an EMF document
 * as it is), goes where onebox sends the functions' log lines ({@link FunctionLogs}): standard error, or the file
 * {@code playback demo} names under {@code .playback/logs/} ({@code --verbose}: standard error).
 */
public final class FunctionLogsAppender extends AppenderBase<ILoggingEvent> {
    private Encoder<ILoggingEvent> encoder;

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder for appender " + name);
            return;
        }
        encoder.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        FunctionLogs.write(new String(encoder.encode(event), StandardCharsets.UTF_8));
    }
}
