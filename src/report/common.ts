/** Small helpers the CI renderers share: areas, resource labels, fix text. */
import {keyLabel} from '../core/identity.js'
import type {Area, Finding, Report} from '../core/types.js'
import {byText} from '../core/order.js'

/** Report order of the areas; any other prefix sorts after these. */
export const AREAS: readonly Area[] = ['efs', 'network', 'ecs', 'userdata', 'host']

export function areaOf(checkId: string): string {
  const i = checkId.indexOf('/')
  return i === -1 ? checkId : checkId.slice(0, i)
}

export function sortAreas(areas: Iterable<string>): string[] {
  const rank = (a: string) => {
    const i = (AREAS as readonly string[]).indexOf(a)
    return i === -1 ? AREAS.length : i
  }
  return [...new Set(areas)].sort((a, b) => rank(a) - rank(b) || byText(a, b))
}

/** `resource-id` plus where it points: `(template.yml:42)`, `(line 12)` or the template logical id. */
export function resourceLabel(f: Finding): string {
  const loc = f.location
  if (!loc) return f.resource.id
  const at = loc.file ? `${loc.file}${loc.line ? `:${loc.line}` : ''}` : loc.line ? `line ${loc.line}` : ''
  const logical = loc.logicalId && loc.logicalId !== f.resource.id ? loc.logicalId : ''
  const extra = [logical, at].filter(Boolean).join(' @ ')
  return extra ? `${f.resource.id} (${extra})` : f.resource.id
}

/**
 * The resource id and the key that tells this finding apart (`fs-1 [az=euw1-az2]`): stable across runs and edits
 * (no line numbers), and distinct for every finding of one check in one report.
 */
export function identityLabel(f: Pick<Finding, 'resource' | 'key'>): string {
  const key = keyLabel(f.key)
  return key ? `${f.resource.id} [${key}]` : f.resource.id
}

/** Message, then the fix summary and command (if any), as plain text. */
export function messageWithFix(f: Finding): string {
  const lines = [f.message]
  if (f.fix) {
    lines.push(`Fix: ${f.fix.summary}`)
    if (f.fix.command) lines.push(f.fix.command)
  }
  return lines.join('\n')
}

/** What was checked, as a stable id: `lint/<template>` or `check/<cluster>` (SARIF category, Code Quality scope). */
export function scopeKey(report: Report): string {
  return report.scope.source === 'template' ? `lint/${report.scope.template ?? 'template'}` : `check/${report.scope.cluster ?? 'cluster'}`
}

/** One line naming what was checked: cluster and region, or the template. */
export function scopeTitle(report: Report): string {
  const s = report.scope
  if (s.source === 'template') return `template ${s.template ?? '?'}`
  const where = [s.region, s.accountId && `account ${s.accountId}`].filter(Boolean).join(', ')
  return `cluster ${s.cluster ?? '?'}${where ? ` (${where})` : ''}`
}

/**
 * The verdict line when nothing failed: "passed" only when something passed. A selection or a snapshot where every
 * check skipped evaluated nothing, and must not read as green.
 */
export function noFailureVerdict(report: Pick<Report, 'summary'>): {evaluated: boolean; text: string} {
  return report.summary.pass > 0
    ? {evaluated: true, text: 'No failures: every check that could look passed.'}
    : {evaluated: false, text: 'Nothing was evaluated: every selected check skipped (--verbose says why), so this run vouches for nothing.'}
}
