// The AWS SDK for JavaScript v3 against a running `playback local`: Step Functions and EventBridge calls as a user
// makes them. Prints one JSON object per step, {"step": NAME, "response": ...}; AwsClientsIT checks them.
// Usage: node transcript.mjs [LOCAL_FILE]   (default: $PLAYBACK_LOCAL_FILE, else .playback/local.json)
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand, GetExecutionHistoryCommand,
  StopExecutionCommand, ListExecutionsCommand, StartSyncExecutionCommand, RedriveExecutionCommand, TestStateCommand,
} from "@aws-sdk/client-sfn";
import {
  EventBridgeClient, PutEventsCommand, DescribeEventBusCommand, ListRulesCommand, DescribeRuleCommand,
} from "@aws-sdk/client-eventbridge";

const localFile = process.argv[2] ?? process.env.PLAYBACK_LOCAL_FILE ?? ".playback/local.json";
const local = JSON.parse(readFileSync(localFile, "utf8"));
const common = { region: local.region, credentials: { accessKeyId: "local", secretAccessKey: "local" } };
// StartSyncExecution is sent to the host prefix "sync-", which 127.0.0.1 cannot carry
const sfn = new SFNClient({ ...common, endpoint: local.stepFunctions, disableHostPrefix: true });
const events = new EventBridgeClient({ ...common, endpoint: local.eventBridge });
const bus = local.names.ReplayRequestBus;

function step(name, response) {
  const { $metadata, ...rest } = response;
  console.log(JSON.stringify({ step: name, response: rest }));
  return rest;
}

/** DescribeExecution once the execution is no longer RUNNING (deadline 60 s). */
async function finished(executionArn) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== "RUNNING") return d;
    if (Date.now() > deadline) throw new Error(`execution ${executionArn} still RUNNING after 60 s`);
    await sleep(200);
  }
}

const definition = JSON.stringify({ StartAt: "Greet", States: {
  Greet: { Type: "Pass", Result: "hello", ResultPath: "$.greeting", Next: "Hold" },
  Hold: { Type: "Wait", SecondsPath: "$.wait", Next: "Decide" },
  Decide: { Type: "Choice", Choices: [{ Variable: "$.fail", BooleanEquals: true, Next: "Boom" }], Default: "Done" },
  Boom: { Type: "Fail", Error: "Transcript.Failed", Cause: "the input asked to fail" },
  Done: { Type: "Succeed" } } });
const roleArn = "arn:aws:iam::000000000000:role/transcript-role";
const suffix = `${Date.now()}${process.pid}`;

const machine = step("create-state-machine", await sfn.send(new CreateStateMachineCommand({
  name: `transcript-js-${suffix}`, definition, roleArn }))).stateMachineArn;

const start = async (name, input) =>
  (await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name, input }))).executionArn;
const ok = await start("ok", '{"wait":0,"fail":false}');
const failed = await start("fails", '{"wait":0,"fail":true}');
const long = await start("long", '{"wait":3600}');
step("describe-execution", await finished(ok));
step("describe-failed-execution", await finished(failed));

// GetExecutionHistory, 2 events a page, following nextToken
let nextToken;
do {
  ({ nextToken } = step("get-execution-history-page",
    await sfn.send(new GetExecutionHistoryCommand({ executionArn: ok, maxResults: 2, nextToken }))));
} while (nextToken);

step("stop-execution", await sfn.send(new StopExecutionCommand({
  executionArn: long, error: "Transcript.Stopped", cause: "stopped by the transcript" })));
step("describe-stopped-execution", await sfn.send(new DescribeExecutionCommand({ executionArn: long })));
step("list-executions", await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine })));

step("redrive-execution", await sfn.send(new RedriveExecutionCommand({ executionArn: failed })));
step("describe-redriven-execution", await finished(failed));
step("test-state", await sfn.send(new TestStateCommand({ roleArn, inspectionLevel: "DEBUG", input: '{"n":1}',
  definition: JSON.stringify({ Type: "Pass", Parameters: { "doubled.$": "States.MathAdd($.n, $.n)" }, ResultPath: "$.result", End: true }) })));

const express = (await sfn.send(new CreateStateMachineCommand({
  name: `transcript-js-express-${suffix}`, type: "EXPRESS", definition, roleArn }))).stateMachineArn;
step("start-sync-execution", await sfn.send(new StartSyncExecutionCommand({
  stateMachineArn: express, input: '{"wait":0,"fail":false}' })));

step("put-events", await events.send(new PutEventsCommand({ Entries: [
  { EventBusName: bus, Source: "transcript", DetailType: "TranscriptPing", Detail: '{"client":"js"}' },
  { EventBusName: bus, Source: "transcript", DetailType: "TranscriptPing", Detail: "not json" }] })));
step("describe-event-bus", await events.send(new DescribeEventBusCommand({ Name: bus })));
const rules = step("list-rules", await events.send(new ListRulesCommand({ EventBusName: bus })));
step("describe-rule", await events.send(new DescribeRuleCommand({ EventBusName: bus, Name: rules.Rules[0].Name })));
