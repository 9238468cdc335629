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
  const last = report.findings.length - 1
  for (let i = 0; i <= last; i++) {
    batch += `    ${JSON.stringify(report.findings[i], null, 2).replaceAll('\n', '\n    ')}${i < last ? ',' : ''}\n`
    if (batch.length >= 1 << 16) {
      yield batch
      batch = ''
    }
  }
  const after = part(keys.slice(at + 1))
  yield `${batch}  ]${after === '{}' ? '\n}' : `,\n${after.slice(2)}`}`
}
