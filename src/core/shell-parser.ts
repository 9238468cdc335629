/**
 * The shell grammar: tree-sitter-bash (the grammar GitHub and editors use) on web-tree-sitter, both WebAssembly.
 * Loading is asynchronous and takes tens of milliseconds, so it is done once, only when there is UserData to read
 * (`loadShellParser`, called by the commands before checks run); parsing afterwards is synchronous and pure, so the
 * checks stay pure functions. See CONTRIBUTING.md ("Shell parser") for why this library and the measured figures.
 */
import {existsSync, readFile} from 'node:fs'
import {packageFile} from './package-files.js'
import {createRequire} from 'node:module'
import {setFlagsFromString} from 'node:v8'
import type {Language, Node, Parser} from 'web-tree-sitter'

export type {Node as ShellNode} from 'web-tree-sitter'

let parser: Parser | undefined
let loading: Promise<void> | undefined

/** The grammar's two WebAssembly modules, compiling or compiled. */
export interface CompiledGrammar {runtime: Promise<WebAssembly.Module>; grammar: Promise<WebAssembly.Module>}

let compiled: CompiledGrammar | undefined

/** The files of the two modules (web-tree-sitter's runtime, the bash grammar), as Node resolves them. */
export const GRAMMAR_WASM: {readonly [K in keyof CompiledGrammar]: string} = {
  runtime: 'web-tree-sitter/web-tree-sitter.wasm',
  grammar: 'tree-sitter-bash/tree-sitter-bash.wasm',
}

/** The V8 settings compileShellGrammar makes (see there); also those the validator's code cache is built under. */
export const SHELL_GRAMMAR_V8_FLAGS = '--liftoff-only --no-wasm-lazy-compilation --wasm-num-compilation-tasks=1'

/** A dependency's file: in the package's own node_modules when it is there (no resolution), else where Node finds it. */
export function dependencyFile(id: string): string {
  const nested = packageFile(`node_modules/${id}`)
  if (existsSync(nested)) return nested
  try {
    return createRequire(import.meta.url).resolve(id)
  } catch {
    throw new Error(`the bash grammar cannot load: ${id} is not installed (reinstall efsdoctor)`)
  }
}

/**
 * Starts compiling the two WebAssembly modules (web-tree-sitter's runtime and the bash grammar) on a V8 background
 * thread, once, and returns at once: the files are read on libuv's thread pool and compiled when read. Called as a
 * command that may read UserData starts (cli/run.ts warmUp), so the compile overlaps loading the command's code and
 * reading its input. `started`: the compiles bin/run.js began itself before the replay bundle loaded (GRAMMAR_WASM,
 * which it reads from dist/replay/check.json).
 */
export function compileShellGrammar(started?: CompiledGrammar): CompiledGrammar {
  if (compiled) return compiled
  // NOTE: V8's baseline WebAssembly compiler only. By default V8 also recompiles the grammar's hot functions with
  // its optimising compiler on background threads, and the process cannot exit until that is done: 1–2 s of CPU
  // (more on a busy machine) after the last line of every run that read UserData, for parses that take a few ms.
  // The whole grammar is compiled up front (--no-wasm-lazy-compilation) instead of function by function on the main
  // thread during the first parse (~15 ms), on one background thread (--wasm-num-compilation-tasks=1): with more,
  // on a 2-core machine, they took the CPU the main thread was using meanwhile.
  setFlagsFromString(SHELL_GRAMMAR_V8_FLAGS)
  // NOTE: the bytes, not a path: given a path, web-tree-sitter imports fs/promises (and Node, with it, readline
  // and streams) to read it.
  const compile = (id: string) => new Promise<Buffer>((resolve, reject) => {
    readFile(dependencyFile(id), (error, bytes) => (error ? reject(error) : resolve(bytes)))
  }).then(bytes => WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>))
  compiled = started ?? {runtime: compile(GRAMMAR_WASM.runtime), grammar: compile(GRAMMAR_WASM.grammar)}
  for (const p of Object.values(compiled)) p.catch(() => {})
  return compiled
}

/** Load the bash grammar once (idempotent; concurrent callers share one load). */
export function loadShellParser(): Promise<void> {
  loading ??= (async () => {
    const {runtime, grammar} = compileShellGrammar()
    const {Parser: P, Language: L} = await import('web-tree-sitter')
    const runtimeModule = await runtime
    await P.init({
      // NOTE: emscripten's hook: the runtime from the module compiled above instead of compiling its own copy.
      instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
        WebAssembly.instantiate(runtimeModule, imports).then(instance => done(instance, runtimeModule))
        return {}
      },
    } as never)
    const lang: Language = L.loadSync(await grammar)
    const p = new P()
    p.setLanguage(lang)
    parser = p
  })()
  return loading
}

/** Load the grammar when any of the texts is non-empty (so commands without UserData never load it). */
export async function loadShellParserFor(texts: Iterable<string | undefined>): Promise<void> {
  for (const t of texts) {
    if (t?.trim()) return loadShellParser()
  }
}

/**
 * Starts loading the grammar when `data` — parsed JSON, not yet validated: any shape — holds UserData text, without
 * waiting for it, so that it loads while the caller validates the file. A failed load is reported by the awaited call
 * (`loadShellParserForSnapshot`) that shares it.
 */
export function preloadShellParserFor(data: unknown): void {
  const userData = (data as {userData?: unknown} | null)?.userData
  if (!Array.isArray(userData)) return
  const texts = userData.map(u => (u as {text?: unknown} | null)?.text)
  loadShellParserFor(texts.map(t => (typeof t === 'string' ? t : undefined))).catch(() => {})
}

/** Load the grammar when the snapshot has UserData to read (the one place commands call before checks run). */
export const loadShellParserForSnapshot = (s: {userData?: readonly {text?: string}[]}): Promise<void> =>
  loadShellParserFor((s.userData ?? []).map(u => u.text))

export const shellParserLoaded = (): boolean => parser !== undefined

/** Parse budget: a parse that runs longer than this is cancelled (the caller reports unknown). */
export const PARSE_BUDGET_MS = 1000

/**
 * Parse a script; `undefined` when the grammar is not loaded or the parse ran over its time budget. The caller
 * must call `done()` to free the tree's WebAssembly memory after walking it.
 */
export function parseShell(text: string): {root: Node; done: () => void} | undefined {
  if (!parser) return undefined
  // NOTE: process.uptime, not performance.now(): reading the `performance` global makes Node load perf_hooks (~1.3 ms).
  const deadline = process.uptime() * 1000 + PARSE_BUDGET_MS
  parser.reset()
  const tree = parser.parse(text, null, {progressCallback: () => process.uptime() * 1000 > deadline})
  if (!tree) return undefined
  return {root: tree.rootNode, done: () => tree.delete()}
}
