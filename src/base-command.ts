/**
 * Shared flags and error handling for every efsdoctor command.
 * Could-not-run errors print one line on stderr and exit 2 (a stack trace only with --debug).
 */
import {Command, Errors, Flags} from '@oclif/core'
import {writeFileSync} from 'node:fs'

export const awsFlags = {
  region: Flags.string({char: 'r', description: 'AWS region (default: AWS_REGION / the profile\'s region).', env: 'AWS_REGION'}),
  profile: Flags.string({description: 'Named AWS profile (default: AWS_PROFILE / the default credential chain).'}),
  'endpoint-url': Flags.string({description: 'Send every AWS call to this AWS-compatible endpoint (the SDK also honours AWS_ENDPOINT_URL).'}),
}

export const debugFlag = {
  debug: Flags.boolean({description: 'Print stack traces and AWS errors in full.', default: false}),
}

export abstract class BaseCommand extends Command {
  /** Writes `text` to --output-file when given, else to stdout. */
  protected emit(text: string, outputFile?: string): void {
    const body = text.endsWith('\n') ? text : `${text}\n`
    if (outputFile) writeFileSync(outputFile, body)
    else process.stdout.write(body)
  }

  /** A one-line warning on stderr, in the tool's style (`efsdoctor: warning: …`). */
  protected warnLine(text: string): void {
    process.stderr.write(`efsdoctor: warning: ${text.replace(/[\r\n]+/g, ' ')}\n`)
  }

  /** One line on stderr when stderr is a terminal (progress never touches stdout). */
  protected progress(line: string): void {
    if (process.stderr.isTTY) process.stderr.write(`\u001B[2m… ${line}\u001B[0m\n`)
  }

  protected async catch(err: Error & {exitCode?: number; code?: string; oclif?: {exit?: number}}): Promise<unknown> {
    if (err instanceof Errors.ExitError || err.code === 'EEXIT') return super.catch(err)
    const debug = this.argv.includes('--debug') || Boolean(process.env.EFSDOCTOR_DEBUG)
    if (debug) process.stderr.write(`${err.stack ?? err.message}\n`)
    // NOTE: oclif's flag errors start with "The following error(s) occurred:" and end with "See more help with --help".
    const missing = missingArgs(err.message ?? '')
    const lines = (missing ? `missing argument ${missing}` : err.message || String(err)).split('\n').map(l => l.trim())
      .filter(l => l && !/^The following errors? occurred:?$/i.test(l) && !/^See more help with/i.test(l))
    const first = lines.length > 1 && /^The following errors? occurred/i.test(err.message) ? lines.join('; ') : lines[0] ?? 'unknown error'
    const hint = err.oclif?.exit === 2 && !(err.name === 'UsageError') ? ' (see --help)' : ''
    process.stderr.write(`efsdoctor: ${first.replace(/^Error:\s*/, '')}${hint}\n`)
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
