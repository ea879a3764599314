package dev.playback.tools.whatif;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static dev.playback.tools.whatif.WhatIfFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The what-if report in each format, for one fixed report (two corrections, one changed aggregate) and fixed thresholds. */
class ReportFormatTest {
    private static final Thresholds AT_MOST_ONE_CORRECTION = new Thresholds(1, null, false);

    @Test
    void theReportReadsChangedAggregatesCorrectionsAndQueriesWithoutRecordAndLeavesSnapshotDriftOut() {
        WhatIfReport r = WhatIfFixtures.report();

        assertEquals(3, r.aggregatesRead());
        assertEquals(List.of("pay-1"), r.changedAggregates().stream().map(WhatIfReport.ChangedAggregate::aggregateId).toList());
        assertEquals(List.of("fees"), r.changedAggregates().get(0).changedFields());
        assertEquals(List.of("po-1-0 pay-1 bank", "po-2-0 pay-2 bank"),
                r.corrections().stream().map(c -> c.eventId() + " " + c.aggregateId() + " " + c.gateway()).toList());
        assertEquals(List.of(new WhatIfReport.Total("bank", "EUR", 1, new BigDecimal("-0.20")),
                new WhatIfReport.Total("bank", "USD", 1, new BigDecimal("0.50"))), r.totals());
        assertEquals(List.of(new WhatIfReport.MissingQuery("payouts", "po-3-1", "fx.rate", "h1")), r.queriesWithoutRecord());
    }

    @Test
    void withinAScopeTheReportKeepsItsAggregatesAndOnlyTheEffectsOfEventsInTheWindow() {
        WhatIfReport r = WhatIfReport.read("whatif-1", List.of("payouts"), WhatIfFixtures.VERIFY, WhatIfFixtures.GATEWAY);

        WhatIfReport pay1 = r.within(java.util.Set.of("pay-1"), null, null, null);
        WhatIfReport window = r.within(java.util.Set.of("pay-1", "pay-2"), dev.playback.model.replay.TimeField.RECORDED_AT,
                java.time.Instant.parse("2026-03-01T10:00:00Z"), java.time.Instant.parse("2026-03-01T11:00:00Z"));
        WhatIfReport byOccurrence = r.within(java.util.Set.of("pay-1", "pay-2"), dev.playback.model.replay.TimeField.OCCURRED_AT,
                java.time.Instant.parse("2026-03-01T10:00:00Z"), java.time.Instant.parse("2026-03-01T11:00:00Z"));

        assertEquals(List.of("po-1-0"), pay1.corrections().stream().map(WhatIfReport.PredictedCorrection::eventId).toList());
        assertEquals(List.of("pay-1"), pay1.changedAggregates().stream().map(WhatIfReport.ChangedAggregate::aggregateId).toList());
        assertEquals(List.of("po-2-0"), window.corrections().stream().map(WhatIfReport.PredictedCorrection::eventId).toList(),
                "po-1-0 was recorded at 11:00, the window's end (excluded)");
        assertEquals(List.of("po-1-0", "po-2-0"), byOccurrence.corrections().stream().map(WhatIfReport.PredictedCorrection::eventId).toList());
    }

    @Test
    void changedFieldsAreDottedPathsIntoObjectsWithNumbersComparedByValue() {
        assertEquals(List.of("limits.daily", "owner"), WhatIfReport.changedFields(
                json("{'owner':'A','limits':{'daily':100,'monthly':1000},'n':1}"),
                json("{'owner':'B','limits':{'daily':200,'monthly':1000.0},'n':1.00}")));
        assertEquals(List.of("(state)"), WhatIfReport.changedFields(null, json("{'owner':'A'}")));
        assertEquals(List.of("payouts"), WhatIfReport.changedFields(json("{'payouts':[1,2]}"), json("{'payouts':[1]}")));
    }

    @Test
    void theJsonListsEveryCorrectionWithBeforeAndAfterTheTotalsAndTheThresholds() throws Exception {
        String out = ReportFormat.JSON.write(WhatIfFixtures.report(), AT_MOST_ONE_CORRECTION);

        assertEquals(json("""
                {'replayId':'whatif-1','processors':['payouts'],'aggregatesRead':3,
                 'changedAggregates':[{'processor':'payouts','aggregateId':'pay-1','changedFields':['fees'],
                   'before':{'fees':'1.00','payouts':2,'owner':'A'},'after':{'fees':'1.20','payouts':2,'owner':'A'}}],
                 'corrections':[
                   {'processor':'payouts','eventId':'po-1-0','aggregateId':'pay-1','gateway':'bank','callSite':'bank.payout','key':'po-1-0',
                    'before':[{'payoutId':'po-1-0','currency':'EUR','amount':'98.00'}],
                    'after':{'payoutId':'po-1-0','currency':'EUR','amount':'97.80'},
                    'command':{'payoutId':'po-1-0','currency':'EUR','amount':'-0.20'},'idempotencyKey':'k1'},
                   {'processor':'payouts','eventId':'po-2-0','aggregateId':'pay-2','gateway':'bank','callSite':'bank.payout','key':'po-2-0',
                    'before':[{'payoutId':'po-2-0','currency':'USD','amount':'50.00'}],
                    'after':{'payoutId':'po-2-0','currency':'USD','amount':'50.50'},
                    'command':{'payoutId':'po-2-0','currency':'USD','amount':'0.50'},'idempotencyKey':'k2'}],
                 'correctionTotals':[{'gateway':'bank','currency':'EUR','corrections':1,'amount':'-0.20'},
                                     {'gateway':'bank','currency':'USD','corrections':1,'amount':'0.50'}],
                 'newSends':[],
                 'queriesWithoutRecord':[{'processor':'payouts','eventId':'po-3-1','callSite':'fx.rate','requestHash':'h1'}],
                 'thresholds':[{'check':'corrections <= 1','passed':false,'failure':'2 corrections, more than --max-corrections 1'}],
                 'withinThresholds':false}
                """), WhatIfFixtures.JSON.readTree(out));
    }

