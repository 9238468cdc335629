/** One renderer per format; adding a format is one file plus one line here. */
import {UsageError} from '../core/errors.js'
import {jsonRenderer} from './json.js'
import {junitRenderer} from './junit.js'
import {markdownRenderer} from './markdown.js'
import type {Format, Renderer} from './renderer.js'
import {sarifRenderer} from './sarif.js'
import {tableRenderer} from './table.js'

export const renderers: Partial<Record<Format, Renderer>> = {
  table: tableRenderer,
  json: jsonRenderer,
  junit: junitRenderer,
  sarif: sarifRenderer,
  markdown: markdownRenderer,
}

export function rendererFor(format: Format): Renderer {
  const r = renderers[format]
  if (!r) throw new UsageError(`output format "${format}" is not available in this build`)
  return r
}

export {FORMATS, type Format, type RenderContext, type Renderer} from './renderer.js'
