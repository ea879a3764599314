package dev.onebox.sfn;

import dev.onebox.sfn.asl.Json;
import dev.onebox.sfn.cli.SfnCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sfn run} as a command line calls it. */
class SfnCommandTest {
    @TempDir
    Path dir;

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome sfn(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SfnCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void runsADefinitionAndPrintsTheResultAsJson() throws Exception {
        Path def = Files.writeString(dir.resolve("sum.asl.json"), """
                {"StartAt": "Wait", "States": {
                  "Wait": {"Type": "Wait", "Seconds": 3600, "Next": "Sum"},
                  "Sum": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, $.b)"}, "End": true}}}""");
        Outcome o = sfn("run", def.toString(), "--input", "{\"a\":2,\"b\":3}", "--json");
        assertEquals(0, o.code(), o.err());
        assertEquals(Map.of("status", "SUCCEEDED", "output", Map.of("sum", 5)), Json.parse(o.out().trim()));
    }

    @Test
    void readsInputFromAFileAndReportsFailures() throws Exception {
        Path def = Files.writeString(dir.resolve("fail.asl.json"), """
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.code", "Cause": "rejected"}}}""");
        Path input = Files.writeString(dir.resolve("in.json"), "{\"code\":\"Rejected\"}");
        Outcome o = sfn("run", def.toString(), "--input", "@" + input, "--type", "EXPRESS", "--json");
        assertEquals(1, o.code());
        assertEquals(Map.of("status", "FAILED", "error", "Rejected", "cause", "rejected"), Json.parse(o.out().trim()));
    }

    @Test
    void batchPrintsOneResultLinePerInputLineInOrder() throws Exception {
        Path in = Files.writeString(dir.resolve("in.jsonl"), String.join("\n",
                "{\"definition\": {\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}, \"input\": {\"n\": 1}}",
                "{\"definition\": {\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"Next\": \"Missing\"}}}, \"input\": {}}",
                "{\"definition\": {\"StartAt\": \"F\", \"States\": {\"F\": {\"Type\": \"Fail\", \"Error\": \"E\"}}}}")
                + "\n");
        Outcome o = sfn("run", "--batch", in.toString());
        assertEquals(0, o.code(), o.err());
        List<String> lines = o.out().lines().toList();
        assertEquals(3, lines.size());
        assertEquals(Map.of("status", "SUCCEEDED", "output", Map.of("n", 1)), Json.parse(lines.get(0)));
        assertEquals("InvalidDefinition", ((Map<?, ?>) Json.parse(lines.get(1))).get("error"));
        assertEquals("E", ((Map<?, ?>) Json.parse(lines.get(2))).get("error"));
    }

    @Test
    void anInvalidDefinitionIsRefusedWithItsLocation() throws Exception {
        Path def = Files.writeString(dir.resolve("bad.asl.json"), """
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}""");
        Outcome o = sfn("run", def.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("/States/A/Next"), o.err());
    }

    @Test
    void acceptsYamlDefinitions() throws Exception {
        Path def = Files.writeString(dir.resolve("hello.asl.yaml"), """
                StartAt: Hello
                States:
                  Hello:
                    Type: Pass
                    Parameters:
                      greeting.$: States.Format('hello {}', $.who)
                    End: true
                """);
        Outcome o = sfn("run", def.toString(), "--input", "{\"who\":\"yaml\"}", "--json");
        assertEquals(0, o.code(), o.err());
        assertEquals(Map.of("status", "SUCCEEDED", "output", Map.of("greeting", "hello yaml")), Json.parse(o.out().trim()));
    }

    @Test
    void theRuntimeCanGiveRunsItsLambdaFunctions() throws Exception {
        Path def = Files.writeString(dir.resolve("call.asl.json"), """
                {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "${EchoArn}", "End": true}}}""");
        var functions = new dev.onebox.sfn.tasks.InProcessLambdaFunctions()
                .register("echo", (dev.onebox.sfn.tasks.LambdaFunctions.LambdaFunction) payload -> payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = SfnCommand.run(new String[] {"run", def.toString(), "--sub", "EchoArn=" + functions.arnOf("echo"),
                        "--input", "{\"x\":1}", "--json"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                () -> LocalStepFunctions.builder().lambdaFunctions(functions));
        assertEquals(0, code);
        assertEquals(Map.of("status", "SUCCEEDED", "output", Map.of("x", 1)), Json.parse(out.toString(StandardCharsets.UTF_8).trim()));
    }

    @Test
    void wrongUsageExplainsItself() {
        Outcome o = sfn("run");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("usage"), o.err());
    }
}
