/**
 * The shell grammar: tree-sitter-bash (the grammar GitHub and editors use) on web-tree-sitter, both WebAssembly.
 * Loading is asynchronous and takes tens of milliseconds, so it is done once, only when there is UserData to read
 * (`loadShellParser`, called by the commands before checks run); parsing afterwards is synchronous and pure, so the
 * checks stay pure functions. See CONTRIBUTING.md ("Shell parser") for why this library and the measured figures.
 */
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {setFlagsFromString} from 'node:v8'
import type {Language, Node, Parser} from 'web-tree-sitter'

export type {Node as ShellNode} from 'web-tree-sitter'

let parser: Parser | undefined
let loading: Promise<void> | undefined

/** Load the bash grammar once (idempotent; concurrent callers share one load). */
export function loadShellParser(): Promise<void> {
  loading ??= (async () => {
    // NOTE: V8's baseline WebAssembly compiler only. By default V8 also recompiles the grammar's hot functions with
    // its optimising compiler on background threads, and the process cannot exit until that is done: 1–2 s of CPU
    // (more on a busy machine) after the last line of every run that read UserData, for parses that take a few ms.
    // The whole grammar is compiled when it loads (--no-wasm-lazy-compilation), on V8's background threads while the
    // caller goes on (check --from validates the file meanwhile: see preloadShellParserFor), instead of function by
    // function on the main thread during the first parse (~15 ms). check --from healthy.json, interleaved medians
    // of 21 and 25 rounds on a quiet machine: 232 -> 218 ms and 209 -> 202 ms.
    setFlagsFromString('--liftoff-only --no-wasm-lazy-compilation')
    const {Parser: P, Language: L} = await import('web-tree-sitter')
    await P.init()
    // NOTE: the bytes, not the path: given a path, web-tree-sitter imports fs/promises (and Node, with it,
    // readline and streams) to read it.
    const wasm = readFileSync(createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm'))
    const lang: Language = await L.load(wasm)
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
  const deadline = performance.now() + PARSE_BUDGET_MS
  parser.reset()
  const tree = parser.parse(text, null, {progressCallback: () => performance.now() > deadline})
  if (!tree) return undefined
  return {root: tree.rootNode, done: () => tree.delete()}
}
