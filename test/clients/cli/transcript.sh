#!/usr/bin/env bash
# The AWS CLI (v1 or v2) against a running `playback local`: Step Functions and EventBridge calls as a user makes
# them. Prints one JSON object per step, {"step": NAME, "response": ...}; AwsClientsIT checks them.
# Usage: transcript.sh [LOCAL_FILE]   (default: $PLAYBACK_LOCAL_FILE, else .playback/local.json)
set -euo pipefail
local_file=${1:-${PLAYBACK_LOCAL_FILE:-.playback/local.json}}
field() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p" "$local_file" | head -n 1; }

export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=$(field region)
export AWS_DISABLE_HOST_PREFIX_INJECTION=true   # StartSyncExecution's "sync-" host prefix: not on 127.0.0.1
export AWS_PAGER=""                              # v2: print, do not page
sfn() { aws --output json --endpoint-url "$(field stepFunctions)" stepfunctions "$@"; }
events() { aws --output json --endpoint-url "$(field eventBridge)" events "$@"; }
bus=$(field ReplayRequestBus)

step() { # step NAME COMMAND...: runs the command, prints its JSON answer as one step
  local name=$1 out; shift
  out=$("$@")
  printf '{"step": "%s", "response": %s}\n' "$name" "$out"
}
value() { # value KEY < JSON: the first string value of KEY
  sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" | head -n 1
}
finished() { # finished EXECUTION_ARN: describe-execution once it is no longer RUNNING (deadline 60 s)
  local deadline=$((SECONDS + 60)) out
  while out=$(sfn describe-execution --execution-arn "$1") && [ "$(value status <<<"$out")" = RUNNING ]; do
    [ $SECONDS -lt $deadline ] || { echo "execution $1 still RUNNING after 60 s" >&2; return 1; }
    sleep 0.2
  done
  printf '%s' "$out"
}

definition='{"StartAt":"Greet","States":{
  "Greet":{"Type":"Pass","Result":"hello","ResultPath":"$.greeting","Next":"Hold"},
  "Hold":{"Type":"Wait","SecondsPath":"$.wait","Next":"Decide"},
  "Decide":{"Type":"Choice","Choices":[{"Variable":"$.fail","BooleanEquals":true,"Next":"Boom"}],"Default":"Done"},
  "Boom":{"Type":"Fail","Error":"Transcript.Failed","Cause":"the input asked to fail"},
  "Done":{"Type":"Succeed"}}}'
role=arn:aws:iam::000000000000:role/transcript-role
suffix=$(date +%s%N)

created=$(sfn create-state-machine --name "transcript-cli-$suffix" --definition "$definition" --role-arn "$role")
printf '{"step": "create-state-machine", "response": %s}\n' "$created"
machine=$(value stateMachineArn <<<"$created")

ok=$(sfn start-execution --state-machine-arn "$machine" --name ok --input '{"wait":0,"fail":false}' | value executionArn)
failed=$(sfn start-execution --state-machine-arn "$machine" --name fails --input '{"wait":0,"fail":true}' | value executionArn)
long=$(sfn start-execution --state-machine-arn "$machine" --name long --input '{"wait":3600}' | value executionArn)
step describe-execution finished "$ok"
step describe-failed-execution finished "$failed"

# get-execution-history, 2 events a page, following nextToken
token=""
while :; do
  page=$(sfn get-execution-history --execution-arn "$ok" --max-results 2 ${token:+--next-token "$token"})
  printf '{"step": "get-execution-history-page", "response": %s}\n' "$page"
  token=$(value nextToken <<<"$page")
  [ -n "$token" ] || break
done

step stop-execution sfn stop-execution --execution-arn "$long" --error Transcript.Stopped --cause "stopped by the transcript"
step describe-stopped-execution sfn describe-execution --execution-arn "$long"
step list-executions sfn list-executions --state-machine-arn "$machine"

# RedriveExecution and TestState (2023): a client older than them says so instead of failing the transcript
supported() { # supported OPERATION: whether this CLI knows "stepfunctions OPERATION"
  ! sfn "$1" --generate-cli-skeleton >/dev/null 2>"${TMPDIR:-/tmp}/op.$$" && grep -qi 'invalid choice' "${TMPDIR:-/tmp}/op.$$" && return 1
  return 0
}
if supported redrive-execution; then
  step redrive-execution sfn redrive-execution --execution-arn "$failed"
  step describe-redriven-execution finished "$failed"
else
  printf '{"step": "redrive-execution", "unsupported": "%s"}\n' "$(aws --version 2>&1)"
fi
if supported test-state; then
  step test-state sfn test-state --role-arn "$role" --inspection-level DEBUG --input '{"n":1}' \
    --definition '{"Type":"Pass","Parameters":{"doubled.$":"States.MathAdd($.n, $.n)"},"ResultPath":"$.result","End":true}'
else
  printf '{"step": "test-state", "unsupported": "%s"}\n' "$(aws --version 2>&1)"
fi
rm -f "${TMPDIR:-/tmp}/op.$$"

express=$(sfn create-state-machine --name "transcript-cli-express-$suffix" --type EXPRESS --definition "$definition" \
  --role-arn "$role" | value stateMachineArn)
# A CLI that predates AWS_DISABLE_HOST_PREFIX_INJECTION (Debian 12's 2.9.19) sends StartSyncExecution to sync-127.0.0.1,
# which does not resolve: through HTTP_PROXY set to the local endpoint, which answers proxy-form requests, it arrives.
if ! sync=$(sfn start-sync-execution --state-machine-arn "$express" --input '{"wait":0,"fail":false}' 2>"${TMPDIR:-/tmp}/sync.$$"); then
  grep -q 'sync-' "${TMPDIR:-/tmp}/sync.$$" || { cat "${TMPDIR:-/tmp}/sync.$$" >&2; exit 1; }
  echo "$(aws --version 2>&1) ignores AWS_DISABLE_HOST_PREFIX_INJECTION: StartSyncExecution through HTTP_PROXY" >&2
  sync=$(HTTP_PROXY=$(field stepFunctions) sfn start-sync-execution --state-machine-arn "$express" --input '{"wait":0,"fail":false}')
fi
rm -f "${TMPDIR:-/tmp}/sync.$$"
printf '{"step": "start-sync-execution", "response": %s}\n' "$sync"

step put-events events put-events --entries "[
  {\"EventBusName\":\"$bus\",\"Source\":\"transcript\",\"DetailType\":\"TranscriptPing\",\"Detail\":\"{\\\"client\\\":\\\"cli\\\"}\"},
  {\"EventBusName\":\"$bus\",\"Source\":\"transcript\",\"DetailType\":\"TranscriptPing\",\"Detail\":\"not json\"}]"
step describe-event-bus events describe-event-bus --name "$bus"
rules=$(events list-rules --event-bus-name "$bus")
printf '{"step": "list-rules", "response": %s}\n' "$rules"
step describe-rule events describe-rule --event-bus-name "$bus" --name "$(value Name <<<"$rules")"
