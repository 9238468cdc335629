/**
 * One self-contained HTML page (nothing loaded from the network; works from file:// and as a CI artifact): the
 * summary, a drawing of the topology (inline SVG laid out by ELK at render time, so the page carries no layout
 * library), and the findings grouped by check with filters and a copy button on each fix command.
 *
 * Imported only for `--output html` (report/index.ts loads it lazily): elkjs is large and --help must stay fast.
 * Every string in the page is escaped and has its control and bidi characters made visible; a Content-Security-Policy
 * allows only this page's own script and style (by hash), so even a missed escape could not run or load anything.
 */
import {createHash} from 'node:crypto'
import ELK from 'elkjs/lib/elk.bundled.js'
import type {ElkExtendedEdge, ElkNode} from 'elkjs/lib/elk-api.js'
import type {Finding, Report, Status} from '../core/types.js'
import {escapeUnsafe} from '../core/sanitize.js'
import {areaOf, noFailureVerdict, resourceLabel, scopeTitle, sortAreas} from './common.js'
import type {RenderContext} from './renderer.js'
import {buildTopology, type Topology, type TopoStatus} from './topology.js'
import {describeScopedFileSystem} from '../model/usage.js'
import {byText} from '../core/order.js'

/** Text for HTML content and attribute values. */
export function esc(text: string): string {
  return escapeUnsafe(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

// NOTE: the drawing uses a monospace font, so a label's width is its length times one character's width.
const CHAR_W = 7.3
const LINE_H = 16
const PAD = 8
const MAX_CHARS = 46
const COLUMN_TOP = 34

const clip = (line: string) => (line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS - 1)}…` : line)
const boxOf = (lines: string[]) => ({
  width: Math.ceil(Math.max(...lines.map(l => clip(l).length), 8) * CHAR_W + 2 * PAD),
  height: lines.length * LINE_H + 2 * PAD - 2,
})

const STATUS_WORD: Record<TopoStatus, string> = {fail: 'fail', unknown: 'unknown', pass: 'pass', none: 'not evaluated'}

interface Placed {
  width: number
  height: number
  svg: string
}

/** Lays the topology out with ELK (layered, top to bottom, one compound node per AZ column) and draws it as SVG. */
export async function drawTopology(topo: Topology, listed: (i: number) => boolean = () => true): Promise<Placed> {
  const refs = (ids: number[]) => {
    const shown = ids.filter(listed)
    return `data-findings="${shown.join(' ')}"${shown.length < ids.length ? ` data-unlisted="${ids.length - shown.length}"` : ''}`
  }
  const columnChildren = new Map<string, ElkNode[]>(topo.columns.map(c => [c.key, []]))
  const rootChildren: ElkNode[] = []
  for (const n of topo.nodes) {
    const elkNode: ElkNode = {id: n.id, ...boxOf(n.lines)}
    const inColumn = n.column ? columnChildren.get(n.column) : undefined
    if (inColumn) inColumn.push(elkNode)
    else rootChildren.push(elkNode)
  }
  const columns: ElkNode[] = topo.columns.map(c => ({
    id: `column:${c.key}`,
    children: columnChildren.get(c.key),
    layoutOptions: {'elk.padding': `[top=${COLUMN_TOP},left=12,bottom=12,right=12]`,
      'elk.nodeSize.minimum': `(${Math.ceil(clip(c.label).length * CHAR_W + 24)},40)`, 'elk.nodeSize.constraints': 'MINIMUM_SIZE'},
  }))
  const edges: ElkExtendedEdge[] = topo.edges.map(e => ({
    id: e.id, sources: [e.from], targets: [e.to],
    labels: e.status === 'fail' ? [{id: `${e.id}#label`, text: e.failing.join('\n'), width: Math.max(...e.failing.map(f => f.length)) * CHAR_W + 8, height: e.failing.length * 14 + 4}] : [],
  }))
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
    },
    children: [...columns, ...rootChildren],
    edges,
  }
  // NOTE: a CommonJS module; under Node16 typing its constructor is the `default` property (set at run time too).
  const laid = await new ELK.default().layout(graph)
  const at = new Map<string, ElkNode>()
  const walk = (n: ElkNode) => { at.set(n.id, n); n.children?.forEach(walk) }
  walk(laid)

  const out: string[] = []
  out.push('<g class="columns">')
  for (const c of topo.columns) {
    const n = at.get(`column:${c.key}`)
    if (!n) continue
    out.push(`<g class="column"><rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="6"/>` +
      `<text x="${(n.x ?? 0) + 12}" y="${(n.y ?? 0) + 22}">${esc(clip(c.label))}</text></g>`)
  }
  out.push('</g><g class="edges">')
  const byId = new Map(topo.nodes.map(n => [n.id, n]))
  topo.edges.forEach((e, i) => {
    const laidEdge = (laid.edges ?? []).find(x => x.id === e.id)
    const d = (laidEdge?.sections ?? []).map(s => `M${[s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map(p => `${round(p.x)},${round(p.y)}`).join('L')}`).join('')
    if (!d) return
    const title = `${byId.get(e.from)?.lines[0] ?? e.from} → ${byId.get(e.to)?.lines[0] ?? e.to}: ${e.meaning} (${STATUS_WORD[e.status]})`
    const label = laidEdge?.labels?.[0]
    const labelSvg = label ? `<rect class="elabel-bg" x="${round(label.x ?? 0)}" y="${round(label.y ?? 0)}" width="${round(label.width ?? 0)}" height="${round(label.height ?? 0)}"/>` +
      `<text class="elabel" x="${round((label.x ?? 0) + 4)}" y="${round((label.y ?? 0) + 13)}">${e.failing.map((f, k) => `<tspan x="${round((label.x ?? 0) + 4)}" dy="${k ? 14 : 0}">${esc(f)}</tspan>`).join('')}</text>` : ''
    out.push(`<g class="edge s-${e.status}${e.failsWithError === false ? ' w-only' : ''}" id="edge-${i}" data-status="${e.status}" data-check="${esc(e.failing.join(' '))}" ${refs(e.findings)} data-title="${esc(title)}" tabindex="0" role="button" aria-label="${esc(title)}">` +
      `<title>${esc(title)}</title><path class="hit" d="${d}"/><path class="line" d="${d}" marker-end="url(#arrow-${e.status})"/>${labelSvg}</g>`)
  })
  out.push('</g><g class="nodes">')
  topo.nodes.forEach((n, i) => {
    const p = at.get(n.id)
    if (!p) return
    const x = round(p.x ?? 0), y = round(p.y ?? 0)
    const title = `${n.lines.join(' · ')} (${STATUS_WORD[n.status]})`
    const text = n.lines.map((l, k) => `<tspan x="${x + PAD}" y="${y + PAD + 12 + k * LINE_H}"${k === 0 ? ' class="t"' : ''}>${esc(clip(l))}</tspan>`).join('')
    out.push(`<g class="node k-${n.kind} s-${n.status}${n.failsWithError === false ? ' w-only' : ''}" id="node-${i}" data-status="${n.status}" ${refs(n.findings)} data-title="${esc(title)}" tabindex="0" role="button" aria-label="${esc(title)}">` +
      `<title>${esc(title)}</title><rect x="${x}" y="${y}" width="${p.width}" height="${p.height}" rx="4"/><text>${text}</text></g>`)
  })
  out.push('</g>')
  const width = Math.ceil(laid.width ?? 0), height = Math.ceil(laid.height ?? 0)
  const markers = (['fail', 'unknown', 'pass', 'none'] as const).map(s =>
    `<marker id="arrow-${s}" class="s-${s}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker>`).join('')
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" class="topology" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="group" aria-label="Topology: hosts to file system, one column per Availability Zone">` +
    `<defs>${markers}</defs>${out.join('')}</svg>`
  return {width, height, svg}
}

