import {PART_SOURCES, PART_WORDS, type Gap, type Snapshot, type SnapshotPart} from '../model/snapshot.js'
import type {Check, Finding, Outcome, Report, Resource, Scope, Summary} from './types.js'
import {applyIgnores, type IgnoreRule} from './ignore.js'
import {withFingerprints} from './identity.js'
import {derivedOf, withMemo} from './memo.js'
import {TOOL_VERSION} from './version.js'
import {withRegion} from './shell.js'
import {ONLY_COUNTS_PASSES} from './define-check.js'

export interface RunOptions {
  only?: string[]
  skip?: string[]
  ignores?: IgnoreRule[]
  /**
   * Values the caller already derived from this snapshot, by memo key, so checks do not derive them again (lint: the
   * usage model withUsedBy read). Only for a snapshot whose parts are all seen (no gaps), as a template's are.
   */
  derived?: Readonly<Record<string, unknown>>
  /**
   * Stamp every finding with its fingerprint (the default). Off only when nothing of the run reads them: the table,
   * which never shows them, without --baseline, --write-baseline or a --write of another format (report-flags.ts
   * needsFingerprints): ~30 ms of the 1,000-instance snapshot's run.
   */
  fingerprints?: boolean
  /**
   * Passes are only counted by what reads this report (report-flags.ts onlyCountsPasses: the table without --verbose,
   * no baselines, no other format): each pass finding keeps its check id, status, resource, title and
   * severity, with an empty message and no evidence or key. Kept whole, the ~15,000 passes of a 1,000-instance run
   * (messages, evidence, copies) were collected again and again while the checks ran: checks ~35 ms and render ~15 ms
   * more of that run.
   */
  countPasses?: boolean
}

/** `--only`/`--skip` accept exact ids or an area prefix such as `network/` or `network/*`. */
export function selectChecks(checks: readonly Check[], opts: Pick<RunOptions, 'only' | 'skip'>): Check[] {
  const matches = (id: string, pattern: string) => {
    const p = pattern.replace(/\*$/, '')
    return p.endsWith('/') ? id.startsWith(p) : id === p
  }
  return checks.filter(c =>
    (!opts.only?.length || opts.only.some(p => matches(c.id, p))) &&
    !opts.skip?.some(p => matches(c.id, p)))
}

/** The resource a whole-check result (unknown/skipped) is attached to. */
function scopeResource(snapshot: Snapshot): Resource {
  if (snapshot.cluster) return {type: 'ecs-cluster', id: snapshot.cluster.name, arn: snapshot.cluster.arn}
  if (snapshot.scope.cluster) return {type: 'ecs-cluster', id: snapshot.scope.cluster}
  return {type: 'cloudformation-resource', id: snapshot.scope.template ?? 'template'}
}

export function gapsFor(snapshot: Snapshot, part: SnapshotPart): Gap[] {
  return snapshot.gaps.filter(g => g.part === part)
}

/** Gaps that explain why `part` is missing: its own, else those of the parts it is read from (transitively). */
export function gapsExplaining(snapshot: Snapshot, part: SnapshotPart, seen = new Set<SnapshotPart>()): Gap[] {
  if (seen.has(part)) return []
  seen.add(part)
  const own = gapsFor(snapshot, part)
  if (own.length > 0) return own
  return (PART_SOURCES[part] ?? []).flatMap(source => gapsExplaining(snapshot, source, seen))
}

function isEmptyPart(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : typeof value === 'object' && value !== null && Object.keys(value).length === 0
}

/**
 * A part collected as empty only because every part it is read from failed is not "nothing there" but "not seen":
 * treat it as missing, so checks report unknown naming the failed call instead of passing or skipping on nothing.
 */
export function withUnseenPartsRemoved(snapshot: Snapshot): Snapshot {
  const out: Snapshot = {...snapshot}
  for (const [part, sources] of Object.entries(PART_SOURCES) as [SnapshotPart, SnapshotPart[]][]) {
    if (!isEmptyPart(out[part])) continue
    const failedItself = gapsFor(out, part).length > 0
    const unseen = failedItself || sources.every(src => out[src] === undefined && gapsExplaining(out, src).length > 0)
    if (unseen) delete (out as Partial<Snapshot>)[part]
  }
  return out
}

/** Error codes AWS gives for a call the caller may not make. */
const DENIED_CODES = /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|UnauthorizedException|NotAuthorized)$/

/** Outcomes a check gets when data it needs is missing: unknown (a call failed) or skipped (never collected). */
function missingNeeds(check: Check, snapshot: Snapshot): Outcome | undefined {
  const needs = snapshot.scope.source === 'template' && check.templateNeeds ? check.templateNeeds : check.needs
  const missing = needs.filter(part => snapshot[part] === undefined)
  if (missing.length === 0) return undefined
  const gaps = [...new Set(missing.flatMap(part => gapsExplaining(snapshot, part)))]
  const resource = scopeResource(snapshot)
  if (gaps.length > 0) {
    const actions = [...new Set(gaps.map(g => g.action))]
    const detail = gaps.map(g => `${g.action} failed (${g.code}): ${g.message}`).join('; ')
    const denied = gaps.some(g => DENIED_CODES.test(g.code))
    const next = denied ? ` Next: allow ${actions.join(', ')} for this caller (efsdoctor iam-policy prints every permission a run needs), then run again.` : ''
    return {status: 'unknown', resource, message: `Could not evaluate: ${detail}${next.length && !/[.!?]$/.test(detail) ? '.' : ''}${next}`,
      evidence: {missingPermissions: actions}}
  }
  const what = missing.map(part => PART_WORDS[part]).join('; ')
  const message = snapshot.scope.source === 'template' ? `Not evaluated: a template cannot answer this (it needs ${what}).` : `Not evaluated: not collected: ${what}.`
  return {status: 'skipped', resource, message}
}

