/**
 * Reads a CloudFormation template (YAML with short tags, or JSON) into plain data in the long form (`{Ref: X}`,
 * `{'Fn::Sub': …}`), keeping the line of every mapping key and the line where each string value's content starts.
 * Pure apart from the error it throws for bad input.
 */
import {isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, YAMLMap, YAMLSeq, type Node, type ScalarTag, type CollectionTag} from 'yaml'
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

/**
 * A short-tagged mapping or sequence (`!Sub`, `!If [...]`) becomes its long form when the yaml library turns the
 * document into data, so aliases are resolved by the library alone, under its alias budget (maxAliasCount).
 */
type ToJSContext = Parameters<YAMLMap['toJSON']>[1]
// NOTE: `never` only satisfies the library's generic return type; the value is the template's long-form data.
class FnMap extends YAMLMap {
  override toJSON(_?: unknown, ctx?: ToJSContext): never {
    return wrapLongForm(this.tag ?? '', ctx, () => super.toJSON(_, ctx) as unknown as Json) as never
  }
}
class FnSeq extends YAMLSeq {
  override toJSON(_?: unknown, ctx?: ToJSContext): never {
    return wrapLongForm(this.tag ?? '', ctx, () => super.toJSON(_, ctx) as unknown as Json) as never
  }
}

/** The long form of a collection; an anchor on it (`!Sub &a {…}`) names the long form, not the bare collection. */
function wrapLongForm(tag: string, ctx: ToJSContext | undefined, inner: () => Json): Json {
  const out: Record<string, Json> = {}
  ctx?.onCreate?.(out)
  const long = longForm(tag, inner()) as Record<string, Json>
  return Object.assign(out, long)
}

/** Every short tag on scalars, sequences and mappings. */
export const CFN_TAGS: (ScalarTag | CollectionTag)[] = FUNCTIONS.flatMap(name => [
  {tag: `!${name}`, resolve: (v: string) => longForm(`!${name}`, v)} as ScalarTag,
  {tag: `!${name}`, collection: 'seq', nodeClass: FnSeq} as CollectionTag,
  {tag: `!${name}`, collection: 'map', nodeClass: FnMap} as CollectionTag,
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

/**
 * How many times the aliases of a template may be expanded (the yaml library's budget: uses of an anchor times
 * the aliases inside it). Hand-written templates use a few; "billion laughs" needs millions.
 */
export const MAX_ALIAS_COUNT = 100

export interface TemplateReadOptions {
  /** A key given twice in one mapping: the last one counts, as in CloudFormation, instead of refusing the template. */
  allowDuplicateKeys?: boolean
}

/**
 * Runs `fn` with process.env as a plain copy. The yaml library reads process.env.LOG_TOKENS once per token, and each
 * read of the real process.env is a call into Node's environment (~80 ms over the 465,000 tokens of a 2 MB template);
 * a plain object is a property lookup. Synchronous, and restored before anything else can run.
 */
function withPlainEnv<T>(fn: () => T): T {
  const env = process.env
  process.env = {...env}
  try {
    return fn()
  } finally {
    process.env = env
  }
}

export function parseTemplate(text: string, file: string, opts: TemplateReadOptions = {}): ParsedTemplate {
  const lc = new LineCounter()
  const doc = withPlainEnv(() => parseDocument(text, {lineCounter: lc, customTags: CFN_TAGS, uniqueKeys: false, strict: false}))
  if (doc.errors.length) {
    const e = doc.errors[0]
    const at = e.linePos?.[0] ? ` (line ${e.linePos[0].line})` : ''
    throw new UsageError(`${file} is not a valid YAML or JSON template${at}: ${e.message.split('\n')[0]}`)
  }
  const lines = new Map<string, number>()
  const contentLines = new Map<string, number>()
  const blockScalars = new Set<string>()
  const lineOf = (n: {range?: [number, number, number] | null} | null | undefined) => n?.range ? lc.linePos(n.range[0]).line : undefined

  // Lines of keys, items and string values, and the checks the data cannot show: a key given twice in one mapping
  // (the last would silently win, so an earlier UserData would never be read) and an alias inside the node it names
  // (a cycle). Aliases are not followed here: their data comes from the library, under the alias budget.
  const anchors = new Map<string, Node>()
  const open = new Set<Node>()
  const walk = (node: unknown, path: string): void => {
    if (isAlias(node)) {
      const target = anchors.get(node.source)
      if (target && open.has(target)) {
        throw new UsageError(`${file} line ${lineOf(node) ?? '?'}: the YAML alias *${node.source} is inside the node it names (a recursive alias)`)
      }
      return
    }
    const n = node as Node | null
    if (n && 'anchor' in n && n.anchor) anchors.set(n.anchor, n)
    const tag = n?.tag
    const fn = tag?.startsWith('!') && FUNCTIONS.includes(tag.slice(1)) ? tag : undefined
    // Children of a short-tagged node live under its long-form key, as if the template had been written long-form.
    const here = fn ? `${path}/${longKey(fn)}` : path
    if (n) open.add(n)
    if (isMap(node)) {
      const seen = new Map<string, number | undefined>()
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
        const p = here ? `${here}/${key}` : key
        const l = lineOf(pair.key as Node)
        if (seen.has(key) && !opts.allowDuplicateKeys) {
          throw new UsageError(`${file} line ${l ?? '?'}: duplicate key "${key}"${here ? ` in ${here}` : ''} (first on line ${seen.get(key) ?? '?'}): only the last would count (--allow-duplicate-keys reads it so)`)
        }
        seen.set(key, l)
        if (l !== undefined) lines.set(p, l)
        walk(pair.value, p)
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = `${here}/${i}`
        const l = lineOf(item as Node)
        if (l !== undefined) lines.set(p, l)
        walk(item, p)
      })
    } else if (isScalar(node)) {
      const l = lineOf(node)
      // NOTE: a short-tagged scalar's value is already its long form; `source` is the string as written.
      if (typeof (fn ? node.source : node.value) === 'string' && l !== undefined) {
        const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED'
        contentLines.set(here, block ? l + 1 : l)
        if (block) blockScalars.add(here)
      }
    }
    if (n) open.delete(n)
  }
  walk(doc.contents, '')

  let body: Json
  try {
    body = doc.toJS({maxAliasCount: MAX_ALIAS_COUNT}) as Json
  } catch (error) {
    if (error instanceof ReferenceError) {
      throw new UsageError(`${file} expands YAML aliases too often (more than ${MAX_ALIAS_COUNT}; a "billion laughs" document?): ${error.message}`)
    }
    throw error
  }
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
