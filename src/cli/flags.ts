/**
 * Flag and argument definitions for efsdoctor's commands, without @oclif/core (640 KB of bundled code, about a
 * third of every start). The objects have the shape oclif's own `Flags.*` / `Args.*` return, so oclif's help,
 * completion and manifest read them unchanged; src/cli/parse.ts reads argv with them when a command runs.
 */
import {UsageError} from '../core/errors.js'

interface Common {
  description: string
  char?: string
  /** Other one-letter spellings; with `deprecateAliases`, using one prints a warning. */
  charAliases?: string[]
  deprecateAliases?: boolean
  /** An environment variable read when the flag is not given. */
  env?: string
  /** Flags that cannot be given together with this one. */
  exclusive?: string[]
  required?: boolean
  hidden?: boolean
}

export interface OptionFlag<T> extends Common {
  type: 'option'
  multiple?: boolean
  options?: readonly string[]
  default?: unknown
  parse(input: string): Promise<unknown>
  /** Phantom: the value type a command sees. */
  readonly __value?: T
}

export interface BooleanFlag<T> extends Common {
  type: 'boolean'
  allowNo?: boolean
  default?: boolean
  parse(input: boolean): Promise<boolean>
  readonly __value?: T
}

export type Flag<T = unknown> = OptionFlag<T> | BooleanFlag<T>

export interface Arg<T = unknown> {
  description: string
  required?: boolean
  /** Kept for oclif's manifest, which reads it. */
  options?: readonly string[]
  readonly __value?: T
}

export type FlagValues<F> = {[K in keyof F]: F[K] extends Flag<infer T> ? T : never}
export type ArgValues<A> = {[K in keyof A]: A[K] extends Arg<infer T> ? T : never}

interface StringOpts extends Common {
  multiple?: boolean
  options?: readonly string[]
  default?: string | string[]
  parse?: (input: string) => Promise<string> | string
}

const identity = async (input: string): Promise<string> => input

function string(opts: StringOpts & {multiple: true} & ({required: true} | {default: string[]})): OptionFlag<string[]>
function string(opts: StringOpts & {multiple: true}): OptionFlag<string[] | undefined>
function string(opts: StringOpts & ({required: true} | {default: string})): OptionFlag<string>
function string(opts: StringOpts): OptionFlag<string | undefined>
function string(opts: StringOpts): OptionFlag<unknown> {
  const parse = opts.parse
  return {...opts, type: 'option', parse: parse ? async input => parse(input) : identity}
}

interface IntegerOpts extends Common {
  default?: number
  min?: number
  max?: number
}

function integer(opts: IntegerOpts & ({required: true} | {default: number})): OptionFlag<number>
function integer(opts: IntegerOpts): OptionFlag<number | undefined>
function integer(opts: IntegerOpts): OptionFlag<unknown> {
  const {min, max} = opts
  // NOTE: the words of oclif's own integer flag, which the docs and earlier versions printed.
  const parse = async (input: string): Promise<number> => {
    if (!/^-?\d+$/.test(input)) throw new UsageError(`Expected an integer but received: ${input}`)
    const n = Number(input)
    if (min !== undefined && n < min) throw new UsageError(`Expected an integer greater than or equal to ${min} but received: ${input}`)
    if (max !== undefined && n > max) throw new UsageError(`Expected an integer less than or equal to ${max} but received: ${input}`)
    return n
  }
  return {...opts, type: 'option', parse}
}

interface BooleanOpts extends Common {
  allowNo?: boolean
  default?: boolean
}

function boolean(opts: BooleanOpts & {default: boolean}): BooleanFlag<boolean>
function boolean(opts: BooleanOpts): BooleanFlag<boolean | undefined>
function boolean(opts: BooleanOpts): BooleanFlag<unknown> {
  return {...opts, type: 'boolean', parse: async (input: boolean) => input}
}

export const Flags = {string, integer, boolean}

function argString(opts: {description: string; required: true}): Arg<string>
function argString(opts: {description: string; required?: boolean}): Arg<string | undefined>
function argString(opts: {description: string; required?: boolean}): Arg<unknown> {
  return {...opts}
}

export const Args = {string: argString}
