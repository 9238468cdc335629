import {Args, Flags} from '../cli/flags.js'
import {awsFlags, awsOptions, BaseCommand, debugFlag} from '../base-command.js'
import {UsageError} from '../core/errors.js'
import type {ServiceEventReason, StoppedReason} from '../inventory/stopped-tasks.js'
import {type Explanation, explain, printable} from '../remote/explain.js'
import {shellWord} from '../core/shell.js'
import {terminalWidth} from '../report/terminal.js'
import {wrapProse} from '../report/wrap.js'

interface ReasonExplanation extends Explanation {
  source: StoppedReason['source']
  count: number
  taskArns: string[]
}

interface EventExplanation extends Explanation {
  service: string
  count: number
  latest: string
}

export default class ExplainCmd extends BaseCommand {
  static summary = 'Explain an EFS/ECS error message: its likely causes, the checks that confirm them, and the fix.'
  static description = `Paste a mount error, an efs-utils log line or an ECS stoppedReason, or give - (or nothing, when stdin is a file or a pipe) to read a whole log from stdin (up to 16 MB; for a multi-line paste each match names its line). With --cluster, the reasons of the cluster's recently stopped tasks (stoppedReason and container reasons) and the error events its services logged in the last 24 hours (ResourceInitializationError, CannotCreateContainerError, placement failures) are explained too.

Exit codes: 0 = at least one message was recognised; 1 = nothing matched; 2 = could not run.`

  static examples = [
    '<%= config.bin %> explain "mount.nfs4: Connection timed out"',
    '<%= config.bin %> explain "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve ..."',
    '<%= config.bin %> explain < /var/log/amazon/efs/mount.log',
    'journalctl -k | <%= config.bin %> explain',
    '<%= config.bin %> explain --cluster prod --region eu-west-1',
  ]

  static args = {
    message: Args.string({description: 'The error text (quote it), or - to read it from stdin.', required: false}),
  }

  static flags = {
    cluster: Flags.string({char: 'c', description: 'Also explain why this cluster\'s recently stopped tasks stopped, and its services\' recent error events.'}),
    output: Flags.string({char: 'o', description: 'Output format.', options: ['table', 'json'], default: 'table'}),
    ...awsFlags,
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ExplainCmd)
    const text = (args.message === '-' || (args.message === undefined && !flags.cluster && await stdinIsRedirected()) ? await readStdin() : args.message)?.trim()
    if (!text && !flags.cluster) throw new UsageError('give an error message to explain (in quotes), or --cluster to read stopped tasks')
    const pasted = text ? explain(text) : undefined
    // NOTE: a lone word that names a file was meant as the file's contents: say how to give them.
    if (pasted && pasted.matches.length === 0 && args.message && args.message !== '-' && /^\S+$/.test(args.message)) {
      const {existsSync} = await import('node:fs')
      if (existsSync(args.message)) process.stderr.write(`efsdoctor: ${printable(args.message)} is a file; to explain what it holds: ${printable(`efsdoctor explain - < ${shellWord(args.message)}`)}\n`)
    }
    let stopped: ReasonExplanation[] | undefined
    let events: EventExplanation[] | undefined
    let eventsError: string | undefined
    if (flags.cluster) {
      const {createClients} = await import('../inventory/aws-clients.js')
      const {readServiceEvents, readStoppedReasons} = await import('../inventory/stopped-tasks.js')
      const {fatalError} = await import('../inventory/call.js')
      const clients = await createClients(awsOptions(flags))
      const oneLine = (error: unknown) => `${(error as Error).name}: ${(error as Error).message.split('\n')[0]}`
      const [reasons, serviceEvents] = await Promise.allSettled([
        readStoppedReasons(clients.ecs, flags.cluster), readServiceEvents(clients.ecs, flags.cluster)])
      if (reasons.status === 'rejected') {
        throw fatalError(reasons.reason, flags.region, flags['endpoint-url']) ?? new UsageError(`cannot read stopped tasks of ${flags.cluster}: ${oneLine(reasons.reason)}`)
      }
      stopped = reasons.value.map(r => ({...explain(r.reason), source: r.source, count: r.count, taskArns: r.taskArns}))
      if (serviceEvents.status === 'fulfilled') {
        events = serviceEvents.value.map(e => ({...explain(e.reason), service: e.service, count: e.count, latest: e.latest}))
      } else {
        // NOTE: the stopped tasks are still worth showing; say plainly what could not be read.
        eventsError = `could not read the service events of ${flags.cluster}: ${oneLine(serviceEvents.reason)}`
        process.stderr.write(`efsdoctor: ${printable(eventsError)}\n`)
      }
    }
    const matched = Boolean(pasted?.matches.length) || Boolean(stopped?.some(s => s.matches.length)) ||
      Boolean(events?.some(e => e.matches.length))
    if (flags.output === 'json') {
      this.emit(JSON.stringify({matched, ...(pasted ? {message: pasted} : {}), ...(stopped ? {stoppedTasks: stopped} : {}),
        ...(events ? {serviceEvents: events} : {}), ...(eventsError ? {serviceEventsError: eventsError} : {})}, null, 2))
    } else {
      const blocks: string[] = []
      const width = terminalWidth()
      if (pasted) blocks.push(renderExplanation(pasted, undefined, width))
      if (stopped) {
        blocks.push(stopped.length === 0
          ? `No stopped tasks in ${flags.cluster} (ECS keeps them for about an hour).\n`
          : `Recently stopped tasks in ${flags.cluster}: ${stopped.length} distinct reason(s)\n`)
        for (const s of stopped) blocks.push(renderExplanation(s, `${s.count}× ${s.source} reason, e.g. ${s.taskArns[0]}`, width))
      }
      if (events) {
        blocks.push(events.length === 0
          ? `No error events from the services of ${flags.cluster} in the last 24 hours.\n`
          : `Service error events in ${flags.cluster} (last 24 hours): ${events.length} distinct message(s)\n`)
        for (const e of events) blocks.push(renderExplanation(e, `${e.count}× in service ${e.service}, latest ${e.latest}`, width))
      }
      if (!matched) blocks.push(`No known EFS/ECS error signature matched. Run "efsdoctor check --cluster <name>" to test every link.\n`)
      this.emit(blocks.join('\n'))
    }
    if (!matched) this.exit(1)
  }
}

