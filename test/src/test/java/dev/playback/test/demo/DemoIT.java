package dev.playback.test.demo;

import dev.playback.tools.LocalOptions;
import dev.playback.tools.demo.Demo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code playback demo} end to end: it exits 0 with every check printed as holding, among them the test-bench chapter's:
 * the what-if on a second stack (v2) that imported the demo's history predicted the corrections (at least one), neither
 * stack's bank received anything meanwhile, and the diff rebuild on the demo's stack then sent exactly those.
 */
@Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
class DemoIT {
    private static final Pattern AS_PREDICTED = Pattern.compile(
            "check: the diff rebuild sent exactly the (\\d+) corrections the what-if on the second stack predicted, event by event, "
                    + "amount by amount \\(event, payout, amount, idempotency key\\): (.*)");

    @Test
    void theDemoPassesEveryCheckAndTheDiffRebuildSendsWhatTheWhatIfOnTheImportedSecondStackPredicted() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new Demo(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(LocalOptions.inMemory());
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(out);

        assertEquals(0, code, out);
        assertTrue(out.contains("\ndemo: OK\n"), out);
        List<String> lines = out.lines().toList();
        assertTrue(lines.contains("check: the second stack sent nothing to its bank (import, rebuild, what-if): yes"), out);
        assertTrue(lines.contains("check: the demo's bank received nothing meanwhile: yes"), out);
        Matcher m = lines.stream().map(AS_PREDICTED::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no check of the prediction in:\n" + out));
        assertTrue(Integer.parseInt(m.group(1)) > 0, "the fix corrects payouts: " + m.group());
        assertEquals("yes", m.group(2));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("playback rebuild (suppress; an import publishes nothing) on the second stack SUCCEEDED")),
                out);
    }
}
