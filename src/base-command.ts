/**
 * Shared flags and error handling for every efsdoctor command.
 * Could-not-run errors print one line on stderr and exit 2 (a stack trace only with --debug).
 */
import {closeSync, lstatSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {UsageError} from './core/errors.js'
import {FS_ID_RE, REGION_RE} from './model/ids.js'
import {oneLine, outputEscaper, type EmitOptions} from './core/sanitize.js'
import {type Arg, type ArgValues, type Flag, type FlagValues, Flags} from './cli/flags.js'
import {parseArgv} from './cli/parse.js'

export const awsFlags = {
  region: Flags.string({char: 'r', description: 'AWS region (default: AWS_REGION / the profile\'s region).', env: 'AWS_REGION'}),
  profile: Flags.string({description: 'Named AWS profile (default: AWS_PROFILE / the default credential chain).'}),
  'endpoint-url': Flags.string({description: 'Send every AWS call to this AWS-compatible endpoint (the SDK also honours AWS_ENDPOINT_URL).',
    parse: async value => endpointUrl(value)}),
  'connect-timeout': Flags.integer({description: 'Seconds to open a connection to AWS (default 3).', env: 'EFSDOCTOR_CONNECT_TIMEOUT', min: 1, max: 600}),
  'request-timeout': Flags.integer({description: 'Seconds one AWS request may wait for its answer (default 30).', env: 'EFSDOCTOR_REQUEST_TIMEOUT', min: 1, max: 3600}),
}

/** --endpoint-url as given when it is an http(s) URL with a host; anything else is a usage error, not a run of unknowns. */
export function endpointUrl(value: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {}
  if (!url || !/^https?:$/.test(url.protocol) || !url.hostname) {
    throw new UsageError(`--endpoint-url ${JSON.stringify(value)} is not an http:// or https:// URL`)
  }
  return value
}

/** The AWS connection settings of the flags above, as the client factory takes them. */
export function awsOptions(flags: {region?: string; profile?: string; 'endpoint-url'?: string; 'connect-timeout'?: number; 'request-timeout'?: number}):
  {region?: string; profile?: string; endpointUrl?: string; connectTimeout?: number; requestTimeout?: number} {
  return {region: flags.region, profile: flags.profile, endpointUrl: flags['endpoint-url'],
    connectTimeout: flags['connect-timeout'], requestTimeout: flags['request-timeout']}
}

/** The run deadline of commands that collect: unanswered calls become gaps and the report still prints. */
export const runTimeoutFlag = {
  timeout: Flags.integer({description: 'Seconds for the whole run; AWS calls still unanswered then become unknowns (default: 50, plus --probe-timeout + 60 when probing).',
    env: 'EFSDOCTOR_TIMEOUT', min: 1, max: 86400}),
}

export const debugFlag = {
  debug: Flags.boolean({description: 'Print stack traces and AWS errors in full.', default: false}),
}

/**
 * Ends a run with an exit code (this.exit(1), or 2 after a could-not-run line). Shaped like oclif's ExitError (code
 * EEXIT, oclif.exit) so that oclif's error handler, when oclif runs a command, exits with the code and prints nothing.
 */
export class ExitError extends Error {
  readonly code = 'EEXIT'
  readonly oclif: {exit: number}
  readonly skipOclifErrorHandling = true
  constructor(readonly exitCode: number) {
    super(`EEXIT: ${exitCode}`)
    this.oclif = {exit: exitCode}
  }
}

/**
 * The base of every efsdoctor command. It does not extend oclif's Command (bundled, @oclif/core is 640 KB that every
 * run would compile): it has the statics oclif's help, completion and manifest read, and the static `run(argv)` that
 * both oclif and bin/run.js's direct path (src/cli/run.ts) call.
 */
export abstract class BaseCommand {
  static id?: string
  static summary?: string
  static description?: string
  static examples?: string[]
  static flags?: Record<string, Flag>
  static args?: Record<string, Arg>
  /** Read by oclif's manifest: no command takes loose arguments or oclif's --json flag. */
  static strict = true
  static enableJsonFlag = false

  /**
   * Runs the command on `argv` (the words after its name) and resolves when it is done; a run that must end with a
   * code other than 0 rejects with ExitError. The second parameter (oclif's config, when oclif calls) is not used.
   */
  static async run(this: new (argv: string[]) => BaseCommand, argv: string[] = process.argv.slice(3), _config?: unknown): Promise<void> {
    const cmd = new this(argv)
    try {
      await cmd.run()
    } catch (error) {
      await cmd.catch(error as Error)
    }
  }

  constructor(protected argv: string[]) {}

  abstract run(): Promise<void>

  /** The command's flags and arguments from its argv; deprecated spellings are warned about on stderr. */
  protected async parse<F extends Record<string, Flag>, A extends Record<string, Arg> = Record<string, never>>(cls: {flags?: F; args?: A}):
    Promise<{flags: FlagValues<F>; args: ArgValues<A>}> {
    const parsed = await parseArgv(this.argv, {flags: cls.flags, args: cls.args})
    for (const w of parsed.warnings) this.warnLine(w)
    return {flags: parsed.flags as FlagValues<F>, args: parsed.args as ArgValues<A>}
  }

  /** Ends the run with `code`, after what was written so far. */
  protected exit(code = 0): never {
    throw new ExitError(code)
  }

  /**
   * Writes `text` (one string, or pieces written as they come) to --output-file when given (atomically), else (or
   * for `-`) to stdout, ending with a newline. Unsafe characters (terminal escapes, bidi overrides, …) are shown escaped unless
   * the text was built from sanitized parts (`sanitized`); JSON.stringify's text (`json`) is checked more quickly.
   */
  protected emit(text: string | Iterable<string>, outputFile?: string, opts: EmitOptions = {}): void {
    const body = withNewline(typeof text === 'string' ? [text] : text, outputEscaper(opts))
    if (!toStdout(outputFile)) writeFileAtomic(checkOutputFile(outputFile), body)
    else for (const piece of body) process.stdout.write(piece)
  }

  /** A one-line warning on stderr, in the tool's style (`efsdoctor: warning: …`). */
  protected warnLine(text: string): void {
    process.stderr.write(`efsdoctor: warning: ${text.replace(/[\r\n]+/g, ' ')}\n`)
  }

  /** One line on stderr when stderr is a terminal (progress never touches stdout). */
  protected progress(line: string): void {
    if (process.stderr.isTTY) process.stderr.write(`\u001B[2m… ${oneLine(line)}\u001B[0m\n`)
  }

  /**
   * Where every error of a run ends: an ExitError passes on; anything else is one line on stderr (its stack too
   * with --debug) and exit 2. Mistakes on the command line add "(see --help)".
   */
  protected async catch(err: Error & {seeHelp?: boolean}): Promise<never> {
    if (err instanceof ExitError) throw err
    const debug = this.argv.includes('--debug') || Boolean(process.env.EFSDOCTOR_DEBUG)
    if (debug) process.stderr.write(`${err.stack ?? err.message}\n`)
    // NOTE: one line by design: a newline in a quoted value is shown as \n, never a second line.
    const message = (err.message || String(err)).replace(/^Error:\s*/, '')
    process.stderr.write(`efsdoctor: ${oneLine(message)}${err.seeHelp ? ' (see --help)' : ''}\n`)
    process.exitCode = 2
    throw new ExitError(2)
  }
}

/** Whether an --output-file value means stdout: none given, or `-`. */
/** Every --file-system value is an EFS file system id (fs- and 8 or 17 hex digits); else a UsageError naming it. */
export function checkFileSystemIds(ids: readonly string[] | undefined): void {
  for (const id of ids ?? []) if (!FS_ID_RE.test(id)) throw new UsageError(`"${id}" is not an EFS file system id (fs-… with 8 or 17 hex digits)`)
}

/** A --region value is an AWS region name (us-east-1, cn-north-1, us-gov-west-1); else a UsageError naming it. */
export function checkRegion(region: string | undefined): void {
  if (region !== undefined && !REGION_RE.test(region)) throw new UsageError(`"${region}" is not an AWS region name (e.g. eu-west-1)`)
}

export const toStdout = (file: string | undefined): file is undefined | '-' => file === undefined || file === '-'

/** An --output-file value, refused when empty (it would otherwise silently mean stdout). */
export function checkOutputFile(file: string): string {
  if (file.trim() === '') throw new UsageError('--output-file needs a file name (omit the flag to write to stdout)')
  return file
}

/** Why a file could not be written, in words (the temporary file's name would only confuse). */
const WRITE_ERRORS: Record<string, string> = {
  ENOENT: 'no such directory', ENOTDIR: 'a part of the path is not a directory', EACCES: 'permission denied',
  EPERM: 'permission denied', EROFS: 'read-only file system', ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded', EISDIR: 'it is a directory',
}

/** The pieces passed through `map`, with a newline after the last unless it ends with one. */
function* withNewline(pieces: Iterable<string>, map: (s: string) => string): Generator<string> {
  let last = ''
  for (const p of pieces) {
    if (p === '') continue
    last = map(p)
    yield last
  }
  if (!last.endsWith('\n')) yield '\n'
}

/**
 * Writes a temporary file next to `file` and renames it into place, so a full disk or a crash never leaves a
 * truncated report where a good one was. `body` may come in pieces (written as they come). A symbolic link is
 * followed (its target is replaced, the link stays); a path that exists and is not a regular file — /dev/null,
 * /dev/stdout, a FIFO — is written into, as a shell's `>` would: renaming over it would replace the device node or
 * the pipe itself (as root, /dev/null for every later process).
 */
export function writeFileAtomic(file: string, body: string | Iterable<string>): void {
  const target = existingTarget(file)
  if (target && !target.regular) return writeInto(file, body)
  const path = target?.path ?? file
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`)
  try {
    writePieces(tmp, 'wx', body)
    renameSync(tmp, path)
  } catch (error) {
    rmSync(tmp, {force: true})
    throw writeError(file, error)
  }
}

/**
 * What `file` names when it exists: its real path (links followed) and whether that is a regular file. A link whose
 * target cannot be resolved (not there yet, or /dev/stdout → /proc/self/fd/1 → a pipe) counts as not regular, so it
 * is written through and stays a link.
 */
function existingTarget(file: string): {path: string; regular: boolean} | undefined {
  let link: boolean
  try {
    link = lstatSync(file).isSymbolicLink()
  } catch {
    return undefined
  }
  try {
    const path = link ? realpathSync(file) : file
    const st = statSync(path)
    return {path, regular: st.isFile() || st.isDirectory()}
  } catch {
    return {path: file, regular: false}
  }
}

function writeInto(file: string, body: string | Iterable<string>): void {
  try {
    writePieces(file, 'w', body)
  } catch (error) {
    throw writeError(file, error)
  }
}

/** Opens `file` with `flags`, writes `body` piece by piece and closes it. */
function writePieces(file: string, flags: 'w' | 'wx', body: string | Iterable<string>): void {
  const fd = openSync(file, flags)
  try {
    for (const piece of typeof body === 'string' ? [body] : body) writeSync(fd, piece)
  } finally {
    closeSync(fd)
  }
}

function writeError(file: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code ?? ''
  const why = WRITE_ERRORS[code] ?? (error as Error).message.split('\n')[0]
  return new UsageError(`cannot write ${file}: ${why}`)
}
