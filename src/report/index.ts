/**
 * One renderer per format; adding a format is one file plus one line here. Each renderer module is imported only
 * when its format is asked for, so a run loads the one it prints (the table's cli-table3 and the JUnit renderer's
 * xmlbuilder2 cost a JSON run nothing).
 */
import type {Report} from '../core/types.js'
import type {Format, RenderContext, Renderer} from './renderer.js'

/** A Renderer, or one whose render is asynchronous (html lays its drawing out with elkjs). */
type AnyRenderer = Omit<Renderer, 'render'> & {render(report: Report, ctx: RenderContext): string | Promise<string>}

const loaders: Record<Format, () => Promise<AnyRenderer>> = {
  table: async () => (await import('./table.js')).tableRenderer,
  json: async () => (await import('./json.js')).jsonRenderer,
  junit: async () => (await import('./junit.js')).junitRenderer,
  sarif: async () => (await import('./sarif.js')).sarifRenderer,
  markdown: async () => (await import('./markdown.js')).markdownRenderer,
  html: async () => (await import('./html.js')).htmlRenderer,
  codequality: async () => (await import('./codequality.js')).codequalityRenderer,
}

export const rendererFor = (format: Format): Promise<AnyRenderer> => loaders[format]()

/** Renders in any format, as one string. */
export async function renderReport(format: Format, report: Report, ctx: RenderContext): Promise<string> {
  return (await rendererFor(format)).render(report, ctx)
}

/**
 * Renders in pieces that joined are `renderReport`'s text, for writing as they come: a renderer with `chunks` (JSON)
 * never holds the whole report text in memory.
 */
export async function renderReportChunks(format: Format, report: Report, ctx: RenderContext): Promise<Iterable<string>> {
  const r = await rendererFor(format)
  return r.chunks ? r.chunks(report, ctx) : [await r.render(report, ctx)]
}

export {FORMATS, type Format, type RenderContext, type Renderer} from './renderer.js'
