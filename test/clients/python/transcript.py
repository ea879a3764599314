"""boto3 against a running `playback local`: Step Functions and EventBridge calls as a user makes them.

Prints one JSON object per step, {"step": NAME, "response": ...}; AwsClientsIT checks them.
Usage: python3 transcript.py [LOCAL_FILE]   (default: $PLAYBACK_LOCAL_FILE, else .playback/local.json)
"""
import json
import os
import sys
import time

import boto3
from botocore.config import Config

local_file = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PLAYBACK_LOCAL_FILE", ".playback/local.json")
with open(local_file) as f:
    local = json.load(f)

session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name=local["region"])
# StartSyncExecution is sent to the host prefix "sync-", which 127.0.0.1 cannot carry
sfn = session.client("stepfunctions", endpoint_url=local["stepFunctions"], config=Config(inject_host_prefix=False))
events = session.client("events", endpoint_url=local["eventBridge"])
bus = local["names"]["ReplayRequestBus"]


def step(name, response):
    response.pop("ResponseMetadata", None)
    print(json.dumps({"step": name, "response": response}, default=lambda t: t.isoformat()), flush=True)
    return response


def finished(execution_arn):
    """describe_execution once the execution is no longer RUNNING (deadline 60 s)."""
    deadline = time.monotonic() + 60
    while True:
        d = sfn.describe_execution(executionArn=execution_arn)
        if d["status"] != "RUNNING":
            return d
        if time.monotonic() > deadline:
            raise SystemExit(f"execution {execution_arn} still RUNNING after 60 s")
        time.sleep(0.2)


definition = json.dumps({"StartAt": "Greet", "States": {
    "Greet": {"Type": "Pass", "Result": "hello", "ResultPath": "$.greeting", "Next": "Hold"},
    "Hold": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Decide"},
    "Decide": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "BooleanEquals": True, "Next": "Boom"}], "Default": "Done"},
    "Boom": {"Type": "Fail", "Error": "Transcript.Failed", "Cause": "the input asked to fail"},
    "Done": {"Type": "Succeed"}}})
role = "arn:aws:iam::000000000000:role/transcript-role"
suffix = str(time.time_ns())

machine = step("create-state-machine", sfn.create_state_machine(
    name=f"transcript-python-{suffix}", definition=definition, roleArn=role))["stateMachineArn"]

ok = sfn.start_execution(stateMachineArn=machine, name="ok", input='{"wait":0,"fail":false}')["executionArn"]
failed = sfn.start_execution(stateMachineArn=machine, name="fails", input='{"wait":0,"fail":true}')["executionArn"]
long = sfn.start_execution(stateMachineArn=machine, name="long", input='{"wait":3600}')["executionArn"]
step("describe-execution", finished(ok))
step("describe-failed-execution", finished(failed))

# get_execution_history, 2 events a page, following nextToken
page = step("get-execution-history-page", sfn.get_execution_history(executionArn=ok, maxResults=2))
while "nextToken" in page:
    page = step("get-execution-history-page", sfn.get_execution_history(executionArn=ok, maxResults=2, nextToken=page["nextToken"]))

step("stop-execution", sfn.stop_execution(executionArn=long, error="Transcript.Stopped", cause="stopped by the transcript"))
step("describe-stopped-execution", sfn.describe_execution(executionArn=long))
step("list-executions", sfn.list_executions(stateMachineArn=machine))

# RedriveExecution and TestState (2023): a boto3 older than them says so instead of failing the transcript
if hasattr(sfn, "redrive_execution"):
    step("redrive-execution", sfn.redrive_execution(executionArn=failed))
    step("describe-redriven-execution", finished(failed))
else:
    print(json.dumps({"step": "redrive-execution", "unsupported": f"boto3 {boto3.__version__}"}), flush=True)
if hasattr(sfn, "test_state"):
    step("test-state", sfn.test_state(roleArn=role, inspectionLevel="DEBUG", input='{"n":1}', definition=json.dumps(
        {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "ResultPath": "$.result", "End": True})))
else:
    print(json.dumps({"step": "test-state", "unsupported": f"boto3 {boto3.__version__}"}), flush=True)

express = sfn.create_state_machine(name=f"transcript-python-express-{suffix}", type="EXPRESS", definition=definition,
                                   roleArn=role)["stateMachineArn"]
step("start-sync-execution", sfn.start_sync_execution(stateMachineArn=express, input='{"wait":0,"fail":false}'))

step("put-events", events.put_events(Entries=[
    {"EventBusName": bus, "Source": "transcript", "DetailType": "TranscriptPing", "Detail": '{"client":"python"}'},
    {"EventBusName": bus, "Source": "transcript", "DetailType": "TranscriptPing", "Detail": "not json"}]))
step("describe-event-bus", events.describe_event_bus(Name=bus))
rules = step("list-rules", events.list_rules(EventBusName=bus))
step("describe-rule", events.describe_rule(EventBusName=bus, Name=rules["Rules"][0]["Name"]))
