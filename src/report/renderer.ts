import type {Check, Report} from '../core/types.js'
import type {Snapshot} from '../model/snapshot.js'

export const FORMATS = ['table', 'json', 'junit', 'sarif', 'markdown', 'html', 'codequality'] as const
export type Format = typeof FORMATS[number]

export interface RenderContext {
  /** The full catalogue (SARIF rules, JUnit suites for unselected checks). */
  catalogue: readonly Check[]
  color: boolean
  /** Table: list passing and skipped findings too. */
  verbose: boolean
  /** The snapshot the report was made from (check, lint): what the HTML and Markdown drawings show. */
  snapshot?: Snapshot
  /** Table: the columns to fit (terminal width, COLUMNS, or 80). */
  width?: number
}

/** A renderer is a pure Report → string; one file per format. */
export interface Renderer {
  format: Format
  extension: string
  render(report: Report, ctx: RenderContext): string
  /** The same text in pieces, for renderers whose output grows with the report (written as they come). */
  chunks?(report: Report, ctx: RenderContext): Iterable<string>
}
