/**
 * `efsdoctor lint`: read a CloudFormation template from disk (no AWS calls), build the snapshot it implies, run every
 * check and point the findings at the template's logical ids and lines.
 */
import {allChecks} from '../checks/index.js'
import {withUsedBy} from '../checks/_lib/usage.js'
import {UsageError} from '../core/errors.js'
import {runChecks, selectChecks, type RunOptions} from '../core/run-checks.js'
import {loadShellParserForSnapshot} from '../core/shell-parser.js'
import type {Check, Report} from '../core/types.js'
import type {Snapshot} from '../model/snapshot.js'
import {buildSnapshot} from './build-snapshot.js'
import {locateFindings} from './locate.js'
import {parseTemplate, type TemplateReadOptions} from './template.js'
import {isUserDataScript, scriptSnapshot} from './script.js'
import {MAX_TEMPLATE_BYTES, readInputFile} from '../core/input-file.js'

export {buildSnapshot, type BuildOptions} from './build-snapshot.js'
export {parseTemplate, type ParsedTemplate, type TemplateReadOptions} from './template.js'
export {Resolver} from './intrinsics.js'
export {locateFindings} from './locate.js'

export interface LintOptions extends Pick<RunOptions, 'only' | 'skip' | 'ignores' | 'fingerprints' | 'countPasses'>, TemplateReadOptions {
  region?: string
  /** A UserData script only: the file systems it should mount. */
  fileSystems?: string[]
  clusterName?: string
  checks?: readonly Check[]
  now?: string
}

/** Reads and parses a template file; a missing or unreadable file is a UsageError. */
export function readTemplate(file: string): string {
  const text = readInputFile(file, 'template file', MAX_TEMPLATE_BYTES)
  if (!text.trim()) throw new UsageError(`${file} is empty`)
  return text
}

/** The snapshot of a template, or of a lone UserData script (script.ts) when the file is one. */
export function templateSnapshot(file: string, opts: Pick<LintOptions, 'region' | 'clusterName' | 'now' | 'allowDuplicateKeys' | 'fileSystems'> = {}): Snapshot {
  const text = readTemplate(file)
  if (isUserDataScript(text)) return scriptSnapshot(text, {file, ...opts})
  if (opts.fileSystems?.length) throw new UsageError(`--file-system is for a UserData script given on its own; ${file} is a template, whose file systems lint reads from it`)
  return buildSnapshot(parseTemplate(text, file, opts), {file, ...opts})
}

/** Lint a template whose snapshot is built; the shell parser must be loaded when it has UserData (see lintTemplateFile). */
export function lintTemplate(file: string, opts: LintOptions = {}, built: Snapshot = templateSnapshot(file, opts)): {report: Report; snapshot: Snapshot} {
  // NOTE: usedBy reads UserData mounts, so it is added here, where the shell parser is loaded, not in buildSnapshot.
  const {snapshot, derived} = withUsedBy(built)
  // NOTE: a lone script answers only the userdata checks; the others would all be "a template cannot answer this".
  const checks = (opts.checks ?? allChecks).filter(c => !built.template?.script || c.id.startsWith('userdata/'))
  if (built.template?.script && selectChecks(checks, opts).length === 0) {
    throw new UsageError(`${file} is a UserData script, to which only the userdata/ checks apply; --only/--skip leave none of them`)
  }
  const report = runChecks(checks, snapshot, {only: opts.only, skip: opts.skip, ignores: opts.ignores, derived, fingerprints: opts.fingerprints, countPasses: opts.countPasses},
    {source: 'template', template: file})
  return {report: locateFindings(report, snapshot, file), snapshot}
}

/** The command's entry point: loads the shell parser first, only when the template has UserData. */
export async function lintTemplateFile(file: string, opts: LintOptions = {}): Promise<{report: Report; snapshot: Snapshot}> {
  const snapshot = templateSnapshot(file, opts)
  await loadShellParserForSnapshot(snapshot)
  return lintTemplate(file, opts, snapshot)
}
