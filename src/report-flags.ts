/**
 * Flags and the final step shared by `check` and `lint`: select checks, render, write, decide the exit code.
 */
import {statSync, writeFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {Flags} from './cli/flags.js'
import {allChecks} from './checks/index.js'
import {applyBaseline, loadBaseline} from './core/baseline.js'
import {loadConfig} from './core/config.js'
import {exitCodeFor} from './core/exit-code.js'
import {selectChecks} from './core/run-checks.js'
import {prepareFingerprints} from './core/identity.js'
import {UsageError} from './core/errors.js'
import {sanitizeDeep, type EmitOptions} from './core/sanitize.js'
import {checkOutputFile, toStdout} from './base-command.js'
import type {IgnoreRule} from './core/ignore.js'
import type {FailOn, Finding, Report} from './core/types.js'
import type {Snapshot} from './model/snapshot.js'
import {FORMATS, type Format, renderReportChunks, rendererFor} from './report/index.js'
import {terminalWidth} from './report/terminal.js'

export const reportFlags = {
  output: Flags.string({char: 'o', description: 'Report format.', options: [...FORMATS], default: 'table'}),
  json: Flags.boolean({description: 'Same as --output json.', default: false}),
  'output-file': Flags.string({description: 'Write the report to this file instead of stdout (- is stdout; never the snapshot or template this run reads).'}),
  only: Flags.string({description: 'Run only these check ids (repeatable; an area prefix like network/ selects the area).', multiple: true}),
  skip: Flags.string({description: 'Skip these check ids (repeatable; area prefixes allowed).', multiple: true}),
  'fail-on': Flags.string({description: 'Lowest severity of a failed check that makes the exit code 1.', options: ['error', 'warning', 'info', 'none'], default: 'error'}),
  strict: Flags.boolean({description: 'Also exit 1 when a check at or above --fail-on could not be evaluated (unknown).', default: false}),
  verbose: Flags.boolean({char: 'v', description: 'Table output: list passing and skipped findings too, and every check in the counts table.', default: false}),
  config: Flags.string({description: 'Ignore file (check id + resource + reason). Default: .efsdoctor.yml in the current directory, if present.'}),
  baseline: Flags.string({description: 'A JSON report of an earlier run (--write-baseline or --output json): failures already in it are reported as baselined and do not fail the run; new ones do; gone ones are listed as fixed.'}),
  'write-baseline': Flags.string({description: 'Also write this run\'s JSON report to this file, for a later --baseline.'}),
  write: Flags.string({description: 'Also write the report in FORMAT to FILE, from the same run (repeatable), e.g. --write sarif=efsdoctor.sarif --write markdown=summary.md.', multiple: true}),
}

export interface ReportFlagValues {
  output: string
  json: boolean
  'output-file'?: string
  only?: string[]
  skip?: string[]
  'fail-on': string
  strict: boolean
  verbose: boolean
  config?: string
  baseline?: string
  'write-baseline'?: string
  write?: string[]
}

/** `--write FORMAT=FILE` values as pairs; a bad one is a UsageError before any work is done. */
export function parseWrites(flags: Pick<ReportFlagValues, 'write'>): {format: Format; file: string}[] {
  return (flags.write ?? []).map(w => {
    const i = w.indexOf('=')
    const format = w.slice(0, i) as Format
    const file = w.slice(i + 1)
    if (i < 1 || !file || !FORMATS.includes(format)) throw new UsageError(`--write needs FORMAT=FILE with FORMAT one of ${FORMATS.join(', ')} (got "${w}")`)
    return {format, file}
  })
}

/** Rejects --only/--skip values that match no check (a typo never silently runs nothing) and bad --write values. */
export function validateSelection(flags: Pick<ReportFlagValues, 'only' | 'skip' | 'write' | 'output-file'>): void {
  parseWrites(flags)
  if (flags['output-file'] !== undefined) checkOutputFile(flags['output-file'])
  const ids = allChecks.map(c => c.id as string)
  for (const pattern of [...(flags.only ?? []), ...(flags.skip ?? [])]) {
    const p = pattern.replace(/\*$/, '')
    const ok = p.endsWith('/') ? ids.some(id => id.startsWith(p)) : ids.includes(p)
    if (!ok) {
      const area = ids.some(id => id.startsWith(`${p}/`)) ? ` (for the area, ${p}/)` : ''
      throw new UsageError(`unknown check id "${pattern}"${area} (efsdoctor checks lists them)`)
    }
  }
  if ((flags.only?.length || flags.skip?.length) && selectChecks(allChecks, flags).length === 0) {
    throw new UsageError('--only and --skip leave no check to run: a run of nothing would report nothing failed')
  }
}

/**
 * Refuses a run that would write its report over what it reads (`inputs`: the snapshot or the template; a lost
 * template is gone) or write two outputs (--output-file, --write, --write-baseline) to one file, before any work.
 * Files are compared as the system sees them (links and relative paths followed); a device or a pipe such as
 * /dev/null or /dev/stdout may take any number of outputs. --baseline may be rewritten: it is read first.
 */
export function validateOutputs(flags: Pick<ReportFlagValues, 'write' | 'output-file' | 'write-baseline'>, inputs: readonly {file: string; what: string}[]): void {
  const outputs = [
    ...(toStdout(flags['output-file']) ? [] : [{file: flags['output-file'], what: '--output-file'}]),
    ...parseWrites(flags).map(w => ({file: w.file, what: `--write ${w.format}`})),
    ...(flags['write-baseline'] ? [{file: flags['write-baseline'], what: '--write-baseline'}] : []),
  ]
  const identity = (file: string): string | undefined => {
    try {
      const st = statSync(file)
      return st.isFile() ? `${st.dev}:${st.ino}` : undefined
    } catch {
      return `new:${resolve(file)}`
    }
  }
  const seen = new Map<string, {what: string; input: boolean}>()
  for (const input of inputs) {
    const id = identity(input.file)
    if (id) seen.set(id, {what: input.what, input: true})
  }
  for (const output of outputs) {
    const id = identity(output.file)
    if (id === undefined) continue
    const earlier = seen.get(id)
    if (earlier?.input) throw new UsageError(`${output.what} ${output.file} is ${earlier.what}: the report would replace it; write it to another file`)
    if (earlier) throw new UsageError(`${earlier.what} and ${output.what} both name ${output.file}: give each output its own file`)
    seen.set(id, {what: output.what, input: false})
  }
}

/** Ignore rules from --config or ./.efsdoctor.yml (none when neither exists); bad files throw UsageError (exit 2). */
export function loadIgnores(flags: Pick<ReportFlagValues, 'config'>): IgnoreRule[] {
  return loadConfig({explicit: flags.config, knownIds: allChecks.map(c => c.id)}).ignores
}

/**
 * Whether what this run writes only counts passes (runChecks countPasses): the table (and no other format) without
 * --verbose and without baselines. Ignore rules do not matter: they never mark a pass (core/ignore.ts).
 */
export function onlyCountsPasses(flags: Pick<ReportFlagValues, 'output' | 'json' | 'write' | 'baseline' | 'write-baseline' | 'verbose'>): boolean {
  return !needsFingerprints(flags) && !flags.verbose
}

/** Whether anything this run writes reads the findings' fingerprints: every format but the table, and the baselines. */
export function needsFingerprints(flags: Pick<ReportFlagValues, 'output' | 'json' | 'write' | 'baseline' | 'write-baseline'>): boolean {
  return selectedFormat(flags) !== 'table' || parseWrites(flags).some(w => w.format !== 'table') || Boolean(flags.baseline || flags['write-baseline'])
}

export function selectedFormat(flags: Pick<ReportFlagValues, 'output' | 'json'>): Format {
  // NOTE: --output defaults to table, so only another format given with --json is a contradiction.
  if (flags.json && flags.output !== 'json' && flags.output !== 'table') {
    throw new UsageError(`--json and --output ${flags.output} ask for two formats: give one (--write ${flags.output}=FILE writes another from the same run)`)
  }
  return (flags.json ? 'json' : flags.output) as Format
}

/**
 * `f` with every string sanitized except in its evidence, which is not walked: `f` itself when nothing walked changes
 * (copying 4,000 unknowns only to leave their evidence out was ~5 ms of a 1,000-instance table), else a copy without
 * evidence.
 */
function shown(f: Finding): Finding {
  let copy: Record<string, unknown> | undefined
  for (const k in f) {
    if (k === 'evidence') continue
    const v = (f as unknown as Record<string, unknown>)[k]
    const clean = sanitizeDeep(v)
    if (clean === v) continue
    if (!copy) {
      const {evidence: _evidence, ...rest} = f
      copy = rest
    }
    copy[k] = clean
  }
  return (copy ?? f) as Finding
}

/**
 * The table without --verbose prints the fails and unknowns and only counts the others by check id: a copy with those
 * sanitized and every other finding reduced to what is counted (its check id and status, both ours, never data).
 * Sanitizing the 15,000 passes of a 1,000-instance report cost ~40 ms of every run. The table never prints evidence,
 * so it is not sanitized (`shown`): walking the evidence of the 4,000 unknowns of such a run was another ~8 ms. Only
 * for the table: any other format gets sanitizeDeep.
 */
export function sanitizeShown(report: Report): Report {
  const findings = report.findings.map(f => f.status === 'fail' || f.status === 'unknown' ? shown(f) : {checkId: f.checkId, status: f.status} as Finding)
  return {...sanitizeDeep({...report, findings: []}), findings}
}

/**
 * Loads what finishReport will need — the renderers of the formats this run writes and, when fingerprints are read,
 * node:crypto — so a caller can do it while it waits for something else (check: the bash grammar; ~5–10 ms of a
 * healthy.json run that the wait would otherwise waste).
 */
export async function prepareReport(flags: Pick<ReportFlagValues, 'output' | 'json' | 'write' | 'baseline' | 'write-baseline'>): Promise<void> {
  if (needsFingerprints(flags)) prepareFingerprints()
  await Promise.all([selectedFormat(flags), ...parseWrites(flags).map(w => w.format)].map(f => rendererFor(f)))
}

/** The --baseline report, read and validated before any work (a bad file is exit 2 before AWS is called). */
export async function loadBaselineFlag(flags: Pick<ReportFlagValues, 'baseline'>): Promise<Baseline | undefined> {
  return flags.baseline ? {file: flags.baseline, report: await loadBaseline(flags.baseline)} : undefined
}

export interface Baseline { file: string; report: Report }

/**
 * Writes --write-baseline, compares with --baseline, renders and writes the report and every --write (html and
 * markdown draw `snapshot`); returns the exit code (0 or 1) the command should end with.
 */
export async function finishReport(raw: Report, snapshot: Snapshot, flags: ReportFlagValues, emit: (text: string | Iterable<string>, file?: string, opts?: EmitOptions) => void, baseline?: Baseline): Promise<0 | 1> {
  if (flags['write-baseline']) writeFileSync(flags['write-baseline'], `${JSON.stringify(raw, null, 2)}\n`)
  const report = baseline ? applyBaseline(raw, baseline.report, baseline.file) : raw
  const format = selectedFormat(flags)
  const toFile = !toStdout(flags['output-file'])
  const color = format === 'table' && !toFile && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR
  const width = toFile ? 100 : terminalWidth()
  // NOTE: JSON keeps the data as it is (emit escapes what a terminal must not see); every other format renders a
  // copy stripped of controls and bidi overrides, so only our own colours reach the terminal. Copies are made only
  // when a format needs them (the snapshot only for the drawings of html and markdown).
  let cleanReport: Report | undefined
  let cleanCounted: Report | undefined
  let cleanSnapshot: Snapshot | undefined
  const drawing = (f: Format) => f === 'html' || f === 'markdown'
  const clean = (f: Format): Report => f === 'table' && !flags.verbose ? (cleanCounted ??= sanitizeShown(report)) : (cleanReport ??= sanitizeDeep(report))
  const render = (f: Format, c: boolean, w: number) => renderReportChunks(f, f === 'json' ? report : clean(f),
    {catalogue: allChecks, color: c, verbose: flags.verbose, width: w,
      snapshot: f === 'json' ? snapshot : drawing(f) ? (cleanSnapshot ??= sanitizeDeep(snapshot)) : undefined})
  emit(await render(format, color, width), flags['output-file'], {sanitized: format !== 'json', json: format === 'json'})
  for (const w of parseWrites(flags)) emit(await render(w.format, false, 100), w.file, {sanitized: w.format !== 'json', json: w.format === 'json'})
  return exitCodeFor(report, flags['fail-on'] as FailOn, flags.strict)
}
