/**
 * Reads a CloudFormation template (YAML with short tags, or JSON) into plain data in the long form (`{Ref: X}`,
 * `{'Fn::Sub': …}`), with the line of any mapping key and the line where a string value's content starts, found when
 * asked. Pure apart from the error it throws for bad input.
 */
import {Alias, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, Schema, YAMLMap, YAMLSeq, type Document, type Node, type Pair, type ScalarTag, type CollectionTag, type Tags} from 'yaml'
import {UsageError} from '../core/errors.js'

export type Json = string | number | boolean | null | Json[] | {[k: string]: Json}

export interface ParsedTemplate {
  format: 'yaml' | 'json'
  body: Record<string, Json>
  /** Path (keys joined by '/', sequence indexes as numbers) → 1-based line of the key or item. */
  lines: PathLines
  /** Path → 1-based line of the first content line of a string value (the line after `|` for block scalars). */
  contentLines: PathLines
  /** Paths of block scalars (`|`, `>`): their text lines are template lines; other strings sit on one line. */
  blockScalars: {has(path: string): boolean}
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

/**
 * A plain scalar with no tag is resolved by testing it against each default tag of the schema in turn, the 60 short
 * tags included, before it falls back to a string. In the core schema (YAML 1.2, what the library uses unless a
 * `%YAML 1.1` directive says otherwise) a scalar is a string unless it starts with a digit, a sign, a dot or `~`, or is
 * null, true or false: this tag, tried first, says so at once and resolves it to that same string (`str`, no format),
 * for most scalars of a template, instead of ~70 tests each. Other schemas (YAML 1.1 also reads `yes`, `on`, `e5`…)
 * do not get it. test/lint/template.test.ts checks it against the library's own core tags.
 */
export const PLAIN_STRING: ScalarTag = {
  tag: 'tag:yaml.org,2002:str',
  default: true,
  test: /^(?!(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$)[^-+.0-9~]/,
  resolve: (v: string) => v,
}
const CORE_TAGS = new Schema({}).tags

/** The schema's tags with the short tags after them, and PLAIN_STRING first for the core schema. */
const withCfnTags = (tags: Tags): Tags =>
  tags.length === CORE_TAGS.length && tags.every((t, i) => t === CORE_TAGS[i]) ? [PLAIN_STRING, ...tags, ...CFN_TAGS] : [...tags, ...CFN_TAGS]

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

/** Thrown inside plainBody when a node needs the library's conversion. */
const NOT_PLAIN = Symbol('not plain')

/** The line of a path (keys joined by '/', sequence indexes as numbers), or undefined. */
export interface PathLines { get(path: string): number | undefined }

/**
 * Reads a YAML document into the template's data without the library's toJS, when nothing in it needs the library's
 * conversion: no alias (the library expands those, under its alias budget), no key given twice unless duplicate keys
 * are allowed (then read as the library's addPairToJSMap does), no key other than a string, number or boolean, no
 * YAML 1.1 merge key, set or ordered map. Undefined when something does; the caller then takes the library's way
 * (which refuses a key given twice). Same data as `doc.toJS()` otherwise.
 */
function plainBody(doc: Document.Parsed, allowDuplicateKeys: boolean): Json | undefined {
  if (doc.schema.tags.some(t => t.tag === 'tag:yaml.org,2002:merge' && t.default)) return undefined
  const data = (node: unknown): Json => {
    if (node === null) return null
    const c = (node as object).constructor
    // NOTE: doc.toJS() keeps a scalar's value as is (keep: true), a short tag's long form included.
    if (c === Scalar) return (node as Scalar).value as Json
    if (c === YAMLMap || c === FnMap) {
      const out: Record<string, Json> = {}
      for (const pair of (node as YAMLMap).items) {
        const key = pair.key
        if (!(key instanceof Scalar)) throw NOT_PLAIN
        const v = key.value
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw NOT_PLAIN
        const k = String(v)
        if (Object.hasOwn(out, k) && !allowDuplicateKeys) throw NOT_PLAIN
        // NOTE: as the library's addPairToJSMap: a key already there (own, or inherited such as __proto__) is
        // redefined in place, so a repeated key keeps its first position with its last value.
        if (k in out) Object.defineProperty(out, k, {value: data(pair.value), writable: true, enumerable: true, configurable: true})
        else out[k] = data(pair.value)
      }
      return c === FnMap ? longForm((node as YAMLMap).tag ?? '', out) : out
    }
    if (c === YAMLSeq || c === FnSeq) {
      const items = (node as YAMLSeq).items
      const out: Json[] = []
      for (const item of items) {
        if (isPair(item)) throw NOT_PLAIN
        out.push(data(item))
      }
      return c === FnSeq ? longForm((node as YAMLSeq).tag ?? '', out) : out
    }
    throw NOT_PLAIN
  }
  try {
    return data(doc.contents)
  } catch (error) {
    if (error === NOT_PLAIN) return undefined
    throw error
  }
}

const keyOf = (pair: Pair): string => isScalar(pair.key) ? String(pair.key.value) : String(pair.key)

interface PathFacts { line?: number; content?: number; block: boolean }

const lineAt = (lc: LineCounter, n: {range?: [number, number, number] | null} | null | undefined): number | undefined =>
  n?.range ? lc.linePos(n.range[0]).line : undefined

/**
 * Lines of paths, found when asked: a walk of the document that enters only the nodes on the way to the path, in
 * document order, so a path met twice (a key given twice) gets the later node's line, as a walk of every node would.
 * Aliases are not followed. Each mapping on the way is indexed by key once; each path is looked up once.
 */
class PathLookup {
  private readonly indexes = new WeakMap<YAMLMap, Map<string, number[]>>()
  private readonly found = new Map<string, PathFacts>()
  constructor(private readonly doc: Document.Parsed, private readonly lc: LineCounter) {}

  facts(path: string): PathFacts {
    let f = this.found.get(path)
    if (!f) {
      f = {block: false}
      this.walk(this.doc.contents, 0, path, f)
      this.found.set(path, f)
    }
    return f
  }

  private indexOf(m: YAMLMap): Map<string, number[]> {
    let ix = this.indexes.get(m)
    if (!ix) {
      ix = new Map()
      for (let i = 0; i < m.items.length; i++) {
        const k = keyOf(m.items[i] as Pair)
        const at = ix.get(k)
        if (at) at.push(i)
        else ix.set(k, [i])
      }
      this.indexes.set(m, ix)
    }
    return ix
  }

  /**
   * Records in `f` the line of each key or item whose path is `target`, and where each such string's content starts.
   * `node`'s path is `target.slice(0, end)`: only children whose path is the target or leads to it are entered.
   */
  private walk(node: unknown, end: number, target: string, f: PathFacts): void {
    if (node instanceof Alias || node === null || typeof node !== 'object') return
    const tag = (node as Node).tag
    const fn = tag?.startsWith('!') && FUNCTIONS.includes(tag.slice(1)) ? tag : undefined
    // The path of a short-tagged node's content is its own path and its long-form key (`…/Fn::Sub`).
    let here = end
    if (fn) {
      const key = longKey(fn)
      if (!target.startsWith(key, end + 1) || target[end] !== '/') return
      here = end + 1 + key.length
    }
    if (node instanceof Scalar) {
      // NOTE: a short-tagged scalar's value is already its long form; `source` is the string as written.
      const l = here === target.length ? lineAt(this.lc, node) : undefined
      if (l !== undefined && typeof (fn ? node.source : node.value) === 'string') {
        const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED'
        f.content = block ? l + 1 : l
        if (block) f.block = true
      }
      return
    }
    // A child's path is `${here}/${key}` (`key` when `here` is empty).
    let start = 0
    if (here > 0) {
      if (target[here] !== '/') return
      start = here + 1
    }
    if (node instanceof YAMLMap) {
      const ix = this.indexOf(node)
      // A key may hold '/': the candidates are the rest of the target and each part of it that ends before a '/'.
      const hits: {i: number; stop: number}[] = []
      for (let slash = target.indexOf('/', start); ; slash = target.indexOf('/', slash + 1)) {
        const stop = slash < 0 ? target.length : slash
        for (const i of ix.get(target.slice(start, stop)) ?? []) hits.push({i, stop})
        if (slash < 0) break
      }
      // In document order, as a walk of every node meets them.
      if (hits.length > 1) hits.sort((x, y) => x.i - y.i)
      for (const {i, stop} of hits) {
        const pair = node.items[i] as Pair
        if (stop === target.length) f.line = lineAt(this.lc, pair.key as Node) ?? f.line
        this.walk(pair.value, stop, target, f)
      }
    } else if (node instanceof YAMLSeq) {
      const slash = target.indexOf('/', start)
      const stop = slash < 0 ? target.length : slash
      const segment = target.slice(start, stop)
      const i = Number(segment)
      if (segment !== String(i) || !(i >= 0 && i < node.items.length)) return
      if (stop === target.length) f.line = lineAt(this.lc, node.items[i] as Node) ?? f.line
      this.walk(node.items[i], stop, target, f)
    }
  }
}

function pathLines(doc: Document.Parsed, lc: LineCounter): Pick<ParsedTemplate, 'lines' | 'contentLines' | 'blockScalars'> {
  const lookup = new PathLookup(doc, lc)
  return {
    lines: {get: path => lookup.facts(path).line},
    contentLines: {get: path => lookup.facts(path).content},
    blockScalars: {has: path => lookup.facts(path).block},
  }
}

/**
 * The checks the data cannot show: a key given twice in one mapping (the last would silently win, so an earlier
 * UserData would never be read) and an alias inside the node it names (a cycle). Aliases are not followed here:
 * their data comes from the library, under the alias budget.
 */
function checkNodes(doc: Document.Parsed, lc: LineCounter, file: string, opts: TemplateReadOptions): void {
  const lineOf = (n: Node | null | undefined) => lineAt(lc, n)
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
      const seen = new Map<string, Pair>()
      for (const pair of node.items) {
        const key = keyOf(pair as Pair)
        const p = here ? `${here}/${key}` : key
        const first = seen.get(key)
        if (first && !opts.allowDuplicateKeys) {
          throw new UsageError(`${file} line ${lineOf(pair.key as Node) ?? '?'}: duplicate key "${key}"${here ? ` in ${here}` : ''} (first on line ${lineOf(first.key as Node) ?? '?'}): only the last would count (--allow-duplicate-keys reads it so)`)
        }
        seen.set(key, pair as Pair)
        walk(pair.value, p)
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, `${here}/${i}`))
    }
    if (n) open.delete(n)
  }
  walk(doc.contents, '')
}