const round = (v: number) => Math.round(v * 10) / 10

const STATUS_RANK: Record<Status, number> = {fail: 0, unknown: 1, pass: 2, skipped: 3}

/** Above this many findings, passing and skipped ones are one summary line per check (the page stays small and fast). */
export const LIST_EACH_UP_TO = 1000

/** Whether finding `i` gets its own row (and so can be shown by a click on the drawing). */
export function listedEach(report: Report): (i: number) => boolean {
  if (report.findings.length <= LIST_EACH_UP_TO) return () => true
  return i => {
    const f = report.findings[i]
    return Boolean(f.ignored) || f.status === 'fail' || f.status === 'unknown'
  }
}

const fixKey = (f: Finding) => (f.fix ? JSON.stringify([f.fix.summary, f.fix.command ?? '']) : '')

function fixHtml(f: Finding, id: string): string {
  const fix = f.fix!
  return `<div class="fix" id="${id}"><p><b>Fix:</b> ${esc(fix.summary)}</p>` +
    (fix.command ? `<pre><code>${esc(fix.command)}</code></pre><button type="button" class="copy">Copy</button>` : '') + '</div>'
}

function rowHtml(f: Finding, i: number, fixId: string): string {
  return `<li id="f${i}" class="finding s-${f.status}" data-status="${f.status}" data-severity="${f.severity}"${f.ignored ? ' data-ignored="yes"' : ''}${fixId ? ` data-fix="${fixId}"` : ''}>` +
    `<span class="badge s-${f.status}">${f.status}</span> <code class="res">${esc(resourceLabel(f))}</code> <span class="msg">${esc(f.message)}</span>` +
    (f.ignored ? ` <span class="ignored">Ignored: ${esc(f.ignored.reason)}</span>` : '') + '</li>'
}