function runOne(check: Check, snapshot: Snapshot): Outcome[] {
  const missing = missingNeeds(check, snapshot)
  if (missing) return [missing]
  try {
    const outcomes = check.run(snapshot)
    if (outcomes.length === 0) {
      return [{status: 'skipped', resource: scopeResource(snapshot), message: 'Nothing to evaluate in this scope.'}]
    }
    return outcomes
  } catch (error) {
    return [{status: 'unknown', resource: scopeResource(snapshot),
      message: `Check crashed, so it could not evaluate: ${(error as Error).message}`}]
  }
}

export function summarize(findings: Finding[]): Summary {
  const s: Summary = {pass: 0, fail: 0, unknown: 0, skipped: 0, ignored: 0}
  for (const f of findings) {
    s[f.status]++
    if (f.ignored) s.ignored++
  }
  return s
}

const FS_ID_G = /\bfs-[0-9a-f]{8}(?:[0-9a-f]{9})?\b/g

/**
 * A candidate file system (model/usage.ts: only has mount targets where the instances run, and nothing names any file
 * system) may not be used by this cluster: a `fail` about it — naming it or one of its mount targets — is reported as
 * `unknown`, saying so. Named ones (--file-system) are never candidates.
 */
export function downgradeCandidates(findings: Finding[], snapshot: Snapshot): Finding[] {
  const candidates = new Set(snapshot.scope.fileSystems.filter(f => f.candidate && !f.named).map(f => f.id))
  if (candidates.size === 0) return findings
  const byMountTarget = new Map((snapshot.mountTargets ?? []).filter(mt => candidates.has(mt.fileSystemId)).map(mt => [mt.id, mt.fileSystemId]))
  return findings.map(f => {
    if (f.status !== 'fail') return f
    const text = `${f.resource.id} ${f.message} ${JSON.stringify(f.evidence ?? {})}`
    const ids = new Set([...(text.match(FS_ID_G) ?? []), ...[...byMountTarget].filter(([mt]) => text.includes(mt)).map(([, fs]) => fs)])
    const about = [...ids].filter(id => candidates.has(id))
    if (about.length === 0 || [...ids].some(id => !candidates.has(id))) return f
    const {fix: _fix, ...rest} = f
    return {...rest, status: 'unknown' as const,
      message: `${about.join(', ')} may not be used by this cluster (nothing names it; it only has mount targets where the instances run; name it with --file-system to check it): ${f.message}`,
      evidence: {...f.evidence, candidateFileSystems: about}}
  })
}

/** Pure: (checks, snapshot, options) → Report. Every fail carries a fix (the check's remediation if none given). */
export function runChecks(checks: readonly Check[], snapshot: Snapshot, opts: RunOptions = {}, scope?: Partial<Scope>): Report {
  const findings: Finding[] = []
  // NOTE: values derived before the run (opts.derived, or those a schema-1 upgrade recorded on this snapshot) only when
  // no part has a gap, so no part is removed from the run's copy.
  const known = snapshot.gaps.length ? {} : opts.derived ?? derivedOf(snapshot) ?? {}
  const seen = withMemo(withUnseenPartsRemoved(snapshot), opts.countPasses ? {...known, [ONLY_COUNTS_PASSES]: true} : known)
  // NOTE: with nothing stamped on them afterwards (withFingerprints sets a field on each finding), a counted pass of a
  // check's own severity is one finding object per check, pushed once per pass (COUNTED_PASS in define-check.ts).
  const sharePasses = opts.countPasses && opts.fingerprints === false
  for (const check of selectChecks(checks, opts)) {
    let counted: Finding | undefined
    for (const o of runOne(check, seen)) {
      if (opts.countPasses && o.status === 'pass') {
        if (sharePasses && !o.severity) findings.push(counted ??= {status: 'pass', resource: o.resource, message: '', checkId: check.id, title: check.title, severity: check.severity})
        else findings.push({status: 'pass', resource: o.resource, message: '', checkId: check.id, title: check.title, severity: o.severity ?? check.severity})
        continue
      }
      // NOTE: the same finding as `{...o, checkId, title, severity}` (same key order), built with Object.assign: the
      // spread, over the many shapes of outcomes, cost about 35 ms of a 10,000-finding run.
      const finding = Object.assign({}, o) as Finding
      finding.checkId = check.id
      finding.title = check.title
      finding.severity = o.severity ?? check.severity
      if (finding.status === 'fail' && !finding.fix) finding.fix = {summary: check.remediation}
      else if (finding.fix?.command && snapshot.scope.region) {
        const command = withRegion(finding.fix.command, snapshot.scope.region)
        if (command !== finding.fix.command) finding.fix = {...finding.fix, command}
      }
      findings.push(finding)
    }
  }
  const judged = downgradeCandidates(findings, snapshot)
  const final = applyIgnores(opts.fingerprints === false ? judged : withFingerprints(judged), opts.ignores ?? [])
  return {
    schemaVersion: 1,
    tool: {name: 'efsdoctor', version: TOOL_VERSION},
    scope: {
      source: snapshot.scope.source,
      region: snapshot.scope.region,
      accountId: snapshot.scope.accountId,
      partition: snapshot.scope.partition,
      cluster: snapshot.scope.cluster,
      template: snapshot.scope.template,
      fileSystems: snapshot.scope.fileSystems,
      collectedAt: snapshot.collectedAt,
      notes: snapshot.scope.notes,
      ...scope,
    },
    findings: final,
    summary: summarize(final),
  }
}
