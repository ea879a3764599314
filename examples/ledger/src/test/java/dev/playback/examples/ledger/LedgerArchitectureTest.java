package dev.playback.examples.ledger;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The sample domain is written against Playback's documented extension points only, and its processors are
 * deterministic: no clock, no I/O outside the gateway (the HTTP clients of its external systems are the one place that
 * talks to them, behind the {@code ExternalSystems} port, and {@code Ledger} builds them from the settings).
 */
class LedgerArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.playback.examples.ledger");

    @Test
    void theDomainUsesOnlyTheCoreAndJackson() {
        ArchRule rule = noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.playback.lambdas..", "dev.playback.tools..",
                        "dev.onebox..", "software.amazon..", "com.amazonaws..")
                .because("a domain plugs into Playback through dev.playback.model.domain and knows no AWS");
        rule.check(CLASSES);
    }

    @Test
    void processorsReadNoClockAndDoNoIo() {
        ArchRule rule = noClasses().that().doNotHaveSimpleName("HttpExternalSystems").and().doNotHaveSimpleName("Ledger")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.LocalDate.class, "now")
                .orShould().dependOnClassesThat().areAssignableTo(java.time.Clock.class)
                .orShould().dependOnClassesThat().resideInAnyPackage("java.net..", "java.io..", "java.nio.file..")
                .orShould().callMethod(System.class, "getenv", String.class)
                .because("processors take time from the event and reach external systems only through the gateway");
        rule.check(CLASSES);
    }
}
