/**
 * Shared flags and error handling for every efsdoctor command.
 * Could-not-run errors print one line on stderr and exit 2 (a stack trace only with --debug).
 */
import {Command, Errors, Flags} from '@oclif/core'
import {closeSync, openSync, renameSync, rmSync, writeSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {UsageError} from './core/errors.js'
import {escapeUnsafe, oneLine} from './core/sanitize.js'

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

export abstract class BaseCommand extends Command {
  /**
   * Writes `text` (one string, or pieces written as they come) to --output-file when given (atomically), else to
   * stdout, ending with a newline. Unsafe characters (terminal escapes, bidi overrides, …) are shown escaped unless
   * the text was built from sanitized parts (`sanitized`).
   */
  protected emit(text: string | Iterable<string>, outputFile?: string, opts: {sanitized?: boolean} = {}): void {
    const body = withNewline(typeof text === 'string' ? [text] : text, opts.sanitized ? s => s : escapeUnsafe)
    if (outputFile !== undefined) writeFileAtomic(checkOutputFile(outputFile), body)
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

  protected async catch(err: Error & {exitCode?: number; code?: string; oclif?: {exit?: number}}): Promise<unknown> {
    if (err instanceof Errors.ExitError || err.code === 'EEXIT') return super.catch(err)
    const debug = this.argv.includes('--debug') || Boolean(process.env.EFSDOCTOR_DEBUG)
    if (debug) process.stderr.write(`${err.stack ?? err.message}\n`)
    // NOTE: oclif's flag errors start with "The following error(s) occurred:" and end with "See more help with --help".
    const missing = missingArgs(err.message ?? '')
    // NOTE: our own errors are one line by design: a newline in a quoted value is shown as \\n, never a second line.
    const ours = err instanceof UsageError || err.name === 'UsageError'
    // NOTE: oclif wraps an error from a flag's parse as "Parsing --flag\n\t<reason>\nSee more help with --help": the
    // reason is the line worth printing.
    const parsing = /^Parsing --[\w-]+\s*\n/.test(err.message ?? '')
    const lines = ours && !parsing ? [err.message] : (missing ? `missing argument ${missing}` : err.message || String(err)).split('\n').map(l => l.trim())
      .filter(l => l && !/^The following errors? occurred:?$/i.test(l) && !/^See more help with/i.test(l) && !(parsing && /^Parsing --[\w-]+$/.test(l)))
    const flag = parsing ? /^Parsing (--[\w-]+)/.exec(err.message)![1] : undefined
    const joined = lines.length > 1 && (parsing || /^The following errors? occurred/i.test(err.message)) ? lines.join('; ') : lines[0] || 'unknown error'
    const first = flag && !joined.includes(flag) ? `${flag}: ${joined}` : joined
    const hint = err.oclif?.exit === 2 && !ours ? ' (see --help)' : ''
    process.stderr.write(`efsdoctor: ${oneLine(first.replace(/^Error:\s*/, ''))}${hint}\n`)
    process.exitCode = 2
    throw new Errors.ExitError(2)
  }
}

/** oclif words a missing argument as "Missing 1 required arg:\n<name>  <description>"; name it on one line. */
function missingArgs(message: string): string | undefined {
  if (!/^Missing \d+ required args?:/.test(message)) return undefined
  const names = message.split('\n').slice(1).map(l => l.trim()).filter(l => /^\S+\s{2,}/.test(l) || /^\S+$/.test(l))
    .filter(l => !/^Note:|^See more help/.test(l)).map(l => `<${l.split(/\s+/)[0]}>`)
  return names.length > 0 ? names.join(', ') : undefined
}

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
 * truncated report where a good one was. `body` may come in pieces (written as they come).
 */
export function writeFileAtomic(file: string, body: string | Iterable<string>): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`)
  try {
    const fd = openSync(tmp, 'wx')
    try {
      for (const piece of typeof body === 'string' ? [body] : body) writeSync(fd, piece)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, {force: true})
    const code = (error as NodeJS.ErrnoException).code ?? ''
    const why = WRITE_ERRORS[code] ?? (error as Error).message.split('\n')[0]
    throw new UsageError(`cannot write ${file}: ${why}`)
  }
}
