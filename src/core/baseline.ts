/**
 * `--baseline REPORT.json`: adopt a gate in an estate that already has findings. A failure (or unknown) whose
 * fingerprint was already failing (or unknown) in the baseline report is marked `baselined`: still reported, never
 * counted by the exit code. New ones count. Baseline failures that are gone from a check that ran this time are
 * listed as fixed. The baseline is any JSON report efsdoctor wrote (`--output json` or `--write-baseline`).
 */
import {readFileSync} from 'node:fs'
import {UsageError} from './errors.js'
import {fingerprintOf} from './identity.js'
import {schemaChecker} from './json-schema.js'
import type {Finding, Report} from './types.js'

export const REPORT_SCHEMA_VERSION = 1

const reportProblem = schemaChecker(async () => import('./validators/report.generated.js'), 'report')

const counts = (f: Pick<Finding, 'status'>) => f.status === 'fail' || f.status === 'unknown'

/** Reads and validates a baseline report; anything else is one UsageError line (exit 2). */
export async function loadBaseline(file: string): Promise<Report> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read baseline ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new UsageError(`baseline ${file} is not an efsdoctor JSON report (not valid JSON); write one with --write-baseline`)
  }
  const doc = data as Record<string, unknown> | null
  const isReport = typeof doc === 'object' && doc !== null && !Array.isArray(doc) && (doc.tool as {name?: unknown} | undefined)?.name === 'efsdoctor' && Array.isArray(doc.findings)
  if (!isReport) throw new UsageError(`baseline ${file} is not an efsdoctor JSON report (no tool "efsdoctor" with findings); write one with --write-baseline`)
  if (doc.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new UsageError(`baseline ${file} is a report of schema version ${JSON.stringify(doc.schemaVersion)}; this efsdoctor reads version ${REPORT_SCHEMA_VERSION}: write a new one with --write-baseline`)
  }
  const problem = await reportProblem(data)
  if (problem) throw new UsageError(`baseline ${file} is not a valid efsdoctor report: ${problem.replace(/\s+/g, ' ')}`)
  return data as Report
}

/** The report with known failures marked `baselined`, and `baseline` saying what is new and what was fixed. */
export function applyBaseline(report: Report, baseline: Report, file: string): Report {
  const known = new Set(baseline.findings.filter(counts).map(fingerprintOf))
  const findings = report.findings.map(f => (counts(f) && known.has(fingerprintOf(f)) ? {...f, baselined: true as const} : f))
  const stillBad = new Set(findings.filter(counts).map(fingerprintOf))
  const ran = new Set(report.findings.map(f => f.checkId))
  // NOTE: a check that did not run this time (--only/--skip) proves nothing fixed, so its baseline failures are not listed.
  const fixed = baseline.findings.filter(f => f.status === 'fail' && ran.has(f.checkId) && !stillBad.has(fingerprintOf(f)))
    .map(f => ({checkId: f.checkId, resource: f.resource, ...(f.key ? {key: f.key} : {}), fingerprint: fingerprintOf(f), message: f.message}))
  const fresh = findings.filter(f => counts(f) && !f.baselined && !f.ignored).length
  return {
    ...report,
    findings,
    summary: {...report.summary, baselined: findings.filter(f => f.baselined).length},
    baseline: {file, new: fresh, fixed},
  }
}
