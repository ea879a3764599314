package dev.playback.tools.whatif;

import dev.playback.model.replay.TimeField;
import dev.playback.tools.archive.ExportScope;
import dev.playback.tools.cli.Streams;
import dev.playback.tools.cli.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code playback what-if}'s exit codes and report files, with a runner that answers the fixed report (two corrections,
 * one changed aggregate) instead of a stack.
 */
class WhatIfExitCodesTest {
    @TempDir
    Path dir;

    private final List<WhatIfCommand.Request> requests = new ArrayList<>();

    record Run(int code, String out, String err) {
    }

    private Run whatIf(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Streams streams = new Streams(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        WhatIfCommand.Runner fixed = (target, request, s) -> {
            requests.add(request);
            return WhatIfFixtures.report();
        };
        CommandLine line = Usage.configure(new CommandLine(new WhatIfCommand(streams, fixed)));
        line.setOut(new java.io.PrintWriter(streams.out(), true)).setErr(new java.io.PrintWriter(streams.err(), true));
        int code = line.execute(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withinTheThresholdsItExits0() {
        Run r = whatIf("--max-corrections", "2", "--max-changed", "1");

        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("what-if whatif-1 (payouts): 3 aggregates read\n"), r.out());
        assertEquals(1, requests.size());
        assertEquals("live", requests.get(0).missingRecords());
    }

    @Test
    void moreCorrectionsThanMaxCorrectionsExits1() {
        Run r = whatIf("--max-corrections", "1");

        assertEquals(1, r.code(), r.err());
        assertTrue(r.out().contains("BEYOND  corrections <= 1: 2 corrections, more than --max-corrections 1\n"), r.out());
    }

    @Test
    void failOnChangeExits1WhenAnythingWouldChange() {
        assertEquals(1, whatIf("--fail-on-change").code());
    }

    @Test
    void aBadOptionExits2BeforeAnythingRuns() {
        Run negative = whatIf("--max-corrections", "-1");
        Run unknown = whatIf("--max-corections", "3");

        assertEquals(2, negative.code());
        assertTrue(negative.err().contains("option --max-corrections must be 0 or more, not -1"), negative.err());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("--max-corections"), unknown.err());
        assertEquals(List.of(), requests, "no what-if ran");
    }

    @Test
    void eachReportFileIsWrittenInTheFormatOfItsExtensionAndJsonGoesToStdoutWithJson() throws Exception {
        Path json = dir.resolve("what-if.json"), md = dir.resolve("comment.md"), xml = dir.resolve("TEST-what-if.xml");

        Run r = whatIf("--json", "--processor", "payouts", "--report", json.toString(), "--report", md.toString(), "--report", xml.toString());

        assertEquals(0, r.code(), r.err());
        assertEquals(Files.readString(json), r.out());
        assertTrue(Files.readString(md).startsWith("## What-if `whatif-1`\n"));
        assertTrue(Files.readString(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"playback.what-if\""));
        assertEquals(List.of("payouts"), requests.get(0).processors());
    }

    @Test
    void theScopeOptionsReachTheRunAsAPartialReplaysScope() {
        Run r = whatIf("--aggregate", "pay-2", "--type", "PayoutRequested", "--since", "2026-03-01T10:00:00Z",
                "--until", "2026-03-01T12:00:00+01:00", "--time-field", "occurredAt");

        assertEquals(0, r.code(), r.err());
        assertEquals(new ExportScope(List.of("pay-2"), List.of("PayoutRequested"), Instant.parse("2026-03-01T10:00:00Z"),
                Instant.parse("2026-03-01T11:00:00Z"), TimeField.OCCURRED_AT), requests.get(0).scope());
    }

    @Test
    void aBadWindowExits2NamingTheOption() {
        Run notATime = whatIf("--since", "yesterday");
        Run noStart = whatIf("--until", "2026-03-01T10:00:00Z");

        assertEquals(2, notATime.code());
        assertTrue(notATime.err().contains("option --since must be an ISO-8601 timestamp"), notATime.err());
        assertEquals(2, noStart.code());
        assertTrue(noStart.err().contains("option --until needs --since"), noStart.err());
        assertEquals(List.of(), requests);
    }
}
