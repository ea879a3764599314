package dev.onebox.sfn.tasks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Handlers in this JVM, found by reflection on RequestHandler/RequestStreamHandler. */
class InProcessLambdaFunctionsTest extends LambdaFunctionsContract {

    public static final class Echo implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream in, OutputStream out, Context context) throws java.io.IOException {
            in.transferTo(out);
        }
    }

    public static final class Broken implements RequestHandler<Map<String, Object>, Object> {
        @Override
        public Object handleRequest(Map<String, Object> input, Context context) {
            throw new IllegalStateException("broken");
        }
    }

    public record Greeting(String name) {
    }

    public static final class Greeter implements RequestHandler<Greeting, String> {
        @Override
        public String handleRequest(Greeting g, Context context) {
            return "hello " + g.name() + " from " + context.getInvokedFunctionArn();
        }
    }

    @Override
    protected LambdaFunctions functionsWithEchoAndFail() {
        return new InProcessLambdaFunctions().register("echo", Echo.class).register("fail", new Broken());
    }

    @Test
    void convertsThePayloadToTheHandlersInputType() throws Exception {
        InProcessLambdaFunctions f = new InProcessLambdaFunctions("eu-west-1", "111122223333").register("greeter", new Greeter());
        assertEquals("\"hello Ada from arn:aws:lambda:eu-west-1:111122223333:function:greeter\"",
                f.resolve("greeter").orElseThrow().invoke("{\"name\":\"Ada\"}"));
    }

    @Test
    void refusesObjectsThatAreNotHandlers() {
        assertThrows(IllegalArgumentException.class, () -> new InProcessLambdaFunctions().register("x", new Object()));
    }
}
