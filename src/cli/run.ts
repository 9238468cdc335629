/**
 * bin/run.js's direct path: `efsdoctor <command> …` runs the command's module without oclif (whose Config.load and
 * 640 KB of code were about 100 ms of every run). oclif still answers help (`--help`, `-h`, `help`), completion,
 * unknown commands and a first word that is a flag, from oclif.manifest.json.
 */
import {oneLine} from '../core/sanitize.js'
import {exitOnSignals} from './signals.js'
import {compileShellGrammar, type CompiledGrammar} from '../core/shell-parser.js'
export {GRAMMAR_WASM, SHELL_GRAMMAR_V8_FLAGS} from '../core/shell-parser.js'

/** What a command module exports (src/commands/*.ts). */
export interface CommandModule {
  default: {run(argv: string[]): Promise<unknown>}
}

/**
 * The command `argv` names when it can run directly: its first word is a command (`isCommand`) and no help flag
 * comes before `--`. Otherwise undefined, and oclif handles the line.
 */
export function directCommand(argv: readonly string[], isCommand: (id: string) => boolean): string | undefined {
  const [id, ...rest] = argv
  if (id === undefined || !/^[a-z][a-z-]*$/.test(id) || !isCommand(id)) return undefined
  const end = rest.indexOf('--')
  const flags = end < 0 ? rest : rest.slice(0, end)
  return flags.some(w => w === '--help' || w === '-h') ? undefined : id
}

/**
 * Runs a command's module on its argv. The exit code is left in process.exitCode, so Node writes out all of stdout
 * before it exits (process.exit would cut a report piped to another program).
 */
export async function runDirect(command: CommandModule, argv: string[]): Promise<void> {
  exitOnSignals()
  try {
    await command.default.run(argv)
  } catch (error) {
    const e = error as {code?: string; oclif?: {exit?: number}; message?: string}
    if (e?.code === 'EEXIT' && typeof e.oclif?.exit === 'number') {
      process.exitCode = e.oclif.exit
      return
    }
    // NOTE: commands turn their errors into one line and an ExitError; this is only for a bug that escaped them.
    process.stderr.write(`efsdoctor: ${oneLine(String(e?.message ?? error))}\n`)
    process.exitCode = 2
  }
}

/**
 * Runs that will read UserData from a file: `check --from`/`--example` (a snapshot) and `lint` (a template). Their bash grammar starts compiling before the command's code loads (~20 ms of every such run). Not for
 * other runs: a compile nobody waits for still holds the process at exit until it ends (30–60 ms).
 */
export function readsUserDataFile(id: string, argv: readonly string[]): boolean {
  return id === 'lint' || replaysSnapshot(id, argv)
}

/** Called by bin/run.js with the command line before it imports the command's module. */
export function warmUp(id: string, argv: readonly string[], started?: CompiledGrammar): void {
  if (readsUserDataFile(id, argv)) compileShellGrammar(started)
}

/**
 * V8 settings for the run `id argv` names, set by bin/run.js before the command loads: V8 reads them when it next
 * decides, so they work at run time (heap sizes do not: the heap is configured before any of our code runs).
 * Measured interleaved on the 2-core bench VM:
 * - `--semi-space-growth-factor=1`, for every command but lint: keeps the young generation at its first size. V8
 *   doubles it (up to 16 MB semi-spaces) while a run keeps what it allocates, and touching those fresh pages (~3 ms per
 *   MB there) cost more than the scavenges it saves: `check --from` a 1,000-instance snapshot 547 -> 474 ms (--output
 *   json 666 -> 538 ms) and 106 -> 89 MB peak RSS, healthy.json unchanged. Lint parses a 2 MB template into much
 *   short-lived garbage: 10% slower with it.
 * - `--no-opt` (no TurboFan), for a replay (`check --from`/`--example`) only: its background compiles compete for the
 *   second core with a run whose code runs a few thousand times. 1,000 instances 489-495 -> 463-472 ms (three runs of
 *   15-21), 5,000 1350 -> 1315 ms, healthy.json 243 -> 237 ms. Not for live runs, whose SDK parses every response
 *   (N=1000: 1061 -> 1172 ms with it), nor lint (43% slower); a replay of 5,000+ instances turns it back on
 *   (optimiseLongRun: 10,000 instances were 5% slower without it).
 */
export function v8Settings(id: string, argv: readonly string[]): string[] {
  if (id === 'lint') return []
  return ['--semi-space-growth-factor=1', ...(replaysSnapshot(id, argv) ? ['--no-opt'] : [])]
}

/** `check --from FILE` or `check --example NAME`: a saved snapshot, no AWS calls. */
function replaysSnapshot(id: string, argv: readonly string[]): boolean {
  return id === 'check' && argv.some(a => /^--(from|example)(=|$)/.test(a))
}

/** Instances from which a replay is long enough for V8's optimising compiler to pay for itself (see v8Settings). */
export const LONG_RUN_INSTANCES = 5000

/** Turns V8's optimising compiler back on (v8Settings turned it off for a replay) before the checks of a large snapshot. */
export async function optimiseLongRun(instances: number): Promise<void> {
  if (instances < LONG_RUN_INSTANCES) return
  const {setFlagsFromString} = await import('node:v8')
  setFlagsFromString('--opt')
}
