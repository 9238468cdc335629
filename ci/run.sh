#!/usr/bin/env bash
# One CI run of `efsdoctor lint` or `efsdoctor check`, configured by environment variables (so no CI input is ever
# pasted into a shell command line); more efsdoctor arguments (outputs) follow on the command line:
#   EFSDOCTOR_COMMAND     lint | check (default lint)
#   EFSDOCTOR_TEMPLATE    lint: the CloudFormation template
#   EFSDOCTOR_CLUSTER     check: the ECS cluster (lint: --cluster-name)
#   EFSDOCTOR_REGION      --region
#   EFSDOCTOR_FILE_SYSTEM check: file system ids, separated by spaces, commas or newlines
#   EFSDOCTOR_FAIL_ON     --fail-on (default error)
#   EFSDOCTOR_BASELINE    --baseline REPORT.json
#   EFSDOCTOR_ARGS        more arguments, split on whitespace
# Ends with efsdoctor's exit code: 0 nothing failed at or above --fail-on, 1 something did, 2 could not run.
set -euo pipefail

fail() { echo "efsdoctor: $1" >&2; exit 2; }

command="${EFSDOCTOR_COMMAND:-lint}"
args=()
case "$command" in
  lint)
    [ -n "${EFSDOCTOR_TEMPLATE:-}" ] || fail "EFSDOCTOR_TEMPLATE (input 'template') is required for lint"
    args=(lint "$EFSDOCTOR_TEMPLATE")
    [ -z "${EFSDOCTOR_CLUSTER:-}" ] || args+=(--cluster-name "$EFSDOCTOR_CLUSTER")
    ;;
  check)
    [ -n "${EFSDOCTOR_CLUSTER:-}" ] || fail "EFSDOCTOR_CLUSTER (input 'cluster') is required for check"
    args=(check --cluster "$EFSDOCTOR_CLUSTER")
    set -f
    for fs in ${EFSDOCTOR_FILE_SYSTEM//,/ }; do args+=(--file-system "$fs"); done
    set +f
    ;;
  *) fail "EFSDOCTOR_COMMAND (input 'command') must be lint or check, not '$command'" ;;
esac
[ -z "${EFSDOCTOR_REGION:-}" ] || args+=(--region "$EFSDOCTOR_REGION")
[ -z "${EFSDOCTOR_BASELINE:-}" ] || args+=(--baseline "$EFSDOCTOR_BASELINE")
args+=(--fail-on "${EFSDOCTOR_FAIL_ON:-error}" "$@")
if [ -n "${EFSDOCTOR_ARGS:-}" ]; then
  # NOTE: split on whitespace only; -f keeps a * in an argument from matching files.
  set -f
  read -r -a extra <<< "${EFSDOCTOR_ARGS//$'\n'/ }"
  set +f
  args+=("${extra[@]}")
fi

exec efsdoctor "${args[@]}"
