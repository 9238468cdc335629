#!/usr/bin/env bash
# The efsdoctor action's main step: one run (ci/run.sh, inputs in EFSDOCTOR_* variables) that writes the JSON report,
# SARIF and Markdown; appends the Markdown to the job summary, sets the step outputs, and ends with efsdoctor's exit
# code.
set -euo pipefail

out_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/efsdoctor-${GITHUB_RUN_ID:-local}-${GITHUB_JOB:-job}-${GITHUB_ACTION:-step}"
mkdir -p "$out_dir"
report="$out_dir/efsdoctor.json"
sarif="$out_dir/efsdoctor.sarif"
summary="$out_dir/efsdoctor.md"
rm -f "$report" "$sarif" "$summary"

code=0
bash "$(dirname "${BASH_SOURCE[0]}")/../run.sh" --output json --output-file "$report" --write "sarif=$sarif" --write "markdown=$summary" || code=$?

{
  echo "exit-code=$code"
  echo "report-path=$report"
  echo "sarif-path=$sarif"
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"

if [ -f "$report" ]; then
  # shellcheck disable=SC2016 # the quoted text is JavaScript (template literals), not shell
  node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"))
    const n = s => r.findings.filter(f => f.status === s && !f.ignored && !f.baselined).length
    console.log(`failed=${n("fail")}`)
    console.log(`unknown=${n("unknown")}`)
  ' "$report" >> "$GITHUB_OUTPUT"
fi
if [ -f "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
if [ "$code" -ne 0 ] && [ ! -f "$report" ]; then
  echo "::error title=efsdoctor::efsdoctor could not run (exit $code); see the log above"
fi
exit "$code"
