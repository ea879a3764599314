package dev.onebox.sfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Lambda handler for {@code .waitForTaskToken} tasks: it hands the task token of its payload ("token") to the test
 * and returns, so the task waits until the test answers the token.
 */
public final class HeldTokens implements RequestHandler<Map<String, Object>, Object> {
    private final BlockingQueue<String> tokens = new LinkedBlockingQueue<>();

    @Override
    public Object handleRequest(Map<String, Object> input, Context context) {
        tokens.add((String) input.get("token"));
        return Map.of();
    }

    /** The next token handed over, waiting up to a minute for it. */
    String next() throws InterruptedException {
        String token = tokens.poll(1, TimeUnit.MINUTES);
        if (token == null) {
            throw new AssertionError("no task waited for its token within a minute");
        }
        return token;
    }
}
