import type {FailOn, Report, Severity} from './types.js'

const RANK: Record<Severity, number> = {error: 3, warning: 2, info: 1}

/**
 * 0 = nothing failed at or above `failOn`; 1 = something did. Ignored and baselined findings never count.
 * With `strict`, an `unknown` at or above the threshold counts as a failure too.
 * (Exit code 2 — could not run — is decided by the commands, not here.)
 */
export function exitCodeFor(report: Report, failOn: FailOn, strict = false): 0 | 1 {
  if (failOn === 'none') return 0
  const bad = report.findings.some(f => !f.ignored && !f.baselined && RANK[f.severity] >= RANK[failOn] &&
    (f.status === 'fail' || (strict && f.status === 'unknown')))
  return bad ? 1 : 0
}