/** Passing (or skipped) findings of one check as one line: the count and the first resources. */
function summaryRow(report: Report, ids: number[], status: Status): string {
  const first = report.findings[ids[0]]
  const names = ids.slice(0, 20).map(i => esc(report.findings[i].resource.id)).join(', ')
  return `<li class="finding s-${status}" data-status="${status}" data-severity="${first.severity}"><span class="badge s-${status}">${status}</span> ` +
    `<span class="msg">${ids.length} ${status === 'pass' ? 'passed' : 'skipped'}: ${names}${ids.length > 20 ? `, and ${ids.length - 20} more` : ''}</span></li>`
}

function findingsHtml(report: Report): string {
  const listed = listedEach(report)
  const groups = new Map<string, number[]>()
  report.findings.forEach((f, i) => groups.set(f.checkId, [...(groups.get(f.checkId) ?? []), i]))
  const worst = (ids: number[]) => Math.min(...ids.map(i => (report.findings[i].ignored ? 2 : STATUS_RANK[report.findings[i].status])))
  const areaRank = sortAreas(report.findings.map(f => areaOf(f.checkId)))
  const ordered = [...groups.entries()].sort(([a, x], [b, y]) => worst(x) - worst(y) || areaRank.indexOf(areaOf(a)) - areaRank.indexOf(areaOf(b)) || byText(a, b))
  const out: string[] = []
  let fixes = 0
  for (const [checkId, ids] of ordered) {
    const first = report.findings[ids[0]]
    const counts = (['fail', 'unknown', 'pass', 'skipped'] as const).map(st => [st, ids.filter(i => report.findings[i].status === st).length] as const)
      .filter(([, n]) => n > 0).map(([st, n]) => `${n} ${st}`).join(' · ')
    ids.sort((a, b) => STATUS_RANK[report.findings[a].status] - STATUS_RANK[report.findings[b].status] || a - b)
    const body: string[] = []
    // NOTE: consecutive findings with the same fix share one fix block (and one Copy button) after them.
    let run: number[] = []
    const flush = () => {
      if (run.length === 0) return
      const f = report.findings[run[0]]
      const fixId = f.fix ? `x${fixes++}` : ''
      body.push(`<ul class="rows">${run.map(i => rowHtml(report.findings[i], i, fixId)).join('')}</ul>`)
      if (fixId) body.push(fixHtml(f, fixId))
      run = []
    }
    for (const i of ids.filter(listed)) {
      if (run.length && fixKey(report.findings[run[0]]) !== fixKey(report.findings[i])) flush()
      run.push(i)
    }
    flush()
    for (const st of ['pass', 'skipped'] as const) {
      const rest = ids.filter(i => !listed(i) && report.findings[i].status === st)
      if (rest.length) body.push(`<ul class="rows">${summaryRow(report, rest, st)}</ul>`)
    }
    out.push(`<section class="check" data-check="${esc(checkId)}"><h3><code>${esc(checkId)}</code> <span class="title">${esc(first.title)}</span></h3>` +
      `<p class="counts">${first.severity} · ${counts}</p>${body.join('')}</section>`)
  }
  if (report.findings.length > LIST_EACH_UP_TO) {
    out.push(`<p class="note">More than ${LIST_EACH_UP_TO} findings: passing and skipped ones are one line per check to keep this page small and fast; --output json has each of them.</p>`)
  }
  return out.join('\n')
}

