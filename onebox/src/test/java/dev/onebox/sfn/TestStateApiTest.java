package dev.onebox.sfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.onebox.sfn.asl.Json;
import dev.onebox.sfn.tasks.InProcessLambdaFunctions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.InspectionData;
import software.amazon.awssdk.services.sfn.model.InspectionLevel;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;
import software.amazon.awssdk.services.sfn.model.InvalidDefinitionException;
import software.amazon.awssdk.services.sfn.model.TestExecutionStatus;
import software.amazon.awssdk.services.sfn.model.TestStateResponse;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TestState through the AWS SDK's SfnClient: one state run once, at each inspection level. */
class TestStateApiTest {
    static final AtomicInteger QUOTE_CALLS = new AtomicInteger();
    static LocalSfnApi api;

    /** Quotes a price: {"sku": s, "qty": n} → {"price": 10 * n, "currency": "EUR"}. */
    public static final class Quote implements RequestHandler<Map<String, Object>, Object> {
        @Override
        public Object handleRequest(Map<String, Object> input, Context context) {
            QUOTE_CALLS.incrementAndGet();
            return Map.of("price", 10 * ((Number) input.get("qty")).intValue(), "currency", "EUR");
        }
    }

    public static final class Broken implements RequestHandler<Map<String, Object>, Object> {
        @Override
        public Object handleRequest(Map<String, Object> input, Context context) {
            throw new IllegalStateException("pricing down");
        }
    }

    static final String QUOTE_STATE = """
            {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Quote",
             "InputPath": "$.order", "Parameters": {"sku.$": "$.sku", "qty.$": "$.qty"},
             "ResultSelector": {"total.$": "$.price"}, "ResultPath": "$.quote", "Next": "Confirm"}""";
    static final String ORDER = "{\"order\": {\"sku\": \"s-1\", \"qty\": 3}}";

