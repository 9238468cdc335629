/**
 * The topology (report/topology.ts) as a Mermaid flowchart for the Markdown report: GitHub draws ```mermaid blocks in
 * step summaries, PR comments and issues. One subgraph per AZ column, file systems and task definitions below;
 * failing links are red (orange when no error-severity check fails there) and labelled with the failing check ids,
 * unknown ones amber, unjudged ones dotted.
 */
import {escapeUnsafe} from '../core/sanitize.js'
import type {Topology, TopoStatus} from './topology.js'

const COLOR: Record<TopoStatus, string> = {fail: '#cf222e', unknown: '#bf8700', pass: '#1a7f37', none: '#8c959f'}
/** A failure of warning or info severity only. */
const WARN = '#d1570b'
type Drawn = TopoStatus | 'warn'
const colorOf = (d: Drawn): string => (d === 'warn' ? WARN : COLOR[d])
const drawn = (x: {status: TopoStatus; failsWithError?: boolean}): Drawn => (x.status === 'fail' && x.failsWithError === false ? 'warn' : x.status)
const MAX_CHARS = 46

/** Text inside a quoted Mermaid label: entity codes for every character Mermaid, Markdown or HTML could read. */
export function mermaidText(text: string): string {
  const flat = escapeUnsafe(text).replace(/\s+/g, ' ')
  const clipped = flat.length > MAX_CHARS ? `${flat.slice(0, MAX_CHARS - 1)}…` : flat
  return clipped.replace(/#/g, '#35;').replace(/&/g, '#38;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')
    .replace(/`/g, '#96;').replace(/\|/g, '#124;')
}

export function mermaidFlowchart(topo: Topology): string {
  const id = new Map(topo.nodes.map((n, i) => [n.id, `n${i}`]))
  const box = (n: Topology['nodes'][number]) => `${id.get(n.id)}["${n.lines.map(mermaidText).join('<br/>')}"]`
  const out = ['```mermaid', 'flowchart TB']
  topo.columns.forEach((c, k) => {
    out.push(`  subgraph az${k}["${mermaidText(c.label)}"]`, '    direction TB')
    for (const n of topo.nodes.filter(x => x.column === c.key)) out.push(`    ${box(n)}`)
    out.push('  end')
  })
  for (const n of topo.nodes.filter(x => !x.column)) out.push(`  ${box(n)}`)
  const styles = new Map<Drawn, number[]>()
  topo.edges.forEach((e, i) => {
    const label = e.status === 'fail' ? e.failing.join(', ') : e.status === 'unknown' ? 'unknown' : ''
    const arrow = e.status === 'none' ? '-.->' : e.status === 'fail' ? '==>' : '-->'
    out.push(`  ${id.get(e.from)} ${arrow}${label ? `|"${label.split(', ').map(mermaidText).join(', ')}"|` : ''} ${id.get(e.to)}`)
    styles.set(drawn(e), [...(styles.get(drawn(e)) ?? []), i])
  })
  for (const [d, idx] of styles) out.push(`  linkStyle ${idx.join(',')} stroke:${colorOf(d)},color:${colorOf(d)}${d === 'fail' || d === 'warn' ? ',stroke-width:3px' : ''}`)
  for (const d of ['fail', 'warn', 'unknown', 'pass'] as const) {
    const members = topo.nodes.filter(n => drawn(n) === d).map(n => id.get(n.id))
    if (members.length) out.push(`  classDef ${d} stroke:${colorOf(d)},stroke-width:${d === 'fail' || d === 'warn' ? 3 : 1.5}px`, `  class ${members.join(',')} ${d}`)
  }
  out.push('```')
  return out.join('\n')
}