function summaryHtml(report: Report): string {
  const s = report.summary
  const activeFails = report.findings.filter(f => f.status === 'fail' && !f.ignored).length
  const activeUnknown = report.findings.filter(f => f.status === 'unknown' && !f.ignored).length
  const verdict = activeFails > 0 ? ['fail', `${activeFails} failed`] : activeUnknown > 0 ? ['unknown', 'Nothing failed, but some checks could not look'] : noFailureVerdict(report).evaluated ? ['pass', 'No failures: every check that could look passed'] : ['unknown', 'Nothing was evaluated: every selected check skipped, so this run vouches for nothing']
  const lines = [`<p class="verdict s-${verdict[0]}">${esc(verdict[1])}</p>`,
    `<p class="counts">${s.fail} failed · ${s.unknown} unknown · ${s.pass} passed · ${s.skipped} skipped · ${s.ignored} ignored</p>`, '<ul class="scope">']
  const sc = report.scope
  if (sc.snapshotFile) lines.push(`<li>Replayed from <code>${esc(sc.snapshotFile)}</code></li>`)
  if (sc.collectedAt) lines.push(`<li>Collected ${esc(sc.collectedAt)}</li>`)
  // NOTE: the same words as the table's header (who uses it, or why it is in scope), with the id as code.
  for (const fs of sc.fileSystems ?? []) lines.push(`<li>File system <code>${esc(fs.id)}</code>${esc(describeScopedFileSystem(fs).slice(fs.id.length))}</li>`)
  for (const note of sc.notes ?? []) lines.push(`<li>Note: ${esc(note)}</li>`)
  lines.push('</ul>')
  return lines.join('\n')
}

const STYLE = `
:root{--fail:#cf222e;--warn:#d1570b;--unknown:#bf8700;--pass:#1a7f37;--none:#8c959f;--ink:#1f2328;--mute:#59636e;--line:#d1d9e0;font-family:-apple-system,"Segoe UI","DejaVu Sans",sans-serif;color:var(--ink)}
body{margin:0;padding:16px 24px;max-width:1600px}
h1{font-size:20px;margin:0 0 8px}h2{font-size:17px;margin:24px 0 8px}h3{font-size:15px;margin:0 0 4px}
code,pre,svg text{font-family:Menlo,Consolas,"DejaVu Sans Mono",monospace}
.verdict{font-weight:600;font-size:16px;margin:4px 0}.verdict.s-fail{color:var(--fail)}.verdict.s-unknown{color:var(--unknown)}.verdict.s-pass{color:var(--pass)}
.counts{color:var(--mute);margin:2px 0 8px}.scope{color:var(--mute);padding-left:18px}
[hidden]{display:none!important}
.drawing{display:grid;grid-template-columns:minmax(0,1fr);gap:12px;align-items:start}
@media (min-width:1800px){.drawing{grid-template-columns:minmax(0,1fr) 420px}}
.canvas{overflow:auto;border:1px solid var(--line);border-radius:6px;max-height:80vh;background:#fff}
#details{max-height:80vh;overflow:auto;border:1px solid var(--line);border-radius:6px;padding:8px 12px}
.legend{color:var(--mute);font-size:13px;margin:4px 0 8px}.legend span{margin-right:14px}.legend i{display:inline-block;width:22px;height:0;border-top:3px solid;vertical-align:middle;margin-right:4px}
.legend .s-fail i{border-color:var(--fail)}.legend .w-only i{border-color:var(--warn)}.legend .s-unknown i{border-color:var(--unknown)}.legend .s-pass i{border-color:var(--pass)}.legend .s-none i{border-color:var(--none);border-top-style:dashed}
svg.topology{display:block;width:100%;height:auto}
svg .column rect{fill:#f6f8fa;stroke:var(--line)}svg .column text{font-size:13px;font-weight:600;fill:var(--ink)}
svg .node{cursor:pointer}svg .node rect{fill:#fff;stroke:var(--none);stroke-width:1.5}svg .node text{font-size:12px;fill:var(--mute)}svg .node .t{fill:var(--ink);font-weight:600}
svg .node.k-file-system rect{fill:#ddf4ff}svg .node.k-task-definition rect{fill:#fbefff}svg .node.k-mount-target rect{fill:#fff8c5}
svg .node.s-fail rect{stroke:var(--fail);stroke-width:2.5}svg .node.s-fail.w-only rect{stroke:var(--warn)}svg .node.s-unknown rect{stroke:var(--unknown);stroke-width:2}svg .node.s-pass rect{stroke:var(--pass)}
svg .edge{cursor:pointer}svg .edge .hit{stroke:transparent;stroke-width:12;fill:none}svg .edge .line{fill:none;stroke-width:2}
svg .edge.s-fail .line{stroke:var(--fail);stroke-width:3}svg .edge.s-fail.w-only .line{stroke:var(--warn)}svg .edge.s-unknown .line{stroke:var(--unknown)}svg .edge.s-pass .line{stroke:var(--pass)}svg .edge.s-none .line{stroke:var(--none);stroke-dasharray:5 4}
svg marker.s-fail path{fill:var(--fail)}svg marker.s-unknown path{fill:var(--unknown)}svg marker.s-pass path{fill:var(--pass)}svg marker.s-none path{fill:var(--none)}
svg .elabel{font-size:11px;fill:var(--fail);font-weight:600}svg .elabel-bg{fill:#fff;stroke:var(--fail);stroke-width:1}
svg .selected rect,svg .selected .line{filter:drop-shadow(0 0 3px #0969da)}svg .node:focus,svg .edge:focus{outline:none}svg .node:focus rect{stroke:#0969da}
#filters{display:flex;flex-wrap:wrap;gap:6px 18px;margin:8px 0 12px;font-size:14px}#filters fieldset{border:1px solid var(--line);border-radius:6px;padding:4px 10px}
section.check{border-top:1px solid var(--line);padding:10px 0;content-visibility:auto;contain-intrinsic-size:auto 240px}section.check .title{font-weight:400;color:var(--mute)}
.rows{list-style:none;margin:4px 0;padding:0}
.finding{margin:3px 0 3px 8px;padding:2px 8px;border-left:3px solid var(--none)}.finding.s-fail{border-color:var(--fail)}.finding.s-unknown{border-color:var(--unknown)}.finding.s-pass{border-color:var(--pass)}
.finding .msg{white-space:pre-wrap}.finding .res{font-weight:600}.finding .cid{color:var(--mute);font-size:12px}.fix{margin:2px 0 8px 19px}.fix p{margin:2px 0}
.badge{display:inline-block;font-size:12px;font-weight:600;padding:0 6px;border-radius:10px;color:#fff;background:var(--none)}.badge.s-fail{background:var(--fail)}.badge.s-unknown{background:var(--unknown)}.badge.s-pass{background:var(--pass)}
.fix pre{background:#f6f8fa;border:1px solid var(--line);border-radius:6px;padding:6px 8px;margin:4px 0;overflow:auto;white-space:pre-wrap;word-break:break-all}
button.copy{font-size:12px;padding:2px 10px;cursor:pointer}.ignored{color:var(--mute)}.note{color:var(--mute)}
footer{color:var(--mute);font-size:12px;margin-top:24px}
`

