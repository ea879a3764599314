package dev.onebox.sfn.store;

import dev.onebox.sfn.asl.HistoryEvent;
import dev.onebox.sfn.store.SfnStore.Contents;
import dev.onebox.sfn.store.SfnStore.Ending;
import dev.onebox.sfn.store.SfnStore.ExecutionStart;
import dev.onebox.sfn.store.SfnStore.StoredExecution;
import dev.onebox.sfn.store.SfnStore.StoredMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");
    private static final Instant T1 = Instant.parse("2026-01-02T03:04:06Z");
    private static final String MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
    private static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:orders:first";
    private static final String DEFINITION = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();

    private JournalStore open() {
        return JournalStore.open(dir, new PrintStream(warnings, true, StandardCharsets.UTF_8));
    }

    private static void writeOneEndedExecution(JournalStore store) {
        store.machineSaved(new StoredMachine(MACHINE, "orders", "STANDARD", DEFINITION, "arn:aws:iam::123456789012:role/R", T0));
        store.executionStarted(new ExecutionStart(EXECUTION, "first", MACHINE, "orders", "STANDARD",
                "arn:aws:iam::123456789012:role/R", "{\"a\":1}", T0));
        store.eventAppended(EXECUTION, new HistoryEvent(1, 0, T0, "ExecutionStarted", Map.of("input", "{\"a\":1}")));
        store.eventAppended(EXECUTION, new HistoryEvent(2, 1, T1, "ExecutionSucceeded", Map.of("output", "{\"b\":2}")));
        store.executionEnded(EXECUTION, new Ending("SUCCEEDED", "{\"b\":2}", null, null, T1));
        store.sync();
    }

    @Test
    void whatWasWrittenIsReadBackWhenTheJournalIsOpenedAgain() {
        try (JournalStore store = open()) {
            assertEquals(Contents.EMPTY.machines(), store.load().machines());
            writeOneEndedExecution(store);
        }

        try (JournalStore again = open()) {
            Contents c = again.load();
            assertEquals(List.of(new StoredMachine(MACHINE, "orders", "STANDARD", DEFINITION, "arn:aws:iam::123456789012:role/R", T0)),
                    c.machines());
            assertEquals(1, c.executions().size());
            StoredExecution x = c.executions().get(0);
            assertEquals(new ExecutionStart(EXECUTION, "first", MACHINE, "orders", "STANDARD",
                    "arn:aws:iam::123456789012:role/R", "{\"a\":1}", T0), x.start());
            assertEquals(List.of(new HistoryEvent(1, 0, T0, "ExecutionStarted", Map.of("input", "{\"a\":1}")),
                    new HistoryEvent(2, 1, T1, "ExecutionSucceeded", Map.of("output", "{\"b\":2}"))), x.events());
            assertEquals(new Ending("SUCCEEDED", "{\"b\":2}", null, null, T1), x.ending());
        }
        assertEquals("", warnings.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anExecutionWithoutAnEndIsReadBackWithoutOne() {
        try (JournalStore store = open()) {
            store.executionStarted(new ExecutionStart(EXECUTION, "first", MACHINE, "orders", "STANDARD", null, "{}", T0));
            store.sync();
        }

        try (JournalStore again = open()) {
            assertNull(again.load().executions().get(0).ending());
        }
    }

    @Test
    void aDeletedMachineIsNotReadBack() {
        try (JournalStore store = open()) {
            store.machineSaved(new StoredMachine(MACHINE, "orders", "STANDARD", DEFINITION, null, T0));
            store.machineDeleted(MACHINE);
            store.sync();
        }

        try (JournalStore again = open()) {
            assertEquals(List.of(), again.load().machines());
        }
    }

    @Test
    void aLastLineCutShortIsLeftOutWithAWarningAndCutOffTheFile() throws Exception {
        try (JournalStore store = open()) {
            writeOneEndedExecution(store);
        }
        Path file = dir.resolve(JournalStore.FILE);
        long whole = Files.size(file);
        Files.writeString(file, "{\"record\":\"executionStarted\",\"arn\":\"arn:aws:sta", StandardOpenOption.APPEND);

        try (JournalStore again = open()) {
            assertEquals(1, again.load().executions().size());
            assertEquals(2, again.load().executions().get(0).events().size());
            again.machineDeleted(MACHINE);
            again.sync();
        }
        assertTrue(warnings.toString(StandardCharsets.UTF_8).contains("last line (6)"), warnings.toString(StandardCharsets.UTF_8));
        assertTrue(Files.readString(file).endsWith("}\n{\"record\":\"stateMachineDeleted\",\"arn\":\"" + MACHINE + "\"}\n"));
        assertEquals(whole + ("{\"record\":\"stateMachineDeleted\",\"arn\":\"" + MACHINE + "\"}\n").length(), Files.size(file));

        try (JournalStore third = open()) {
            assertEquals(List.of(), third.load().machines());
            assertEquals(1, third.load().executions().size());
        }
    }

    @Test
    void anUnreadableLineFollowedByOthersRefusesToOpenNamingTheLine() throws Exception {
        try (JournalStore store = open()) {
            writeOneEndedExecution(store);
        }
        Path file = dir.resolve(JournalStore.FILE);
        List<String> lines = Files.readAllLines(file);
        lines.set(2, "{\"record\":\"event\",");
        Files.write(file, lines);

        IllegalStateException e = assertThrows(IllegalStateException.class, this::open);

        assertTrue(e.getMessage().contains("damaged at line 3"), e.getMessage());
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedWhileTheFirstIsOpen() {
        try (JournalStore store = open()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, this::open);
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @Test
    void writesAfterCloseAreNotKept() {
        JournalStore store = open();
        store.close();
        store.machineSaved(new StoredMachine(MACHINE, "orders", "STANDARD", DEFINITION, null, T0));
        store.sync();

        try (JournalStore again = open()) {
            assertEquals(List.of(), again.load().machines());
        }
    }
}