export function parseTemplate(text: string, file: string, opts: TemplateReadOptions = {}): ParsedTemplate {
  const lc = new LineCounter()
  const doc = withPlainEnv(() => parseDocument(text, {lineCounter: lc, customTags: withCfnTags, uniqueKeys: false, strict: false}))
  if (doc.errors.length) {
    const e = doc.errors[0]
    const at = e.linePos?.[0] ? ` (line ${e.linePos[0].line})` : ''
    const first = e.message.split('\n')[0].trimEnd()
    throw new UsageError(`${file} is not a valid YAML or JSON template${at}: ${first.endsWith(':') ? first.slice(0, -1) : first}`)
  }
  // NOTE: most templates have no alias and no repeated key: their data is read in one walk; the others are checked
  // and read by the library (its toJS), which expands aliases under its budget.
  let body = plainBody(doc, Boolean(opts.allowDuplicateKeys))
  if (body === undefined) {
    checkNodes(doc, lc, file, opts)
    try {
      body = doc.toJS({maxAliasCount: MAX_ALIAS_COUNT}) as Json
    } catch (error) {
      if (error instanceof ReferenceError) {
        throw new UsageError(`${file} expands YAML aliases too often (more than ${MAX_ALIAS_COUNT}; a "billion laughs" document?): ${error.message}`)
      }
      throw error
    }
  }
  const format = /^\s*[{[]/.test(text) ? 'json' : 'yaml'
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new UsageError(`${file} is not a CloudFormation template (expected a mapping at the top)`)
  }
  const resources = body.Resources
  if (!resources || typeof resources !== 'object' || Array.isArray(resources) || Object.keys(resources).length === 0) {
    throw new UsageError(`${file} is not a CloudFormation template: it has no Resources`)
  }
  return {format, body, ...pathLines(doc, lc)}
}
