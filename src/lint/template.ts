/**
 * Reads a CloudFormation template (YAML with short tags, or JSON) into plain data in the long form (`{Ref: X}`,
 * `{'Fn::Sub': …}`), keeping the line of every mapping key and the line where each string value's content starts.
 * Pure apart from the error it throws for bad input.
 */
import {isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type ScalarTag, type CollectionTag} from 'yaml'
import {UsageError} from '../core/errors.js'

export type Json = string | number | boolean | null | Json[] | {[k: string]: Json}

export interface ParsedTemplate {
  format: 'yaml' | 'json'
  body: Record<string, Json>
  /** Path (keys joined by '/', sequence indexes as numbers) → 1-based line of the key or item. */
  lines: Map<string, number>
  /** Path → 1-based line of the first content line of a string value (the line after `|` for block scalars). */
  contentLines: Map<string, number>
  /** Paths of block scalars (`|`, `>`): their text lines are template lines; other strings sit on one line. */
  blockScalars: Set<string>
}

/** Short-form functions: `!Name` → `Fn::Name` (except Ref and Condition). */
const FUNCTIONS = ['Ref', 'Condition', 'Sub', 'GetAtt', 'Base64', 'Join', 'Select', 'Split', 'If', 'Equals', 'Not', 'And',
  'Or', 'FindInMap', 'ImportValue', 'GetAZs', 'Cidr', 'Transform', 'Length', 'ToJsonString']

const keep = (v: unknown) => v
/** Every short tag on scalars, sequences and mappings; the walker below reads `node.tag` itself. */
export const CFN_TAGS: (ScalarTag | CollectionTag)[] = FUNCTIONS.flatMap(name => [
  {tag: `!${name}`, resolve: keep} as ScalarTag,
  {tag: `!${name}`, collection: 'seq', resolve: keep} as CollectionTag,
  {tag: `!${name}`, collection: 'map', resolve: keep} as CollectionTag,
])

const longKey = (tag: string): string => ['!Ref', '!Condition'].includes(tag) ? tag.slice(1) : `Fn::${tag.slice(1)}`

function longForm(tag: string, value: Json): Json {
  const name = tag.slice(1)
  if (name === 'Ref' || name === 'Condition') return {[name]: value}
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.')
    return {'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)]}
  }
  return {[`Fn::${name}`]: value}
}

export function parseTemplate(text: string, file: string): ParsedTemplate {
  const lc = new LineCounter()
  const doc = parseDocument(text, {lineCounter: lc, customTags: CFN_TAGS, uniqueKeys: false, strict: false})
  if (doc.errors.length) {
    const e = doc.errors[0]
    const at = e.linePos?.[0] ? ` (line ${e.linePos[0].line})` : ''
    throw new UsageError(`${file} is not a valid YAML or JSON template${at}: ${e.message.split('\n')[0]}`)
  }
  const lines = new Map<string, number>()
  const contentLines = new Map<string, number>()
  const blockScalars = new Set<string>()
  const lineOf = (n: {range?: [number, number, number] | null} | null | undefined) => n?.range ? lc.linePos(n.range[0]).line : undefined

  const walk = (node: unknown, path: string): Json => {
    if (isAlias(node)) return walk(node.resolve(doc), path)
    const tag = (node as {tag?: string} | null)?.tag
    const fn = tag?.startsWith('!') && FUNCTIONS.includes(tag.slice(1)) ? tag : undefined
    // Children of a short-tagged node live under its long-form key, as if the template had been written long-form.
    const here = fn ? `${path}/${longKey(fn)}` : path
    let value: Json
    if (isMap(node)) {
      const out: Record<string, Json> = {}
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
        const p = here ? `${here}/${key}` : key
        const l = lineOf(pair.key as Node)
        if (l !== undefined) lines.set(p, l)
        out[key] = walk(pair.value, p)
      }
      value = out
    } else if (isSeq(node)) {
      value = node.items.map((item, i) => {
        const p = `${here}/${i}`
        const l = lineOf(item as Node)
        if (l !== undefined) lines.set(p, l)
        return walk(item, p)
      })
    } else if (isScalar(node)) {
      const v = node.value
      value = v === undefined ? null : (v as Json)
      const l = lineOf(node)
      if (typeof v === 'string' && l !== undefined) {
        const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED'
        contentLines.set(here, block ? l + 1 : l)
        if (block) blockScalars.add(here)
      }
    } else {
      value = null
    }
    return fn ? longForm(fn, value) : value
  }

  const body = walk(doc.contents, '')
  const format = /^\s*[{[]/.test(text) ? 'json' : 'yaml'
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new UsageError(`${file} is not a CloudFormation template (expected a mapping at the top)`)
  }
  const resources = body.Resources
  if (!resources || typeof resources !== 'object' || Array.isArray(resources) || Object.keys(resources).length === 0) {
    throw new UsageError(`${file} is not a CloudFormation template: it has no Resources`)
  }
  return {format, body, lines, contentLines, blockScalars}
}
