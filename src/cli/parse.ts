/**
 * Reads a command's argv against its flag and argument definitions (src/cli/flags.ts): `--flag value`,
 * `--flag=value`, `-c value`, `-cvalue`, `--no-flag` (allowNo), `--` ends the flags. A repeatable flag takes one
 * value per use (`--only a --only b`): a later bare word is an argument, never swallowed as another value.
 * Errors are UsageErrors worded as oclif words them (the docs and earlier versions printed those words), so a run
 * says what was wrong in one line and exits 2.
 */
import {UsageError} from '../core/errors.js'
import type {Arg, Flag} from './flags.js'

/** A mistake on the command line: one line, then "(see --help)". */
export class ArgvError extends UsageError {
  readonly seeHelp = true
}

export interface Parsed {
  flags: Record<string, unknown>
  args: Record<string, string | undefined>
  /** Deprecated spellings used (`-o` for --output-file), as warnings to print. */
  warnings: string[]
}

interface Token {name: string; input: string | boolean; via: string}

export async function parseArgv(argv: readonly string[], defs: {flags?: Record<string, Flag>; args?: Record<string, Arg>}): Promise<Parsed> {
  const flags = defs.flags ?? {}
  const argDefs = defs.args ?? {}
  const byChar = new Map<string, string>()
  for (const [name, f] of Object.entries(flags)) {
    if (f.char) byChar.set(f.char, name)
    for (const c of f.charAliases ?? []) byChar.set(c, name)
  }
  /** The flag `word` names (`--x`, `--no-x`, `-c…`), with the value it carries after `=` or its letter. */
  const find = (word: string): {name: string; no?: boolean; attached?: string} | undefined => {
    if (word.startsWith('--')) {
      const eq = word.indexOf('=')
      const key = eq < 0 ? word.slice(2) : word.slice(2, eq)
      const attached = eq < 0 ? undefined : word.slice(eq + 1)
      if (Object.hasOwn(flags, key)) return {name: key, attached}
      const off = key.startsWith('no-') ? key.slice(3) : undefined
      if (off !== undefined && Object.hasOwn(flags, off)) {
        const f = flags[off]
        if (f.type === 'boolean' && f.allowNo) return {name: off, no: true, attached}
      }
      return undefined
    }
    const name = byChar.get(word[1])
    if (!name) return undefined
    const rest = word.slice(2)
    return {name, attached: rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest}
  }

  const tokens: Token[] = []
  const words: string[] = []
  const nonexistent: string[] = []
  const warnings: string[] = []
  const queue = [...argv]
  let parsingFlags = true
  while (queue.length > 0) {
    const word = queue.shift()!
    if (!parsingFlags || !word.startsWith('-') || word === '-' || /^-\d/.test(word)) {
      words.push(word)
      continue
    }
    if (word === '--') {
      parsingFlags = false
      continue
    }
    const found = find(word)
    if (!found) {
      nonexistent.push(word)
      continue
    }
    const {name} = found
    const f = flags[name]
    if (!word.startsWith('--') && f.charAliases?.includes(word[1]) && f.deprecateAliases) {
      warnings.push(`the "-${word[1]}" flag is deprecated; use "--${name}" instead`)
    }
    if (f.type === 'boolean') {
      if (found.attached !== undefined) {
        // -vy: the letters after the first are more one-letter flags.
        if (!word.startsWith('--')) queue.unshift(`-${found.attached}`)
        else throw new ArgvError(`--${name} takes no value${f.allowNo ? ` (--no-${name} turns it off)` : ''}`)
      }
      tokens.push({name, input: !found.no, via: word})
      continue
    }
    if (!f.multiple && tokens.some(t => t.name === name)) throw new ArgvError(`Flag --${name} can only be specified once`)
    const input = found.attached ?? queue.shift()
    if (input === undefined || (found.attached === undefined && input.startsWith('-') && find(input))) {
      throw new ArgvError(f.options ? `Flag --${name} expects one of these values: ${f.options.join(', ')}` : `Flag --${name} expects a value`)
    }
    tokens.push({name, input, via: word})
  }

  // Values: each given flag parsed, then env, then defaults.
  const values: Record<string, unknown> = {}
  const given = new Set<string>()
  for (const t of tokens) {
    const f = flags[t.name]
    given.add(t.name)
    if (f.type === 'boolean') {
      values[t.name] = t.input
      continue
    }
    const value = await parseValue(t.name, f, t.input as string)
    if (!f.multiple) values[t.name] = value
    else if (Array.isArray(values[t.name])) (values[t.name] as unknown[]).push(value)
    else values[t.name] = [value]
  }
  for (const [name, f] of Object.entries(flags)) {
    if (given.has(name)) continue
    const fromEnv = f.env === undefined ? undefined : process.env[f.env]
    if (fromEnv !== undefined && fromEnv !== '' && f.type === 'option') {
      const value = await parseValue(name, f, fromEnv)
      values[name] = f.multiple ? [value] : value
      given.add(name)
    } else if (f.default !== undefined) {
      values[name] = Array.isArray(f.default) ? [...f.default] : f.default
    }
  }

  // Arguments, then the flags' rules, in oclif's order.
  if (nonexistent.length > 0) throw new ArgvError(`Nonexistent flag${nonexistent.length > 1 ? 's' : ''}: ${nonexistent.join(', ')}`)
  const names = Object.keys(argDefs)
  if (words.length > names.length) {
    const extra = words.slice(names.length)
    throw new ArgvError(`Unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(', ')}`)
  }
  const missing = names.filter((n, i) => argDefs[n].required && words[i] === undefined)
  if (missing.length > 0) throw new ArgvError(`missing argument ${missing.map(n => `<${n}>`).join(', ')}`)
  const args = Object.fromEntries(names.map((n, i) => [n, words[i]]))

  const problems: string[] = []
  for (const [name, f] of Object.entries(flags)) {
    if (f.required && !given.has(name)) problems.push(`Missing required flag ${name}`)
  }
  for (const [name, f] of Object.entries(flags)) {
    if (!given.has(name)) continue
    for (const other of f.exclusive ?? []) {
      if (given.has(other)) problems.push(`--${other}=${shown(values[other])} cannot also be provided when using --${name}`)
    }
  }
  if (problems.length > 0) throw new ArgvError(problems.join('; '))
  return {flags: values, args, warnings}
}

async function parseValue(name: string, f: Flag & {type: 'option'}, input: string): Promise<unknown> {
  if (f.options && !f.options.includes(input)) throw new ArgvError(`Expected --${name}=${input} to be one of: ${f.options.join(', ')}`)
  try {
    return await f.parse(input)
  } catch (error) {
    const message = (error as Error).message
    if (error instanceof ArgvError || (error instanceof UsageError && message.includes(`--${name}`))) throw error
    throw new ArgvError(`--${name}: ${message}`)
  }
}

/** A value as oclif names it in an exclusive-flags message (`--cluster=prod`, `--brief=true`). */
const shown = (value: unknown): string => (Array.isArray(value) ? String(value[0]) : String(value))
