/**
 * `.efsdoctor.yml`: accepted findings. Each ignore rule names a check (or an area prefix like `network/`),
 * a resource id (or `*`), and a required reason; matching findings stay in the report, marked, and never fail the
 * run. Any mistake in the file is a UsageError (exit 2) so a typo never silently hides or un-hides a finding.
 *
 *   ignore:
 *     - check: efs/file-system-writable
 *       resource: fs-0a1b2c3d4e5f60718
 *       reason: DR replica, read-only on purpose
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {yaml} from './yaml.js'
import {UsageError} from './errors.js'
import type {IgnoreRule} from './ignore.js'
import {MAX_CONFIG_BYTES, readInputFile} from './input-file.js'

export const CONFIG_FILE = '.efsdoctor.yml'

export interface Config {
  /** The file the rules came from; undefined when none was found. */
  file?: string
  ignores: IgnoreRule[]
}

const TOP_KEYS = ['ignore']
const RULE_KEYS = ['check', 'resource', 'reason']

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function checkPatternKnown(pattern: string, knownIds: readonly string[]): boolean {
  const p = pattern.replace(/\*$/, '')
  return p.endsWith('/') ? knownIds.some(id => id.startsWith(p)) : knownIds.includes(p)
}

/** Parses and validates config text; `knownIds` is the catalogue's check ids. */
export function parseConfig(text: string, file: string, knownIds: readonly string[]): IgnoreRule[] {
  let doc: unknown
  try {
    // NOTE: logLevel error: the yaml package would print a Node warning (with a stack) per unknown tag, e.g. for each
    // !Ref of a CloudFormation template given as --config; the line below says what is wrong with the file.
    doc = yaml().parse(text, {logLevel: 'error'})
  } catch (error) {
    throw new UsageError(`${file}: invalid YAML: ${(error as Error).message.split('\n')[0]}`)
  }
  if (doc === null || doc === undefined) return []
  if (!isMap(doc)) throw new UsageError(`${file}: expected a mapping with an "ignore:" list at the top level`)
  const extra = Object.keys(doc).filter(k => !TOP_KEYS.includes(k))
  if (extra.length > 0) throw new UsageError(`${file}: unknown key "${extra[0]}" (allowed: ${TOP_KEYS.join(', ')})`)
  const list = doc.ignore ?? []
  if (!Array.isArray(list)) throw new UsageError(`${file}: "ignore" must be a list of {check, resource, reason}`)
  return list.map((entry: unknown, i): IgnoreRule => {
    const at = `${file}: ignore[${i}]`
    if (!isMap(entry)) throw new UsageError(`${at}: expected a mapping with check, resource and reason`)
    const unknownKey = Object.keys(entry).find(k => !RULE_KEYS.includes(k))
    if (unknownKey) throw new UsageError(`${at}: unknown key "${unknownKey}" (allowed: ${RULE_KEYS.join(', ')})`)
    const {check, resource, reason} = entry
    if (typeof check !== 'string' || check.trim() === '') throw new UsageError(`${at}: "check" is required (a check id or an area prefix like network/)`)
    if (!checkPatternKnown(check.trim(), knownIds)) throw new UsageError(`${at}: unknown check id "${check}" (efsdoctor checks lists them)`)
    if (resource !== undefined && (typeof resource !== 'string' || resource.trim() === '')) {
      throw new UsageError(`${at}: "resource" must be a resource id or "*"`)
    }
    if (typeof reason !== 'string' || reason.trim() === '') throw new UsageError(`${at}: "reason" is required (say why this finding is accepted)`)
    return {checkId: check.trim(), resource: typeof resource === 'string' ? resource.trim() : '*', reason: reason.trim()}
  })
}

/** Loads `explicit` (must exist), else `.efsdoctor.yml` in `cwd` if present, else no rules. */
export function loadConfig(opts: {explicit?: string; cwd?: string; knownIds: readonly string[]}): Config {
  const file = opts.explicit ?? join(opts.cwd ?? process.cwd(), CONFIG_FILE)
  if (!existsSync(file)) {
    if (opts.explicit) throw new UsageError(`config file ${opts.explicit} does not exist`)
    return {ignores: []}
  }
  const text = readInputFile(file, 'config file', MAX_CONFIG_BYTES)
  const shown = opts.explicit ?? CONFIG_FILE
  return {file: shown, ignores: parseConfig(text, shown, opts.knownIds)}
}
