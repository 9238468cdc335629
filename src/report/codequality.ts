/**
 * GitLab Code Quality (`artifacts:reports:codequality`): the Code Climate JSON subset GitLab reads, one issue per
 * unignored `fail` — `description`, `check_name`, `fingerprint`, `severity`, `location.path`, `location.lines.begin`.
 *
 * - `location` is the template file and line (`lint`) or the SARIF pseudo-path `aws/<region>/<type>/<id>[/<key>…]`
 *   at line 1 (`check`).
 * - `fingerprint` is the finding's fingerprint (src/core/identity.ts) hashed with the scope (`lint/<template>`,
 *   `check/<cluster>`), because GitLab merges the Code Quality reports of a whole pipeline and two templates can use
 *   the same logical ids; it stays the same across runs and unrelated edits.
 */
import {createHash} from 'node:crypto'
import {fingerprintOf} from '../core/identity.js'
import type {Report, Severity} from '../core/types.js'
import {scopeKey} from './common.js'
import type {Renderer} from './renderer.js'
import {findingUri} from './sarif.js'

type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker'
const SEVERITY: Record<Severity, CodeQualitySeverity> = {error: 'major', warning: 'minor', info: 'info'}

export interface CodeQualityIssue {
  description: string
  check_name: string
  fingerprint: string
  severity: CodeQualitySeverity
  location: {path: string; lines: {begin: number}}
}

export const codequalityRenderer: Renderer = {
  format: 'codequality',
  extension: 'json',
  render(report: Report): string {
    const scope = scopeKey(report)
    const issues: CodeQualityIssue[] = report.findings.filter(f => f.status === 'fail' && !f.ignored).map(f => ({
      description: f.fix ? `${f.message} Fix: ${f.fix.summary}` : f.message,
      check_name: f.checkId,
      fingerprint: createHash('sha256').update(`${scope}\u0000${fingerprintOf(f)}`).digest('hex'),
      severity: SEVERITY[f.severity],
      location: {path: decodeURIComponent(findingUri(f, report)), lines: {begin: f.location?.line && f.location.line > 0 ? f.location.line : 1}},
    }))
    return JSON.stringify(issues, null, 2)
  },
}