    @Test
    void theMarkdownIsAPullRequestCommentWithCountsThresholdsTotalsAndExamples() {
        String out = ReportFormat.MARKDOWN.write(WhatIfFixtures.report(), AT_MOST_ONE_CORRECTION);

        assertEquals("""
                ## What-if `whatif-1`

                Processors: `payouts`

                | | |
                |---|---:|
                | Aggregates read | 3 |
                | Aggregates whose state would change | 1 |
                | Corrections a `diff` replay would send | 2 |
                | Commands an `allow:` replay would newly send | 0 |
                | Queries with no record | 1 |

                **Beyond thresholds**

                - ❌ corrections <= 1: 2 corrections, more than --max-corrections 1

                ### Corrections per gateway and currency

                | Gateway | Currency | Corrections | Net amount |
                |---|---|---:|---:|
                | bank | EUR | 1 | -0.20 |
                | bank | USD | 1 | +0.50 |

                ### Changed aggregates

                | Processor | Aggregate | Changed fields |
                |---|---|---|
                | payouts | `pay-1` | fees |

                ### Corrections

                | Processor | Event | Aggregate | Gateway | Before | After | Correction |
                |---|---|---|---|---:|---:|---:|
                | payouts | `po-1-0` | `pay-1` | bank | 98.00 | 97.80 | -0.20 |
                | payouts | `po-2-0` | `pay-2` | bank | 50.00 | 50.50 | 0.50 |
                """, out);
    }

    @Test
    void theJunitXmlHasOneTestCasePerThresholdFailingWhereItIsExceeded() throws Exception {
        String out = ReportFormat.JUNIT.write(WhatIfFixtures.report(), AT_MOST_ONE_CORRECTION);

        assertEquals("""
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="playback.what-if" tests="1" failures="1" errors="0" skipped="0">
                  <properties>
                    <property name="replayId" value="whatif-1"/>
                    <property name="aggregatesRead" value="3"/>
                    <property name="changedAggregates" value="1"/>
                    <property name="corrections" value="2"/>
                    <property name="newSends" value="0"/>
                    <property name="queriesWithoutRecord" value="1"/>
                  </properties>
                  <testcase classname="playback.what-if" name="corrections &lt;= 1">
                    <failure message="2 corrections, more than --max-corrections 1" type="threshold"/>
                  </testcase>
                  <system-out>what-if whatif-1 (payouts): 3 aggregates read
                  state would change: 1 aggregates
                    payouts pay-1: fees
                  corrections a diff replay would send: 2
                    bank EUR: 1 correction, net -0.20
                    bank USD: 1 correction, net +0.50
                  commands an allow: replay would newly send: 0
                  queries with no record: 1
                  BEYOND  corrections &lt;= 1: 2 corrections, more than --max-corrections 1
                </system-out>
                </testsuite>
                """, out);
        Document parsed = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(out.getBytes(StandardCharsets.UTF_8)));
        assertEquals("corrections <= 1", parsed.getElementsByTagName("testcase").item(0).getAttributes().getNamedItem("name").getNodeValue());
    }

    @Test
    void theJunitXmlOfAWhatIfWithoutThresholdsHasOnePassingTestCase() {
        String out = ReportFormat.JUNIT.write(WhatIfFixtures.report(), Thresholds.NONE);

        assertEquals(true, out.contains("<testsuite name=\"playback.what-if\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n"), out);
        assertEquals(true, out.contains("  <testcase classname=\"playback.what-if\" name=\"what-if ran\"/>\n"), out);
    }

    @Test
    void aReportFilesFormatFollowsItsExtension() {
        assertEquals(Optional.of(ReportFormat.JSON), ReportFormat.ofFile(Path.of("out/what-if.json")));
        assertEquals(Optional.of(ReportFormat.MARKDOWN), ReportFormat.ofFile(Path.of("comment.md")));
        assertEquals(Optional.of(ReportFormat.MARKDOWN), ReportFormat.ofFile(Path.of("comment.MARKDOWN")));
        assertEquals(Optional.of(ReportFormat.JUNIT), ReportFormat.ofFile(Path.of("TEST-what-if.xml")));
        assertEquals(Optional.of(ReportFormat.TEXT), ReportFormat.ofFile(Path.of("summary.txt")));
        assertEquals(Optional.empty(), ReportFormat.ofFile(Path.of("report.pdf")));
    }
}
