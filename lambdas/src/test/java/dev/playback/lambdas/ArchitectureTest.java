package dev.playback.lambdas;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The handlers use the AWS adapters, never the reverse: packages depend on each other without cycles, both by
 * feature ({@code aws}, {@code config}, {@code wiring}, {@code ingest}, {@code pump}, {@code processor},
 * {@code replay}) and package by package (each {@code aws.*} adapter on its own). The handlers are generic: they know
 * a domain only through {@code dev.playback.model.domain}.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.playback.lambdas");

    @Test
    void featurePackagesDependOnEachOtherWithoutCycles() {
        ArchRule rule = slices().matching("dev.playback.lambdas.(*)..").should().beFreeOfCycles()
                .because("an adapter that names a handler's package (as StreamRecords once named Projection) ties them together");
        rule.check(CLASSES);
    }

    @Test
    void theHandlersKnowNoDomainAndNoLocalRuntime() {
        ArchRule rule = noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.playback.examples..", "dev.playback.tools..",
                        "dev.onebox..")
                .because("a team's domain is loaded from PLAYBACK_DOMAINS; the handlers run the same on AWS and on the local stack");
        rule.check(CLASSES);
    }

    @Test
    void packagesDependOnEachOtherWithoutCycles() {
        ArchRule rule = slices().matching("dev.playback.lambdas.(**)").should().beFreeOfCycles()
                .because("each adapter and each handler can be read and changed on top of those it uses");
        rule.check(CLASSES);
    }
}