    @BeforeAll
    static void start() throws Exception {
        api = LocalSfnApi.start(new InProcessLambdaFunctions().register("Quote", new Quote()).register("Broken", new Broken()));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void atInfoATaskStateGivesItsOutputStatusAndNextStateOnly() {
        TestStateResponse r = api.client().testState(b -> b.definition(QUOTE_STATE).roleArn(LocalSfnApi.ROLE).input(ORDER));

        assertEquals(TestExecutionStatus.SUCCEEDED, r.status());
        assertEquals(Map.of("order", Map.of("sku", "s-1", "qty", 3), "quote", Map.of("total", 30)), Json.parse(r.output()));
        assertEquals("Confirm", r.nextState());
        assertNull(r.inspectionData());
        assertNull(r.error());
    }

    @Test
    void atDebugEachStepOfInputAndOutputProcessingIsShown() {
        TestStateResponse r = api.client().testState(b -> b.definition(QUOTE_STATE).input(ORDER)
                .inspectionLevel(InspectionLevel.DEBUG));

        InspectionData d = r.inspectionData();
        assertEquals(Map.of("order", Map.of("sku", "s-1", "qty", 3)), Json.parse(d.input()));
        assertEquals(Map.of("sku", "s-1", "qty", 3), Json.parse(d.afterInputPath()));
        assertEquals(Map.of("sku", "s-1", "qty", 3), Json.parse(d.afterParameters()));
        assertEquals(Map.of("price", 30, "currency", "EUR"), Json.parse(d.result()));
        assertEquals(Map.of("total", 30), Json.parse(d.afterResultSelector()));
        assertEquals(Map.of("order", Map.of("sku", "s-1", "qty", 3), "quote", Map.of("total", 30)),
                Json.parse(d.afterResultPath()));
        assertNull(d.request());
    }

    @Test
    void atTraceANonHttpTaskShowsWhatDebugShowsAndNoHttpExchange() {
        TestStateResponse r = api.client().testState(b -> b.definition(QUOTE_STATE).input(ORDER)
                .inspectionLevel(InspectionLevel.TRACE).revealSecrets(true));

        assertEquals(TestExecutionStatus.SUCCEEDED, r.status());
        assertEquals(Map.of("total", 30), Json.parse(r.inspectionData().afterResultSelector()));
        assertNull(r.inspectionData().request());
        assertNull(r.inspectionData().response());
    }

    @Test
    void aMockedResultStandsInForTheTaskCall() {
        int before = QUOTE_CALLS.get();

        TestStateResponse r = api.client().testState(b -> b.definition(QUOTE_STATE).input(ORDER)
                .mock(m -> m.result("{\"price\": 7}")));

        assertEquals(Map.of("total", 7), ((Map<?, ?>) Json.parse(r.output())).get("quote"));
        assertEquals(before, QUOTE_CALLS.get());
    }

    @Test
    void anErrorTakenByCatchIsCaughtErrorWithTheCatchersNextState() {
        TestStateResponse r = api.client().testState(b -> b.input("{}").definition("""
                {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Broken",
                 "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Apologise"}],
                 "End": true}"""));

        assertEquals(TestExecutionStatus.CAUGHT_ERROR, r.status());
        assertEquals("java.lang.IllegalStateException", r.error());
        assertEquals("Apologise", r.nextState());
        Map<?, ?> failure = (Map<?, ?>) ((Map<?, ?>) Json.parse(r.output())).get("failure");
        assertEquals("java.lang.IllegalStateException", failure.get("Error"));
    }

    @Test
    void anErrorARetrierStillCoversIsRetriableUntilItsAttemptsAreUsed() {
        String definition = """
                {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Broken",
                 "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}], "End": true}""";

        TestStateResponse first = api.client().testState(b -> b.definition(definition).input("{}"));
        TestStateResponse last = api.client().testState(b -> b.definition(definition).input("{}")
                .stateConfiguration(c -> c.retrierRetryCount(2)));

        assertEquals(TestExecutionStatus.RETRIABLE, first.status());
        assertEquals("java.lang.IllegalStateException", first.error());
        assertEquals(TestExecutionStatus.FAILED, last.status());
        assertNull(last.output());
    }

    @Test
    void aFailStateFailsWithItsErrorAndCause() {
        TestStateResponse r = api.client().testState(b -> b.definition("""
                {"Type": "Fail", "Error": "Order.Rejected", "Cause": "out of stock"}"""));

        assertEquals(TestExecutionStatus.FAILED, r.status());
        assertEquals("Order.Rejected", r.error());
        assertEquals("out of stock", r.cause());
        assertNull(r.nextState());
    }

    @Test
    void aJsonataStateSeesTheGivenVariablesAndShowsItsAssignments() {
        TestStateResponse r = api.client().testState(b -> b.inspectionLevel(InspectionLevel.DEBUG)
                .input("{\"qty\": 4}").variables("{\"unitPrice\": 5}").definition("""
                {"Type": "Pass", "QueryLanguage": "JSONata", "Assign": {"total": "{% $states.input.qty * $unitPrice %}"},
                 "Output": {"ok": true}, "End": true}"""));

        assertEquals(TestExecutionStatus.SUCCEEDED, r.status());
        assertEquals(Map.of("ok", true), Json.parse(r.output()));
        assertEquals(Map.of("total", 20, "unitPrice", 5), Json.parse(r.inspectionData().variables()));
    }

    @Test
    void aStateOfAWholeDefinitionIsTestedByName() {
        TestStateResponse r = api.client().testState(b -> b.stateName("Decide").input("{\"qty\": 12}").definition("""
                {"StartAt": "Decide", "States": {
                  "Decide": {"Type": "Choice", "Choices": [{"Variable": "$.qty", "NumericGreaterThan": 10, "Next": "Bulk"}],
                             "Default": "Single"},
                  "Bulk": {"Type": "Succeed"}, "Single": {"Type": "Succeed"}}}"""));

        assertEquals("Bulk", r.nextState());
        assertEquals(TestExecutionStatus.SUCCEEDED, r.status());
    }

    @Test
    void anInvalidStateOrRoleIsRefusedAsAwsDoes() {
        InvalidDefinitionException definition = assertThrows(InvalidDefinitionException.class,
                () -> api.client().testState(b -> b.definition("{\"Type\": \"Pass\", \"Next\": \"A\", \"End\": true}")));
        InvalidArnException role = assertThrows(InvalidArnException.class,
                () -> api.client().testState(b -> b.definition("{\"Type\": \"Pass\", \"End\": true}").roleArn("admin")));

        assertTrue(definition.getMessage().contains("Only one of 'Next' or 'End' can be present"), definition.getMessage());
        assertEquals("Invalid Arn: 'Invalid ARN prefix: admin'", role.awsErrorDetails().errorMessage());
    }
}
