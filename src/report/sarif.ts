/**
 * SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`) and other SARIF viewers.
 *
 * - Rules: the whole catalogue, with help text (remediation + docs link) and a default level from severity.
 * - Results: only `fail` findings that no ignore rule matched. `unknown` findings are not code problems (a denied
 *   call, data not collected), so they go to `invocations[0].toolExecutionNotifications` instead of alerts;
 *   ignored and skipped findings are left out.
 * - Every result has a physicalLocation (code scanning rejects results without one): the template file and the line
 *   of the resource the finding is about for `lint`; for live resources the stable pseudo-path
 *   `aws/<region>/<resource-type>/<resource-id>[/<key>=<value>…]`, so two findings on one resource (one per AZ,
 *   subnet, volume…) point at two places. logicalLocations name the resource.
 * - With --baseline, each result has `baselineState` `unchanged` (baselined: still an open alert) or `new`.
 * - `partialFingerprints['efsdoctor/v2']` is the finding's fingerprint (src/core/identity.ts: check id, resource and
 *   the key that tells it apart; never the message or a line number), so re-runs update alerts instead of duplicating
 *   them, and no two results of one run share one.
 */
import {FINGERPRINT_SCHEME, fingerprintOf, keyEntries} from '../core/identity.js'
import type {Check, Finding, Report, Severity} from '../core/types.js'
import {scopeKey} from './common.js'
import type {RenderContext, Renderer} from './renderer.js'

// NOTE: the package page; switch to the repository URL once the project has a public home.
const INFORMATION_URI = 'https://www.npmjs.com/package/efsdoctor'
const SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json'

type Level = 'error' | 'warning' | 'note'
const LEVEL: Record<Severity, Level> = {error: 'error', warning: 'warning', info: 'note'}

interface Rule {
  id: string
  name: string
  shortDescription: {text: string}
  fullDescription: {text: string}
  help: {text: string; markdown: string}
  helpUri?: string
  defaultConfiguration: {level: Level}
  properties: {tags: string[]}
}

/** `mount-target-sg-allows-nfs` → `MountTargetSgAllowsNfs` (SARIF's rule `name` is an identifier-like string). */
function ruleName(id: string): string {
  const tail = id.slice(id.indexOf('/') + 1)
  return tail.split(/[^a-zA-Z0-9]+/).filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1)).join('')
}

function ruleOf(check: Pick<Check, 'id' | 'title' | 'description' | 'remediation' | 'docsUrl' | 'severity'>): Rule {
  const docs = check.docsUrl ? `\n\nDocumentation: ${check.docsUrl}` : ''
  const docsMd = check.docsUrl ? `\n\n[Documentation](${check.docsUrl})` : ''
  return {
    id: check.id,
    name: ruleName(check.id),
    shortDescription: {text: check.title},
    fullDescription: {text: check.description || check.title},
    help: {
      text: `${check.remediation}${docs}`,
      markdown: `${check.description ? `${check.description}\n\n` : ''}**Fix:** ${check.remediation}${docsMd}`,
    },
    ...(check.docsUrl ? {helpUri: check.docsUrl} : {}),
    defaultConfiguration: {level: LEVEL[check.severity]},
    properties: {tags: ['efsdoctor', check.id.split('/')[0]]},
  }
}

/** Rules for the catalogue plus any check id a finding names that the catalogue lacks (never an unresolved ruleIndex). */
function rulesFor(report: Report, catalogue: readonly Check[]): Rule[] {
  const rules = catalogue.map(ruleOf)
  const known = new Set(rules.map(r => r.id))
  for (const f of report.findings) {
    if (known.has(f.checkId)) continue
    known.add(f.checkId)
    rules.push(ruleOf({id: f.checkId as Check['id'], title: f.title, description: '', remediation: f.fix?.summary ?? f.title, docsUrl: '', severity: f.severity}))
  }
  return rules
}

/** Encodes one path segment as a URI-reference segment, keeping `:`, `@` and `=` readable. */
const segment = (s: string) => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%40/g, '@').replace(/%3D/gi, '=')

/** Relative file path → URI reference (forward slashes, each segment encoded). */
function fileUri(file: string): string {
  const parts = file.replace(/\\/g, '/').split('/')
  const encoded = parts.map((p, i) => (i === 0 && p === '' ? '' : segment(p))).join('/')
  // NOTE: a first segment with a colon would read as a URI scheme ("C:/x"); prefix "./" there.
  return !encoded.startsWith('/') && parts[0].includes(':') ? `./${encoded}` : encoded
}

export function pseudoPath(f: Finding, region: string | undefined): string {
  const key = keyEntries(f.key).map(([k, v]) => `${k}=${v}`)
  return ['aws', region || 'unknown-region', f.resource.type, f.resource.id, ...key].map(segment).join('/')
}

function messageText(f: Finding): string {
  const parts = [f.message]
  if (f.fix) parts.push(`Fix: ${f.fix.summary}${f.fix.command ? `\n${f.fix.command}` : ''}`)
  return parts.join('\n')
}

/** Where a finding points, as a repository-relative URI reference: its template file, else its pseudo-path. */
export function findingUri(f: Finding, report: Report): string {
  return f.location?.file ? fileUri(f.location.file) : pseudoPath(f, report.scope.region)
}

function locationOf(f: Finding, report: Report) {
  const uri = findingUri(f, report)
  const logical = {
    name: f.location?.logicalId ?? f.resource.id,
    kind: f.resource.type,
    ...(f.resource.arn ? {fullyQualifiedName: f.resource.arn} : {}),
  }
  return {
    physicalLocation: {artifactLocation: {uri}, region: {startLine: f.location?.line && f.location.line > 0 ? f.location.line : 1}},
    logicalLocations: [logical],
  }
}

export const sarifRenderer: Renderer = {
  format: 'sarif',
  extension: 'sarif',
  render(report: Report, ctx: RenderContext): string {
    const rules = rulesFor(report, ctx.catalogue)
    const index = new Map(rules.map((r, i) => [r.id, i]))
    const results = report.findings.filter(f => f.status === 'fail' && !f.ignored).map(f => ({
      ruleId: f.checkId,
      ruleIndex: index.get(f.checkId),
      level: LEVEL[f.severity],
      message: {text: messageText(f)},
      locations: [locationOf(f, report)],
      partialFingerprints: {[`efsdoctor/${FINGERPRINT_SCHEME}`]: fingerprintOf(f)},
      ...(report.baseline ? {baselineState: f.baselined ? 'unchanged' as const : 'new' as const} : {}),
      properties: {resourceType: f.resource.type, resourceId: f.resource.id, severity: f.severity, ...(f.key ? {key: f.key} : {})},
    }))
    const notifications = report.findings.filter(f => f.status === 'unknown' && !f.ignored).map(f => ({
      level: 'warning' as const,
      message: {text: `${f.checkId} could not evaluate ${f.resource.id}: ${f.message}`},
      associatedRule: {id: f.checkId, index: index.get(f.checkId)},
      locations: [locationOf(f, report)],
    }))
    const log = {
      $schema: SCHEMA_URI,
      version: '2.1.0',
      runs: [{
        tool: {driver: {name: 'efsdoctor', version: report.tool.version, semanticVersion: report.tool.version, informationUri: INFORMATION_URI, rules}},
        automationDetails: {id: `efsdoctor/${scopeKey(report)}/`},
        invocations: [{executionSuccessful: true, toolExecutionNotifications: notifications}],
        results,
        properties: {summary: report.summary, scope: report.scope},
      }],
    }
    return JSON.stringify(log, null, 2)
  },
}
