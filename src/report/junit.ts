/**
 * JUnit XML for CI test-report views (GitLab `artifacts:reports:junit`, Jenkins `junit`, Azure, CircleCI).
 * One <testsuite> per area, one <testcase> per finding: classname = check id, name = resource id plus the key that
 * tells the finding apart (`fs-1 [az=euw1-az2]`), so names are unique and stable across runs (CI tools merge or drop
 * repeated names, and track history by name); the template line goes into the text. fail → <failure>,
 * unknown → <error>, skipped, ignored or baselined (--baseline) → <skipped>. Catalogue checks that were not selected appear as skipped "not selected",
 * so the full list of checks stays visible between runs.
 */
import {create} from 'xmlbuilder2'
import type {Finding, Report} from '../core/types.js'
import {areaOf, identityLabel, messageWithFix, resourceLabel, scopeTitle, sortAreas} from './common.js'
import type {RenderContext, Renderer} from './renderer.js'

type Outcome = {kind: 'pass'} | {kind: 'failure' | 'error'; message: string; type: string; text: string} | {kind: 'skipped'; message: string}

interface Case {
  classname: string
  name: string
  outcome: Outcome
}

// NOTE: XML 1.0 cannot carry most control characters, even escaped; drop them rather than emit invalid XML.
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu
const clean = (s: string) => s.replace(INVALID_XML, '')

/** Where (the resource, its logical id and template line), then message and fix. */
const caseText = (f: Finding): string => `${resourceLabel(f)}\n${messageWithFix(f)}`

function outcomeOf(f: Finding): Outcome {
  if (f.ignored && f.status !== 'pass') return {kind: 'skipped', message: `ignored: ${f.ignored.reason}`}
  if (f.baselined) return {kind: 'skipped', message: `baselined: ${f.status === 'fail' ? 'failed' : 'unknown'} in the baseline too: ${f.message}`}
  switch (f.status) {
    case 'pass': return {kind: 'pass'}
    case 'fail': return {kind: 'failure', message: f.message, type: f.severity, text: caseText(f)}
    case 'unknown': return {kind: 'error', message: f.message, type: 'unknown', text: caseText(f)}
    case 'skipped': return {kind: 'skipped', message: f.message}
  }
}

function casesOf(report: Report, ctx: RenderContext): Case[] {
  const cases: Case[] = report.findings.map(f => ({classname: f.checkId, name: identityLabel(f), outcome: outcomeOf(f)}))
  const seen = new Set(report.findings.map(f => f.checkId))
  for (const check of ctx.catalogue) {
    if (!seen.has(check.id)) cases.push({classname: check.id, name: 'not selected', outcome: {kind: 'skipped', message: 'not selected'}})
  }
  return cases
}

function counts(cases: Case[]) {
  const n = (k: Outcome['kind']) => cases.filter(c => c.outcome.kind === k).length
  return {tests: cases.length, failures: n('failure'), errors: n('error'), skipped: n('skipped')}
}

export const junitRenderer: Renderer = {
  format: 'junit',
  extension: 'xml',
  render(report: Report, ctx: RenderContext): string {
    const cases = casesOf(report, ctx)
    const doc = create({version: '1.0', encoding: 'UTF-8'})
    const root = doc.ele('testsuites', {name: clean(`efsdoctor ${scopeTitle(report)}`), ...counts(cases), time: '0'})
    for (const area of sortAreas(cases.map(c => areaOf(c.classname)))) {
      const inArea = cases.filter(c => areaOf(c.classname) === area)
      const suite = root.ele('testsuite', {name: area, ...counts(inArea), time: '0',
        ...(report.scope.collectedAt ? {timestamp: report.scope.collectedAt} : {})})
      for (const c of inArea) {
        const tc = suite.ele('testcase', {classname: c.classname, name: clean(c.name), time: '0'})
        const o = c.outcome
        if (o.kind === 'skipped') tc.ele('skipped', {message: clean(o.message)})
        else if (o.kind !== 'pass') tc.ele(o.kind, {message: clean(o.message), type: o.type}).txt(clean(o.text))
      }
    }
    return doc.end({prettyPrint: true})
  },
}
