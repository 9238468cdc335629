import type {Report} from '../core/types.js'
import type {Renderer} from './renderer.js'

/** The stable JSON contract (schemas/report.schema.json; docs/report.md). */
export const jsonRenderer: Renderer = {
  format: 'json',
  extension: 'json',
  render: report => JSON.stringify(report, null, 2),
  chunks: reportJsonChunks,
}

/**
 * Findings stringified per call: one call per finding cost twice the time of the whole report in one. 8, not more:
 * rendering the 330-stack lint report (31 MB) grew the process 66 MB with 64 per call (whole-process peak RSS over
 * 300 MB), 19 MB with 8, in the same CPU time (1,000-instance check report: the same too).
 */
const FINDINGS_PER_STRINGIFY = 8

/** The lengths of `{\n  "findings": [\n` and `\n  ]\n}` around a batch stringified as `{findings: batch}`. */
const WRAP_HEAD = '{\n  "findings": [\n'.length
const WRAP_TAIL = '\n  ]\n}'.length

/**
 * `JSON.stringify(report, null, 2)` in pieces of about 64 KB: the keys before `findings`, then the findings a batch
 * at a time (at their indentation), then the keys after, so a report of 15,000 findings is never one string.
 */
export function* reportJsonChunks(report: Report): Generator<string> {
  const keys = Object.keys(report)
  const at = keys.indexOf('findings')
  if (at === -1 || report.findings.length === 0) {
    yield JSON.stringify(report, null, 2)
    return
  }
  const part = (ks: string[]) => JSON.stringify(Object.fromEntries(ks.map(k => [k, (report as unknown as Record<string, unknown>)[k]])), null, 2)
  // The keys before `findings` as an object without its closing brace, the keys after without its opening one.
  const before = part(keys.slice(0, at))
  let batch = `${before === '{}' ? '{' : `${before.slice(0, -2)},`}\n  "findings": [\n`
  const count = report.findings.length
  for (let i = 0; i < count; i += FINDINGS_PER_STRINGIFY) {
    // NOTE: stringified inside `{"findings": […]}`, the findings come out at the depth (and indentation) they sit at in
    // the whole report: `{\n  "findings": [\n` and `\n  ]\n}` cut off, nothing to re-indent (a replaceAll over every
    // line of the 15 MB a 1,000-instance report writes cost ~20 ms).
    const items = JSON.stringify({findings: report.findings.slice(i, i + FINDINGS_PER_STRINGIFY)}, null, 2).slice(WRAP_HEAD, -WRAP_TAIL)
    batch += `${items}${i + FINDINGS_PER_STRINGIFY < count ? ',' : ''}\n`
    if (batch.length >= 1 << 16) {
      yield batch
      batch = ''
    }
  }
  const after = part(keys.slice(at + 1))
  yield `${batch}  ]${after === '{}' ? '\n}' : `,\n${after.slice(2)}`}`
}