const MAX_STDIN = 16 * 1024 * 1024

/**
 * Whether stdin is a file or a pipe (`explain < mount.log`, `journalctl | efsdoctor explain`), so that no message at all
 * means "read it", as with `-`. Not a terminal, /dev/null or a socket: those still get the usage line.
 */
async function stdinIsRedirected(): Promise<boolean> {
  const {fstatSync} = await import('node:fs')
  try {
    const st = fstatSync(0)
    return st.isFile() || st.isFIFO()
  } catch {
    return false
  }
}

/** All of stdin as UTF-8, refusing more than 16 MB (a paste, not a disk image). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin) {
    // NOTE: stdin yields Buffers; Buffer.from(buffer) would copy each one again.
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk as Buffer
    size += bytes.length
    if (size > MAX_STDIN) throw new UsageError('stdin holds more than 16 MB; give the relevant part of the log')
    chunks.push(bytes)
  }
  return Buffer.concat(chunks, size).toString('utf8')
}

export function renderExplanation(e: Explanation, context?: string, width = Number.POSITIVE_INFINITY): string {
  // Each line wrapped at the terminal's width with a hanging indent (`indent` before it, `hang` more after its first row).
  const out: string[] = []
  const add = (text: string, indent: number, hang: number) => out.push(...(Number.isFinite(width) ? wrapProse(text, width, indent, hang) : [`${' '.repeat(indent)}${text}`]))
  add(`Message: ${printable(e.input)}`, 0, 2)
  if (context) add(`(${printable(context)})`, 2, 1)
  if (e.matches.length === 0) add('no known signature', 2, 0)
  for (const m of e.matches) {
    add(`▸ ${m.title}   [matched: "${printable(m.matched, 120)}"]`, 2, 2)
    if (m.line) add(`line ${m.line.number}: ${printable(m.line.text.trim(), 200)}`, 4, 2)
    m.causes.forEach((c, i) => add(`${i + 1}. ${c}`, 4, 3))
    if (m.checks.length) add(`confirm with: ${m.checks.join(', ')}`, 4, 2)
    add(`fix: ${m.fix}`, 4, 2)
  }
  return `${out.join('\n')}\n`
}
