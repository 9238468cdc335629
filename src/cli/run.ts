/**
 * bin/run.js's direct path: `efsdoctor <command> …` runs the command's module without oclif (whose Config.load and
 * 640 KB of code were about 100 ms of every run). oclif still answers help (`--help`, `-h`, `help`), completion,
 * unknown commands and a first word that is a flag, from oclif.manifest.json.
 */
import {oneLine} from '../core/sanitize.js'
import {exitOnSignals} from './signals.js'
import {compileShellGrammar} from '../core/shell-parser.js'

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
  if (id === 'lint') return true
  return id === 'check' && argv.some(a => /^--(from|example)(=|$)/.test(a))
}

/** Called by bin/run.js with the command line before it imports the command's module. */
export function warmUp(id: string, argv: readonly string[]): void {
  if (readsUserDataFile(id, argv)) compileShellGrammar()
}

/**
 * Instances from which a check run is long enough for V8's optimising compiler to pay for itself, which bin/run.js
 * turned off for short runs: at 10,000 instances the run was 5% slower without it, at 5,000 still 3% faster.
 */
export const LONG_RUN_INSTANCES = 5000

/** Turns V8's optimising compiler back on (bin/run.js shortRunSettings) before the checks of a large snapshot. */
export async function optimiseLongRun(instances: number): Promise<void> {
  if (instances < LONG_RUN_INSTANCES) return
  const {setFlagsFromString} = await import('node:v8')
  setFlagsFromString('--opt')
}
