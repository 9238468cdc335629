/** One renderer per format; adding a format is one file plus one line here. */
import {UsageError} from '../core/errors.js'
import type {Report} from '../core/types.js'
import {codequalityRenderer} from './codequality.js'
import {jsonRenderer} from './json.js'
import {junitRenderer} from './junit.js'
import {markdownRenderer} from './markdown.js'
import type {Format, RenderContext, Renderer} from './renderer.js'
import {sarifRenderer} from './sarif.js'
import {tableRenderer} from './table.js'

export const renderers: Partial<Record<Format, Renderer>> = {
  table: tableRenderer,
  json: jsonRenderer,
  junit: junitRenderer,
  sarif: sarifRenderer,
  markdown: markdownRenderer,
  codequality: codequalityRenderer,
}

export function rendererFor(format: Format): Renderer {
  const r = renderers[format]
  if (!r) throw new UsageError(`output format "${format}" is not available in this build`)
  return r
}

/** Renders in any format; html is imported only when asked for (its layout library is large). */
export async function renderReport(format: Format, report: Report, ctx: RenderContext): Promise<string> {
  if (format === 'html') return (await import('./html.js')).htmlRenderer.render(report, ctx)
  return rendererFor(format).render(report, ctx)
}

export {FORMATS, type Format, type RenderContext, type Renderer} from './renderer.js'
