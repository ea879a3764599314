package dev.playback.tools.whatif;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** One what-if's reports as a verification in gateway mode predict writes them, with literal amounts. */
final class WhatIfFixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private WhatIfFixtures() {
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The drift report: 3 aggregates compared, pay-1 changed, pay-9's snapshot differs from its fold (not a change). */
    static final JsonNode VERIFY = json("""
            {'replayId':'whatif-1','compared':3,'drifted':2,'aggregates':[
              {'aggregateId':'pay-1','processor':'payouts','live':{'fees':'1.00','payouts':2,'owner':'A'},
               'rebuilt':{'fees':'1.20','payouts':2,'owner':'A'},'events':{'from':1,'to':4}},
              {'aggregateId':'pay-9','processor':'payouts','snapshot':4,'live':{'fees':'0.00'},'rebuilt':{'fees':'0.10'}}]}
            """);

    /**
     * The merged gateway report: two predicted corrections (EUR −0.20 of an event recorded at 11:00, USD +0.50 recorded
     * at 10:00:01), one query without a record.
     */
    static final JsonNode GATEWAY = json("""
            {'sent':0,'suppressed':0,'corrections':0,'liveQueries':1,'predictedCorrections':2,'newSends':0,
             'predictedCorrectionList':[
              {'processor':'payouts','eventId':'po-1-0','callSite':'bank.payout','key':'po-1-0','ordinal':0,'idempotencyKey':'k1',
               'alreadySent':false,'command':{'payoutId':'po-1-0','currency':'EUR','amount':'-0.20'},
               'sent':[{'payoutId':'po-1-0','currency':'EUR','amount':'98.00'}],
               'wanted':{'payoutId':'po-1-0','currency':'EUR','amount':'97.80'},'aggregateId':'pay-1',
               'occurredAt':'2026-03-01T10:30:00Z','recordedAt':'2026-03-01T11:00:00Z'},
              {'processor':'payouts','eventId':'po-2-0','callSite':'bank.payout','key':'po-2-0','ordinal':0,'idempotencyKey':'k2',
               'alreadySent':false,'command':{'payoutId':'po-2-0','currency':'USD','amount':'0.50'},
               'sent':[{'payoutId':'po-2-0','currency':'USD','amount':'50.00'}],
               'wanted':{'payoutId':'po-2-0','currency':'USD','amount':'50.50'},'aggregateId':'pay-2',
               'occurredAt':'2026-03-01T10:00:00Z','recordedAt':'2026-03-01T10:00:01Z'}],
             'newSendList':[],
             'liveQueryList':[{'processor':'payouts','eventId':'po-3-1','callSite':'fx.rate','requestHash':'h1'}]}
            """);

    static WhatIfReport report() {
        return WhatIfReport.read("whatif-1", List.of("payouts"), VERIFY, GATEWAY);
    }
}
