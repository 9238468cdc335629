import type {Renderer} from './renderer.js'

/** The stable JSON contract (schemas/report.schema.json; docs/report.md). */
export const jsonRenderer: Renderer = {
  format: 'json',
  extension: 'json',
  render: report => JSON.stringify(report, null, 2),
}
