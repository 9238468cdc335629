/**
 * Human report for a terminal: context first, then failures (errors before warnings) each with its fix,
 * then what could not be evaluated, then a per-check overview table and one summary line.
 */
import Table from 'cli-table3'
import type {Finding, Report, Severity, Status} from '../core/types.js'
import {identityLabel, noFailureVerdict} from './common.js'
import {describeScopedFileSystem} from '../model/usage.js'
import type {RenderContext, Renderer} from './renderer.js'
import {wrapCommand, wrapProse} from './wrap.js'
import {pushTo} from '../core/group.js'
import {byText} from '../core/order.js'

const ANSI = {red: 31, yellow: 33, green: 32, cyan: 36, dim: 2, bold: 1} as const
type Color = keyof typeof ANSI

const SEVERITY_ORDER: Record<Severity, number> = {error: 0, warning: 1, info: 2}
export const MARK: Record<Status, string> = {fail: '✖', unknown: '?', pass: '✔', skipped: '-'}
/**
 * The columns string-width gives each mark (held to it in test/report/string-width.test.ts): a title is wrapped with that many
 * ASCII placeholders in the mark's place, so a title of plain words takes the fast path of wrapProse instead of
 * building string-width's segmenter (~10 ms) for the mark alone.
 */
export const MARK_COLUMNS: Record<Status, number> = {fail: 2, unknown: 1, pass: 2, skipped: 1}

function painter(enabled: boolean) {
  return (color: Color, text: string) => (enabled ? `\u001B[${ANSI[color]}m${text}\u001B[0m` : text)
}

function where(f: Finding): string {
  const loc = f.location
  if (!loc) return f.resource.id
  const file = loc.file ? `${loc.file}${loc.line ? `:${loc.line}` : ''}` : loc.line ? `line ${loc.line}` : ''
  return [loc.logicalId ?? f.resource.id, file].filter(Boolean).join(' @ ')
}

