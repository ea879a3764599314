package dev.onebox.sfn;

import dev.onebox.sfn.asl.Definitions;
import dev.onebox.sfn.asl.InvalidDefinitionException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invalid ASL is refused before it runs, naming the state and the field. */
class DefinitionValidationTest {

    private static List<String> problems(String definition) {
        return assertThrows(InvalidDefinitionException.class, () -> Definitions.compile(definition)).problems();
    }

    private static void assertProblem(List<String> problems, String code, String at) {
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(code) && p.endsWith(" at " + at)),
                "expected " + code + " at " + at + " in " + problems);
    }

    @Test
    void aMissingNextTargetNamesTheStateAndField() {
        assertProblem(problems("""
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"""),
                "MISSING_TRANSITION_TARGET", "/States/A/Next");
    }

    @Test
    void unknownAndMisplacedFieldsAreRefused() {
        List<String> p = problems("""
                {"StartAt": "A", "States": {
                  "A": {"Type": "Pass", "Resource": "arn:aws:lambda:x", "Next": "B"},
                  "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": "1", "Next": "A"}], "End": true}}}""");
        assertProblem(p, "SCHEMA_VALIDATION_FAILED", "/States/A");
        assertProblem(p, "SCHEMA_VALIDATION_FAILED", "/States/B");
        assertProblem(p, "SCHEMA_VALIDATION_FAILED", "/States/B/Choices/0/NumericEquals");
    }

    @Test
    void aStartAtThatIsNotAStringIsAProblemNamingTheField() {
        assertProblem(problems("""
                {"StartAt": 1, "States": {"A": {"Type": "Pass", "End": true}}}"""), "SCHEMA_VALIDATION_FAILED", "/StartAt");
    }

    @Test
    void statesNeedExactlyOneOfNextAndEnd() {
        assertProblem(problems("""
                {"StartAt": "A", "States": {"A": {"Type": "Pass"}}}"""), "SCHEMA_VALIDATION_FAILED", "/States/A");
    }

    @Test
    void unreachableStatesAndBadPathsAreReported() {
        List<String> p = problems("""
                {"StartAt": "A", "States": {
                  "A": {"Type": "Pass", "InputPath": "not a path", "ResultPath": "$.items[*]", "End": true},
                  "Orphan": {"Type": "Succeed"}}}""");
        assertProblem(p, "UNREACHABLE_STATE", "/States/Orphan");
        assertProblem(p, "SCHEMA_VALIDATION_FAILED", "/States/A/InputPath");
        assertProblem(p, "SCHEMA_VALIDATION_FAILED", "/States/A/ResultPath");
    }

    @Test
    void nestedProblemsCarryTheirFullLocation() {
        List<String> p = problems("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
                  "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Task", "Resource": "not-an-arn", "End": true}}}}}}""");
        assertProblem(p, "SCHEMA_VALIDATION_FAILED", "/States/M/ItemProcessor/States/X/Resource");
    }

    @Test
    void jsonPathFieldsAreRefusedInJsonataStatesAndBadIntrinsicsAtLoad() {
        List<String> p = problems("""
                {"QueryLanguage": "JSONata", "StartAt": "A", "States": {
                  "A": {"Type": "Pass", "Parameters": {"x": 1}, "Next": "B"},
                  "B": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}""");
        assertProblem(p, "SCHEMA_VALIDATION_FAILED", "/States/A");
        assertProblem(p, "SCHEMA_VALIDATION_FAILED", "/States/B/QueryLanguage");
        assertProblem(problems("""
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": "States.Nope($.a)"}, "End": true}}}"""),
                "SCHEMA_VALIDATION_FAILED", "/States/A/Parameters");
    }

    @Test
    void jsonataMayNotUseTheBareRootReferences() {
        assertProblem(problems("""
                {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $.x %}", "End": true}}}"""),
                "SCHEMA_VALIDATION_FAILED", "/States/A/Output");
        assertProblem(problems("""
                {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {"c": "{% $$ %}"}, "End": true}}}"""),
                "SCHEMA_VALIDATION_FAILED", "/States/A/Output");
        Definitions.compile("""
                {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass",
                  "Output": "{% $map($states.input.xs, function($v) { $v & '$' }) %}", "End": true}}}""");
    }

    @Test
    void statesAllMustBeTheLastRetrierAndCatcher() {
        List<String> p = problems("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": true,
                        "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}],
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C"}, {"ErrorEquals": ["Y"], "Next": "C"}]},
                  "C": {"Type": "Succeed"}}}""");
        assertProblem(p, "SCHEMA_VALIDATION_FAILED", "/States/T/Retry[0]/ErrorEquals");
        assertProblem(p, "SCHEMA_VALIDATION_FAILED", "/States/T/Catch[0]/ErrorEquals");
    }

    @Test
    void definitionSubstitutionsReplacePlaceholders() {
        String s = Definitions.substitute("{\"Resource\": \"${FnArn}\", \"Other\": \"${Unknown}\"}", Map.of("FnArn", "arn:aws:lambda:r:1:function:F"));
        assertEquals("{\"Resource\": \"arn:aws:lambda:r:1:function:F\", \"Other\": \"${Unknown}\"}", s);
    }

    @Test
    void theServiceRefusesInvalidDefinitionsWithTheApiErrorName() {
        try (LocalStepFunctions sfn = LocalStepFunctions.builder().build()) {
            SfnServiceException e = assertThrows(SfnServiceException.class, () -> sfn.createStateMachine("bad",
                    "{\"StartAt\": \"A\", \"States\": {}}", WorkflowType.STANDARD, null));
            assertEquals("InvalidDefinition", e.code());
            assertTrue(e.getMessage().startsWith("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED"), e.getMessage());
        }
    }
}
