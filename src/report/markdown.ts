/**
 * GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` and PR comments: what was checked, one count line,
 * a table of failures, each fix with its command in a collapsible block, then unknowns and ignored findings.
 */
import {describeUses} from '../model/usage.js'
import type {Finding, Report, Severity} from '../core/types.js'
import {identityLabel, noFailureVerdict, resourceLabel, scopeTitle} from './common.js'
import {mermaidFlowchart} from './mermaid.js'
import type {RenderContext, Renderer} from './renderer.js'
import {buildTopology} from './topology.js'
import {byText} from '../core/order.js'

const SEVERITY_ORDER: Record<Severity, number> = {error: 0, warning: 1, info: 2}
const ICON: Record<Severity, string> = {error: '🔴', warning: '🟠', info: '🔵'}

/**
 * Markdown's own syntax in untrusted text, backslash-escaped: links and images (`![img](…)`), emphasis,
 * strike-through, table pipes and the escape itself. `&`, `<`, `>` become entities (no raw HTML). Backticks stay:
 * fix summaries quote commands in code spans, and nothing inside a code span is a link or an image.
 */
export function mdEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/[\\*_[\]!|~]/g, c => `\\${c}`)
}

/** Text safe inside a table cell: no raw HTML, no markdown syntax, no column breaks, no line breaks. */
export function cell(text: string): string {
  return mdEscape(text).replace(/\r?\n/g, '<br>')
}

/** Inline code that survives backticks in the text (fence one longer than the longest run). */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ')
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map(r => r.length))
  const fence = '`'.repeat(longest + 1)
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${flat}${pad}${fence}`
}

function codeBlock(text: string, lang = 'sh'): string {
  const longest = Math.max(0, ...(text.match(/`{3,}/g) ?? []).map(r => r.length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${lang}\n${text}\n${fence}`
}

/** Plain text for a list item or summary line: HTML-escaped, on one line. */
const inline = (text: string) => mdEscape(text).replace(/\r?\n/g, ' ')

/** Failures grouped by the fix they share (same check, same fix), in report order: each fix is printed once. */
function fixGroups(fails: Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>()
  for (const f of fails) {
    if (!f.fix) continue
    const k = `${f.checkId}\u0000${JSON.stringify(f.fix)}`
    const g = groups.get(k)
    if (g) g.push(f)
    else groups.set(k, [f])
  }
  return [...groups.values()]
}

function fixBlock(group: Finding[], n: number): string[] {
  const f = group[0]
  const who = group.length === 1 ? resourceLabel(f) : `${group.length} findings: ${group.map(resourceLabel).join(', ')}`
  const lines = ['<details>', `<summary>Fix ${n} · ${inline(`${f.checkId} — ${who}`)}</summary>`, '', inline(f.fix!.summary), '']
  if (f.fix!.command) lines.push(codeBlock(f.fix!.command), '')
  lines.push('</details>')
  return lines
}

export const markdownRenderer: Renderer = {
  format: 'markdown',
  extension: 'md',
  render(report: Report, ctx: RenderContext): string {
    const s = report.summary
    const active = (st: Finding['status']) => report.findings.filter(f => f.status === st && !f.ignored && !f.baselined)
    const fails = active('fail').sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || byText(a.checkId, b.checkId))
    const unknowns = active('unknown')
    const ignored = report.findings.filter(f => f.ignored)
    const baselined = report.findings.filter(f => f.baselined && !f.ignored)
    const b = report.baseline
    const out: string[] = [`## efsdoctor: ${inline(scopeTitle(report))}`, '']
    if (report.scope.snapshotFile) out.push(`Replayed from ${code(report.scope.snapshotFile)}.`, '')
    for (const fs of report.scope.fileSystems ?? []) {
      const why = fs.usedBy?.length && !fs.candidate ? `used by ${describeUses(fs.usedBy)}` : `${fs.candidate ? 'candidate, may not be used by this cluster: ' : ''}${fs.reasons.join('; ') || 'in scope'}`
      out.push(`- File system ${code(fs.id)}: ${inline(why)}`)
    }
    if (report.scope.fileSystems?.length) out.push('')
    const verdict = fails.length > 0 ? '❌' : unknowns.length > 0 ? '⚠️' : '✅'
    out.push(`${verdict} **${fails.length} failed** · ${unknowns.length} unknown · ${s.pass} passed · ${s.skipped} skipped · ${s.ignored} ignored` +
      (b ? ` · ${baselined.length} baselined · ${b.fixed.length} fixed (baseline ${code(b.file)})` : ''), '')
    const topo = ctx.snapshot ? buildTopology(report, ctx.snapshot) : undefined
    if (topo && topo.nodes.length > 0) out.push('<details open><summary>Topology: hosts to file system by Availability Zone (red = a failing link, orange = only warnings fail there; labelled with the check)</summary>', '', mermaidFlowchart(topo), '', '</details>', '')

    if (fails.length > 0) {
      // NOTE: every failure row names its fix; findings that share one fix point at the same block, printed once.
      const groups = fixGroups(fails)
      const fixOf = new Map(groups.flatMap((g, i) => g.map(f => [f, i + 1] as const)))
      const fixCell = (f: Finding) => {
        const n = fixOf.get(f)
        if (n === undefined) return '—'
        const size = groups[n - 1].length
        return size > 1 ? `Fix ${n} (shared by ${size})` : `Fix ${n}`
      }
      out.push(`### Failures (${fails.length})`, '', '| Severity | Check | Resource | Message | Fix |', '| --- | --- | --- | --- | --- |')
      for (const f of fails) out.push(`| ${ICON[f.severity]} ${f.severity} | ${code(f.checkId)} | ${cell(resourceLabel(f))} | ${cell(f.message)} | ${fixCell(f)} |`)
      out.push('', '### Fixes', '')
      groups.forEach((g, i) => out.push(...fixBlock(g, i + 1), ''))
    } else {
      out.push(noFailureVerdict(report).text.replace(' (--verbose says why)', ''), '')
    }
    if (unknowns.length > 0) {
      out.push(`### Could not evaluate (${unknowns.length})`, '')
      for (const f of unknowns) out.push(`- ${code(f.checkId)} — ${inline(resourceLabel(f))}: ${inline(f.message)}`)
      out.push('')
    }
    if (ignored.length > 0) {
      out.push(`### Ignored (${ignored.length})`, '')
      for (const f of ignored) out.push(`- ${code(f.checkId)} — ${inline(resourceLabel(f))} (${f.status}): ${inline(f.ignored?.reason ?? '')}`)
      out.push('')
    }
    if (baselined.length > 0) {
      out.push(`### Baselined (${baselined.length})`, '', 'Already failing in the baseline; they do not fail this run.', '')
      for (const f of baselined) out.push(`- ${code(f.checkId)} — ${inline(resourceLabel(f))} (${f.status}): ${inline(f.message)}`)
      out.push('')
    }
    if (b?.fixed.length) {
      out.push(`### Fixed since the baseline (${b.fixed.length})`, '')
      for (const f of b.fixed) out.push(`- ✅ ${code(f.checkId)} — ${inline(identityLabel(f))}: was ${inline(f.message)}`)
      out.push('')
    }
    out.push(`<sub>efsdoctor ${inline(report.tool.version)}${report.scope.collectedAt ? ` · collected ${inline(report.scope.collectedAt)}` : ''}</sub>`)
    return out.join('\n') + '\n'
  },
}
