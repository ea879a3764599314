package dev.playback.examples.subscriptions;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The subscriptions domain is written against Playback's documented extension point only, and its processors are
 * deterministic: no clock, no I/O outside the gateway (its HTTP client is the one place that talks to the tax and
 * invoice services, behind the {@code ExternalSystems} port, and {@code Subscriptions} builds it from the settings).
 */
class SubscriptionsArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.playback.examples.subscriptions");

    @Test
    void theDomainUsesOnlyTheCoreAndJackson() {
        ArchRule rule = noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.playback.lambdas..", "dev.playback.tools..",
                        "dev.onebox..", "dev.playback.examples.ledger..", "software.amazon..", "com.amazonaws..")
                .because("a domain plugs into Playback through dev.playback.model.domain, knows no AWS and no other domain");
        rule.check(CLASSES);
    }

    @Test
    void processorsReadNoClockAndDoNoIo() {
        ArchRule rule = noClasses().that().doNotHaveSimpleName("HttpExternalSystems").and().doNotHaveSimpleName("Subscriptions")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.LocalDate.class, "now")
                .orShould().callMethod(java.time.YearMonth.class, "now")
                .orShould().dependOnClassesThat().areAssignableTo(java.time.Clock.class)
                .orShould().dependOnClassesThat().resideInAnyPackage("java.net..", "java.io..", "java.nio.file..")
                .orShould().callMethod(System.class, "getenv", String.class)
                .because("processors take time from the event and reach external systems only through the gateway");
        rule.check(CLASSES);
    }
}
