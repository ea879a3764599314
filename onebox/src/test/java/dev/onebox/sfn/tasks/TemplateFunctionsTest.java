package dev.onebox.sfn.tasks;

import dev.onebox.lambda.LocalFunction;
import dev.onebox.lambda.LocalFunctions;
import java.util.Map;

/** The functions of a template, hosted by {@link LocalFunction}, as Lambda tasks reach them. */
class TemplateFunctionsTest extends LambdaFunctionsContract {

    @Override
    protected LambdaFunctions functionsWithEchoAndFail() {
        return InProcessLambdaFunctions.of(new LocalFunctions(Map.of(
                "echo", function("echo", InProcessLambdaFunctionsTest.Echo.class),
                "fail", function("fail", InProcessLambdaFunctionsTest.Broken.class))));
    }

    private static LocalFunction function(String name, Class<?> handler) {
        return LocalFunction.reflective(name, "arn:aws:lambda:us-east-1:123456789012:function:" + name, 30, 128,
                handler.getName(), "handleRequest", Map.of(), TemplateFunctionsTest.class.getClassLoader());
    }
}
