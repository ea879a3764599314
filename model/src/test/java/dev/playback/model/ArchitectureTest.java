package dev.playback.model;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Domain and processor code is deterministic: it reads time only from the event and reaches the outside
 * world only through the gateway port. The build fails when it reads a clock or does I/O, or when packages
 * depend on each other in a cycle.
 */
class ArchitectureTest {
    private static final String[] DOMAIN = {"dev.playback.model.domain..", "dev.playback.model.processor..", "dev.playback.model.gateway.."};
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.playback.model");

    @Test
    void domainAndProcessorsReadNoClock() {
        ArchRule rule = noClasses().that().resideInAnyPackage(DOMAIN)
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.LocalDateTime.class, "now")
                .orShould().callMethod(java.time.LocalDate.class, "now")
                .orShould().callMethod(java.time.ZonedDateTime.class, "now")
                .orShould().callMethod(java.time.OffsetDateTime.class, "now")
                .orShould().dependOnClassesThat().areAssignableTo(java.time.Clock.class)
                .because("processors take time from the event (occurredAt), so a replay reproduces what live processing did");
        rule.check(CLASSES);
    }

    @Test
    void domainAndProcessorsDoNoIoOutsideTheGateway() {
        ArchRule rule = noClasses().that().resideInAnyPackage(DOMAIN)
                .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.io..", "java.nio.file..", "java.nio.channels..",
                        "software.amazon..", "com.amazonaws..", "java.sql..")
                .because("processors reach external systems only through the Gateway port (query/send)");
        rule.check(CLASSES);
    }

    @Test
    void domainAndProcessorsStartNoThreadsAndReadNoEnvironment() {
        ArchRule rule = noClasses().that().resideInAnyPackage(DOMAIN)
                .should().callMethod(System.class, "getenv")
                .orShould().callMethod(System.class, "getenv", String.class)
                .orShould().callMethod(System.class, "getProperty", String.class)
                .orShould().callMethod(java.util.UUID.class, "randomUUID")
                .because("configuration comes in through constructors and randomness would make replays differ");
        rule.check(CLASSES);
    }

    @Test
    void theCoreKnowsNoDomain() {
        ArchRule rule = noClasses().should().dependOnClassesThat().resideOutsideOfPackages("dev.playback.model..", "java..",
                        "javax.crypto..", "com.fasterxml.jackson..")
                .because("a team's domain plugs in through dev.playback.model.domain.Domain; the core names none (no sample, no AWS)");
        rule.check(CLASSES);
    }

    @Test
    void featurePackagesDependOnEachOtherWithoutCycles() {
        ArchRule rule = slices().matching("dev.playback.model.(*)..").should().beFreeOfCycles()
                .because("each feature (event, store, processor, gateway, replay, domain) can be read and changed on top of those it uses");
        rule.check(CLASSES);
    }

    @Test
    void packagesDependOnEachOtherWithoutCycles() {
        ArchRule rule = slices().matching("dev.playback.model.(**)").should().beFreeOfCycles()
                .because("a port's package never needs one of its implementations or users (store.memory uses store, not the reverse)");
        rule.check(CLASSES);
    }
}