function header(report: Report): string[] {
  const s = report.scope
  const what = s.source === 'template'
    ? `template ${s.template}`
    : `cluster ${s.cluster ?? '?'} (${[s.region, s.accountId && `account ${s.accountId}`].filter(Boolean).join(', ')})`
  const lines = [clip(`efsdoctor ${report.tool.version} — ${what}${s.snapshotFile ? `, replayed from ${s.snapshotFile}` : ''}`)]
  if (s.collectedAt && s.source !== 'template') lines.push(`Collected ${s.collectedAt}`)
  // NOTE: ids, paths and names in usedBy come from AWS or a host: no control character reaches the terminal.
  for (const fs of s.fileSystems ?? []) lines.push(clip(`File system ${describeScopedFileSystem(fs)}`.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')))
  for (const note of s.notes ?? []) lines.push(clip(`Note: ${note}`))
  return lines
}

/** Resources named in a grouped line before "… and N more". */
const GROUP_NAMES = 3

/**
 * Unknowns of one check whose messages differ only in the resource they name (one probe that could not run, read by
 * every host check of every host) as one finding each group, named "i-1, i-2, i-3 and 11 more": the cause is shown
 * once instead of a screen per host. A group needs 3 or more; --verbose lists every one.
 */
function groupAlike(list: Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>()
  for (const f of list) pushTo(groups, `${f.checkId}\0${f.message.replaceAll(f.resource.id, '\0')}\0${f.location ? JSON.stringify(f.location) : ''}`, f)
  return [...groups.values()].flatMap(g => {
    if (g.length < 3) return g
    const names = g.slice(0, GROUP_NAMES).map(f => f.resource.id).join(', ')
    return [{...g[0], resource: {...g[0].resource, id: `${names} and ${g.length - GROUP_NAMES} more (the same for each; --verbose lists them)`}}]
  })
}

/**
 * Text longer than a screen's worth (an id, a path or a message carrying megabytes of what AWS, a template or a host
 * gave) is cut, saying how much is left out; the JSON report keeps all of it. Never inside a surrogate pair.
 */
export const MAX_SHOWN = 2000
export function clip(text: string): string {
  if (text.length <= MAX_SHOWN) return text
  const end = /[\uD800-\uDBFF]/.test(text[MAX_SHOWN - 1]) ? MAX_SHOWN - 1 : MAX_SHOWN
  return `${text.slice(0, end)}… (${text.length - end} more characters; --output json has them all)`
}

/** How a finding's fix is shown: in full, or as a pointer to the fix its group shares (printed after the last one). */
type FixShown = {kind: 'full'} | {kind: 'shared'; count: number}

function block(f: Finding, paint: ReturnType<typeof painter>, width: number, fix: FixShown): string[] {
  const color: Color = f.status === 'fail' ? (f.severity === 'error' ? 'red' : f.severity === 'warning' ? 'yellow' : 'cyan') : f.status === 'unknown' ? 'yellow' : 'dim'
  const sev = f.status === 'fail' ? f.severity.padEnd(7) : f.status.padEnd(7)
  const cols = MARK_COLUMNS[f.status]
  const title = `${'x'.repeat(cols)} ${sev} ${f.checkId}  ${clip(where(f))}${f.ignored ? `  [ignored: ${clip(f.ignored.reason)}]` : ''}${f.baselined ? '  [baselined]' : ''}`
  const [first, ...rest] = wrapProse(title, width, 0, 4)
  const lines = [paintTitle(`${MARK[f.status]}${first.slice(cols)}`, f, paint, color), ...rest]
  lines.push(...wrapProse(clip(f.message), width, 4, 2))
  if (f.fix && fix.kind === 'shared') lines.push(`    ${paint('green', 'fix:')} see below, shared by ${fix.count} findings`)
  else if (f.fix) {
    const [head, ...more] = wrapProse(`fix: ${clip(f.fix.summary)}`, width, 4, 2)
    lines.push(head.replace('fix:', paint('green', 'fix:')), ...more)
    // NOTE: a command is never cut (pasted, a cut one would do something else): one too long is not printed.
    if (f.fix.command && f.fix.command.length > MAX_SHOWN) lines.push(`      (a command of ${f.fix.command.length} characters: --output json has it)`)
    else if (f.fix.command) for (const l of f.fix.command.split('\n')) lines.push(...wrapCommand(l, width, 6).map(w => paint('cyan', w)))
  }
  return lines
}

/** Colours the mark and severity of a finding's first line, and bolds its check id (after wrapping, so widths stay true). */
function paintTitle(line: string, f: Finding, paint: ReturnType<typeof painter>, color: Color): string {
  const head = line.slice(0, 10)
  const rest = line.slice(10)
  return `${paint(color, head.trimEnd())}${head.slice(head.trimEnd().length)}${rest.startsWith(f.checkId) ? paint('bold', f.checkId) + rest.slice(f.checkId.length) : rest}`
}

/**
 * Findings per check and status. Without --verbose, checks whose every finding was skipped (an offline lint skips the
 * host and live-state checks) are counted in one line under the table instead of a row each.
 */
function overview(report: Report, verbose: boolean, width: number): {table?: string; note?: string} {
  const table = new Table({head: ['check', 'pass', 'fail', 'unknown', 'skipped'], style: {head: [], border: [], compact: true}})
  const rows = new Map<string, Record<Status, number>>()
  for (const f of report.findings) {
    const row = rows.get(f.checkId) ?? {pass: 0, fail: 0, unknown: 0, skipped: 0}
    row[f.status]++
    rows.set(f.checkId, row)
  }
  let allSkipped = 0
  const shown: [string, Record<Status, number>][] = []
  for (const [id, r] of rows) {
    if (!verbose && r.pass + r.fail + r.unknown === 0) allSkipped++
    else shown.push([id, r])
  }
  for (const [id, r] of shown) table.push([id, r.pass || '', r.fail || '', r.unknown || '', r.skipped || ''])
  let text = shown.length ? table.toString() : undefined
  // NOTE: the boxed table is as wide as the longest check id plus four columns (~76); on a narrower terminal each
  // check is a line of its own instead, so nothing runs past the edge.
  if (text && text.indexOf('\n') > width) {
    text = shown.map(([id, r]) => `${id}: ${(['pass', 'fail', 'unknown', 'skipped'] as const).filter(k => r[k]).map(k => `${r[k]} ${k}`).join(', ')}`).join('\n')
  }
  return {
    ...(text ? {table: text} : {}),
    ...(allSkipped ? {note: `${allSkipped} ${shown.length ? 'more ' : ''}${allSkipped === 1 ? 'check' : 'checks'} skipped every resource: --verbose lists them with the reason`} : {}),
  }
}

function sameFix(a: Finding, b?: Finding): boolean {
  return Boolean(b && a.fix && b.checkId === a.checkId && JSON.stringify(a.fix) === JSON.stringify(b.fix))
}

export const tableRenderer: Renderer = {
  format: 'table',
  extension: 'txt',
  render(report: Report, ctx: RenderContext): string {
    const paint = painter(ctx.color)
    const width = ctx.width ?? 80
    const out: string[] = [...header(report).flatMap(l => wrapProse(l, width, 0, 2)), '']
    const byStatus = (st: Status) => report.findings.filter(f => f.status === st)
    const fails = byStatus('fail').sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || byText(a.checkId, b.checkId))
    const unknowns = byStatus('unknown')
    const sections: [string, Finding[]][] = [['Failed', fails], ['Could not evaluate', ctx.verbose ? unknowns : groupAlike(unknowns)]]
    if (ctx.verbose) sections.push(['Passed', byStatus('pass')], ['Skipped', byStatus('skipped')])
    for (const [title, list] of sections) {
      if (list.length === 0) continue
      out.push(paint('bold', `${title} (${title === 'Could not evaluate' ? unknowns.length : list.length})`))
      // NOTE: consecutive findings of one check with the same fix print that fix once, after the last of them; the
      // ones before say so ("see below, shared by N findings").
      let i = 0
      while (i < list.length) {
        let j = i
        while (sameFix(list[j], list[j + 1])) j++
        for (let k = i; k <= j; k++) out.push(...block(list[k], paint, width, k < j ? {kind: 'shared', count: j - i + 1} : {kind: 'full'}))
        i = j + 1
      }
      out.push('')
    }
    if (fails.length === 0 && byStatus('unknown').length === 0) {
      const v = noFailureVerdict(report)
      out.push(paint(v.evaluated ? 'green' : 'yellow', v.text), '')
    }
    const b = report.baseline
    if (b?.fixed.length) {
      out.push(paint('bold', `Fixed since the baseline (${b.fixed.length})`))
      for (const f of b.fixed) out.push(`${paint('green', '✔ fixed  ')} ${paint('bold', f.checkId)}  ${identityLabel(f)}`, ...wrapProse(`was: ${f.message}`, width, 4, 2))
      out.push('')
    }
    const {table, note} = overview(report, Boolean(ctx.verbose), width)
    if (table) out.push(table)
    if (note) out.push(...wrapProse(note, width, 0, 2))
    out.push('')
    const s = report.summary
    out.push(...wrapProse(`${s.pass} passed, ${s.fail} failed, ${s.unknown} unknown, ${s.skipped} skipped${s.ignored ? `, ${s.ignored} ignored` : ''}` +
      (b ? `; against baseline ${b.file}: ${b.new} new, ${s.baselined ?? 0} baselined, ${b.fixed.length} fixed` : '') +
      (ctx.verbose ? '' : ' (--verbose lists passes)'), width, 0, 2))
    return out.join('\n')
  },
}