// NOTE: interactivity only (filters, the details panel, copy); the drawing is complete without it.
const SCRIPT = `(function(){
var $=function(s,r){return (r||document).querySelector(s)},$$=function(s,r){return Array.prototype.slice.call((r||document).querySelectorAll(s))};
var filters=$('#filters');
function apply(){var on={},used={};$$('input:checked',filters).forEach(function(i){on[i.value]=1});
$$('#findings .finding').forEach(function(f){var st=f.dataset.ignored?'ignored':f.dataset.status;f.hidden=!(on[st]&&on[f.dataset.severity]);if(!f.hidden&&f.dataset.fix)used[f.dataset.fix]=1});
$$('#findings .fix').forEach(function(x){x.hidden=!used[x.id]});
$$('#findings ul.rows').forEach(function(u){u.hidden=!u.querySelector('.finding:not([hidden])')});
$$('#findings section.check').forEach(function(g){g.hidden=!g.querySelector('.finding:not([hidden])')});}
filters.addEventListener('change',apply);apply();
var panel=$('#details'),list=$('#details-list'),LIMIT=200,RANK={fail:0,unknown:1,pass:2,skipped:3};
function note(text){var p=document.createElement('p');p.className='note';p.textContent=text;list.append(p)}
function show(el){$$('svg .selected').forEach(function(e){e.classList.remove('selected')});el.classList.add('selected');
$('#details-title').textContent=el.dataset.title;list.replaceChildren();
var rows=(el.dataset.findings||'').split(' ').filter(Boolean).map(function(id){return document.getElementById('f'+id)}).filter(Boolean);
rows.sort(function(a,b){return RANK[a.dataset.status]-RANK[b.dataset.status]});
var unlisted=Number(el.dataset.unlisted||0);
if(!rows.length&&!unlisted)note('No check judged this: not evaluated.');
var ul=document.createElement('ul');ul.className='rows';list.append(ul);var fixes=[];
rows.slice(0,LIMIT).forEach(function(src){var c=src.cloneNode(true);c.removeAttribute('id');c.hidden=false;
var cid=document.createElement('code');cid.className='cid';cid.textContent=src.closest('section.check').dataset.check;c.prepend(cid,' ');ul.append(c);
if(src.dataset.fix&&fixes.indexOf(src.dataset.fix)<0)fixes.push(src.dataset.fix)});
fixes.forEach(function(id){var x=document.getElementById(id).cloneNode(true);x.removeAttribute('id');x.hidden=false;list.append(x)});
if(rows.length>LIMIT)note((rows.length-LIMIT)+' more: see the list below.');
if(unlisted)note(unlisted+' passing or skipped findings are counted in the list below, not listed one by one.');
panel.hidden=false;}
var svg=$('svg.topology');
if(svg){svg.addEventListener('click',function(e){var el=e.target.closest('.edge,.node');if(el)show(el)});
svg.addEventListener('keydown',function(e){if(e.key!=='Enter'&&e.key!==' ')return;var el=e.target.closest('.edge,.node');if(el){e.preventDefault();show(el)}});}
document.addEventListener('click',function(e){var b=e.target.closest('button.copy');if(!b)return;
var text=b.closest('.fix').querySelector('code').textContent;
function done(ok){b.textContent=ok?'Copied':'Copy failed: select the text';b.dataset.copied=ok?'yes':'no'}
function fallback(){var t=document.createElement('textarea');t.value=text;document.body.append(t);t.select();var ok=false;try{ok=document.execCommand('copy')}catch(x){}t.remove();done(ok)}
if(navigator.clipboard&&window.isSecureContext)navigator.clipboard.writeText(text).then(function(){done(true)},fallback);else fallback();});
})();`

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`

const FILTERS = `<form id="filters" aria-label="Filter findings">
<fieldset><legend>Status</legend>${[['fail', true], ['unknown', true], ['pass', false], ['skipped', false], ['ignored', true]]
  .map(([v, on]) => `<label><input type="checkbox" name="status" value="${v}"${on ? ' checked' : ''}> ${v}</label>`).join(' ')}</fieldset>
