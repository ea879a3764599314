package dev.onebox.lambda;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FunctionLogsTest {
    private final List<String> lines = new ArrayList<>();

    @AfterEach
    void back() {
        FunctionLogs.toStandardError();
    }

    @Test
    void aMessageEndingInANewlineIsOneLineWithoutABlankOne() {
        FunctionLogs.to(lines::add);
        LocalContext context = new LocalContext("r-1", "PumpFunction", "arn:aws:lambda:us-east-1:000000000000:function:PumpFunction", 1024, 0);

        context.getLogger().log("pump: 1 appended\n");
        context.getLogger().log("two\nlines\r\n");
        context.getLogger().log("plain".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertEquals(List.of("[PumpFunction r-1] pump: 1 appended", "[PumpFunction r-1] two\nlines", "[PumpFunction r-1] plain"), lines);
    }

    @Test
    void aLineOfAFunctionsOwnLoggingGoesWhereTheLinesGoAsItIs() {
        FunctionLogs.to(lines::add);

        FunctionLogs.write("{\"level\":\"INFO\",\"message\":\"pump: 1 appended\"}\n");

        assertEquals(List.of("{\"level\":\"INFO\",\"message\":\"pump: 1 appended\"}"), lines);
    }
}
