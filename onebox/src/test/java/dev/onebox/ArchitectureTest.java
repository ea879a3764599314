package dev.onebox;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * onebox runs any SAM application on one machine: it knows AWS, never the application it runs. Handlers are loaded
 * by the class names in the template, so the build fails when a class of onebox depends on one of Playback.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.onebox");
    private static final JavaClasses WITH_TESTS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.onebox");

    @Test
    void noClassOfOneboxDependsOnPlayback() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.onebox..")
                .should().dependOnClassesThat().resideInAPackage("dev.playback..")
                .because("onebox is a library for any SAM project; Playback wires it from its own module (local)");
        rule.check(CLASSES);
    }

    @Test
    void noTestOfOneboxDependsOnPlaybackEither() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.onebox..")
                .should().dependOnClassesThat().resideInAPackage("dev.playback..")
                .because("onebox's tests run on their own fixtures (sample-app/template.yaml), not on Playback's template");
        rule.check(WITH_TESTS);
    }

    @Test
    void theExecutorsLanguageKnowsNoServiceOrHost() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.onebox.sfn.asl..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..", "com.sun.net.httpserver..",
                        "dev.onebox.lambda..", "dev.onebox.emulators..", "dev.onebox.http..", "dev.onebox.events..")
                .because("ASL is interpreted the same whatever runs its tasks; tasks reach services through sfn.tasks");
        rule.check(CLASSES);
    }
}
