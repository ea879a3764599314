package dev.onebox.sfn.tasks;

import dev.onebox.sfn.asl.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link LambdaFunctions} must do. Implementations provide functions named
 * "echo" (returns its payload) and "fail" (throws IllegalStateException("broken")).
 */
public abstract class LambdaFunctionsContract {

    protected abstract LambdaFunctions functionsWithEchoAndFail();

    @Test
    void resolvesByNameByArnAndByQualifiedArn() throws Exception {
        LambdaFunctions f = functionsWithEchoAndFail();
        for (String id : new String[] {"echo", "arn:aws:lambda:us-east-1:123456789012:function:echo",
                "arn:aws:lambda:us-east-1:123456789012:function:echo:live", "echo:$LATEST"}) {
            assertTrue(f.resolve(id).isPresent(), id);
        }
        assertEquals(Map.of("a", 1), Json.parse(f.resolve("echo").orElseThrow().invoke("{\"a\":1}")));
    }

    @Test
    void anUnknownFunctionIsAbsent() {
        assertTrue(functionsWithEchoAndFail().resolve("arn:aws:lambda:us-east-1:123456789012:function:nope").isEmpty());
    }

    @Test
    void aFailureCarriesTheJavaRuntimesErrorType() {
        LambdaFunctions.Failure failure = assertThrows(LambdaFunctions.Failure.class,
                () -> functionsWithEchoAndFail().resolve("fail").orElseThrow().invoke("{}"));
        assertEquals("java.lang.IllegalStateException", failure.errorType());
        assertEquals("broken", failure.errorMessage());
        assertTrue(!failure.stackTrace().isEmpty());
    }
}
