package dev.playback.tools.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.ListMetricsRequest;
import software.amazon.awssdk.services.cloudwatch.model.ListMetricsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health on AWS from a CloudWatch that answers fixed metrics and figures. */
class CloudWatchMetricsTest {
    private static Metric metric(String namespace, String name, String dimension, String value) {
        return Metric.builder().namespace(namespace).metricName(name).dimensions(Dimension.builder().name(dimension).value(value).build()).build();
    }

    /** Lists {@code metrics} by namespace (and name); answers each query with the figure of its metric and statistic. */
    private static final class FixedCloudWatch implements CloudWatchClient {
        final List<Metric> metrics;
        final Map<String, Double> figures;   // "<metric>|<dimension value>|<stat>" -> value
        final List<String> namespacesListed = new ArrayList<>();

        FixedCloudWatch(List<Metric> metrics, Map<String, Double> figures) {
            this.metrics = metrics;
            this.figures = figures;
        }

        @Override
        public ListMetricsResponse listMetrics(ListMetricsRequest r) {
            namespacesListed.add(r.namespace());
            return ListMetricsResponse.builder().metrics(metrics.stream().filter(m -> m.namespace().equals(r.namespace())
                    && (r.metricName() == null || m.metricName().equals(r.metricName()))).toList()).build();
        }

        @Override
        public GetMetricDataResponse getMetricData(GetMetricDataRequest r) {
            List<MetricDataResult> results = new ArrayList<>();
            for (MetricDataQuery q : r.metricDataQueries()) {
                Metric m = q.metricStat().metric();
                Double v = figures.get(m.metricName() + "|" + m.dimensions().get(0).value() + "|" + q.metricStat().stat());
                results.add(MetricDataResult.builder().id(q.id()).values(v == null ? List.of() : List.of(v)).build());
            }
            return GetMetricDataResponse.builder().metricDataResults(results).build();
        }

        @Override
        public String serviceName() {
            return "monitoring";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void health_on_aws_reads_the_stacks_namespace_and_the_throttles_of_its_own_functions_tables_and_streams() {
        FixedCloudWatch cloudWatch = new FixedCloudWatch(List.of(
                metric("Playback/prod", "ProcessorLag", "Processor", "balances"),
                metric("Playback/prod", "EventsApplied", "Processor", "balances"),
                metric("Playback/prod", "RecordsSetAside", "Service", "pump"),
                metric("AWS/Lambda", "Throttles", "FunctionName", "prod-PumpFunction-AB12"),
                metric("AWS/Lambda", "Throttles", "FunctionName", "other-PumpFunction-CD34"),
                metric("AWS/DynamoDB", "ThrottledRequests", "TableName", "prod-events"),
                metric("AWS/DynamoDB", "ThrottledRequests", "TableName", "someone-elses"),
                metric("AWS/Kinesis", "WriteProvisionedThroughputExceeded", "StreamName", "prod-playback")),
                Map.ofEntries(Map.entry("ProcessorLag|balances|Sum", 600.0),
                        Map.entry("ProcessorLag|balances|Maximum", 250.0),
                        Map.entry("ProcessorLag|balances|SampleCount", 4.0),
                        Map.entry("EventsApplied|balances|Sum", 2044.0),
                        Map.entry("EventsApplied|balances|Maximum", 500.0),
                        Map.entry("EventsApplied|balances|SampleCount", 5.0),
                        Map.entry("RecordsSetAside|pump|Sum", 2.0),
                        Map.entry("RecordsSetAside|pump|Maximum", 1.0),
                        Map.entry("RecordsSetAside|pump|SampleCount", 2.0),
                        Map.entry("Throttles|prod-PumpFunction-AB12|Sum", 3.0),
                        Map.entry("ThrottledRequests|prod-events|Sum", 7.0),
                        Map.entry("WriteProvisionedThroughputExceeded|prod-playback|Sum", 0.0)));
        CloudWatchMetrics metrics = new CloudWatchMetrics(cloudWatch, "prod", Set.of("prod-events", "prod-data"), Set.of("prod-playback"),
                List.of("balances", "payouts"));

        JsonNode h = metrics.health();

        assertTrue(h.path("source").asText().startsWith("CloudWatch namespace Playback/prod"), h.path("source").asText());
        assertEquals("[{\"processor\":\"balances\",\"lagMillisMax\":250.0,\"lagMillisMean\":150.0,\"applied\":2044},"
                + "{\"processor\":\"payouts\",\"lagMillisMax\":null,\"lagMillisMean\":null,\"applied\":0}]", h.get("processors").toString());
        assertEquals("[{\"service\":\"pump\",\"records\":2},{\"service\":\"processor\",\"records\":0}]", h.get("setAside").toString());
        assertEquals("[{\"what\":\"AWS/Lambda Throttles FunctionName=prod-PumpFunction-AB12\",\"count\":3},"
                + "{\"what\":\"AWS/DynamoDB ThrottledRequests TableName=prod-events\",\"count\":7},"
                + "{\"what\":\"AWS/Kinesis WriteProvisionedThroughputExceeded StreamName=prod-playback\",\"count\":0}]", h.get("throttles").toString());
        assertTrue(h.get("throttlesNote").isNull());
        assertEquals(3, h.path("metrics").size());
        assertEquals(List.of("Playback/prod", "AWS/Lambda", "AWS/DynamoDB", "AWS/Kinesis"), cloudWatch.namespacesListed);
    }
}
