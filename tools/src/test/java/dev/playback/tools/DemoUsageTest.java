package dev.playback.tools;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code playback demo [--domain ledger|subscriptions]}: bad usage exits 2 naming the option, before any stack starts. */
class DemoUsageTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int demo(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "demo";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.execute(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aDomainWithoutADemoIsRefusedNamingTheOptionAndTheDomainsThatHaveOne() {
        assertEquals(2, demo("--domain", "billing"));
        assertEquals("playback demo: Invalid value for option '--domain': expected one of [ledger, subscriptions] (case-sensitive) but was 'billing'\n"
                + "See 'playback demo --help'.", err.toString(StandardCharsets.UTF_8).strip());
        assertEquals("", out.toString(StandardCharsets.UTF_8), "no stack was started");
    }

    @Test
    void anUnknownOptionOrAMissingValueIsRefusedNamingTheOption() {
        assertEquals(2, demo("--domains", "ledger"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("playback demo: Unknown options: '--domains', 'ledger'\n"), err::toString);
        err.reset();
        assertEquals(2, demo("--domain"));
        assertEquals("playback demo: Missing required parameter for option '--domain' (DOMAIN)\nSee 'playback demo --help'.",
                err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void keepIsAnOptionOfTheDemoThatSaysTheConsoleRunsUntilCtrlC() {
        assertEquals(0, demo("--help"));
        String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        assertTrue(help.contains("--keep at the end keep the stack running with the replay console"), help);
        assertTrue(help.contains("until Ctrl-C"), help);
    }
}
