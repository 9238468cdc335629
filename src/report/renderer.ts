import type {Check, Report} from '../core/types.js'

export const FORMATS = ['table', 'json', 'junit', 'sarif', 'markdown'] as const
export type Format = typeof FORMATS[number]

export interface RenderContext {
  /** The full catalogue (SARIF rules, JUnit suites for unselected checks). */
  catalogue: readonly Check[]
  color: boolean
  /** Table: list passing and skipped findings too. */
  verbose: boolean
}

/** A renderer is a pure Report → string; one file per format. */
export interface Renderer {
  format: Format
  extension: string
  render(report: Report, ctx: RenderContext): string
}