<fieldset><legend>Severity</legend>${['error', 'warning', 'info'].map(v => `<label><input type="checkbox" name="severity" value="${v}" checked> ${v}</label>`).join(' ')}</fieldset>
</form>`

export const htmlRenderer = {
  format: 'html' as const,
  extension: 'html',
  async render(report: Report, ctx: RenderContext): Promise<string> {
    const title = `efsdoctor: ${scopeTitle(report)}`
    let drawing = '<p class="note">No snapshot was given to this renderer, so there is no drawing.</p>'
    let style = STYLE
    if (ctx.snapshot) {
      const topo = buildTopology(report, ctx.snapshot)
      if (topo.nodes.length === 0) drawing = '<p class="note">Nothing to draw: no hosts, mount targets or file systems in scope.</p>'
      else {
        const {svg, width} = await drawTopology(topo, listedEach(report))
        // NOTE: shrink to fit the window down to 70% (labels stay legible), scroll beyond; never enlarge.
        style += `svg.topology{min-width:${Math.round(width * 0.7)}px;max-width:${width}px}\n`
        drawing = `<p class="legend"><span class="s-fail"><i></i>fail (error)</span><span class="s-fail w-only"><i></i>fail (warning or info only)</span><span class="s-unknown"><i></i>unknown</span><span class="s-pass"><i></i>pass</span><span class="s-none"><i></i>not evaluated</span>` +
          `Click a link or a box for its findings.${topo.aggregated ? ` Groups of more than a few instances with the same subnet and security groups are one box.` : ''}</p>` +
          `<div class="drawing"><div class="canvas">${svg}</div><aside id="details" hidden aria-live="polite"><h3 id="details-title"></h3><div id="details-list"></div></aside></div>`
      }
    }
    const csp = `default-src 'none'; style-src ${sha256(style)}; script-src ${sha256(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${style}</style>
</head>
<body>
<header><h1>${esc(title)}</h1>
${summaryHtml(report)}
</header>
<main>
<h2>Topology</h2>
${drawing}
<h2>Findings</h2>
${FILTERS}
<div id="findings">
${findingsHtml(report)}
</div>
</main>
<footer>efsdoctor ${esc(report.tool.version)}</footer>
<script>${SCRIPT}</script>
</body>
</html>
`
  },
}
