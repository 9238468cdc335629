/**
 * Runs a shell script on EC2 instances through SSM Run Command (AWS-RunShellScript).
 * This interface is what probe and mount use; the real implementation lives beside it.
 */
import {setMaxListeners} from 'node:events'
import {awsErrorCode} from '../core/errors.js'
import {sdk as loadSdk, type SdkClient} from '../inventory/aws-clients.js'
import {chunk, mapLimit, raceSignal} from '../inventory/call.js'
import {trimTrailing} from '../core/trim.js'

export type InvocationStatus =
  | 'Success' | 'Failed' | 'TimedOut' | 'Cancelled' | 'Undeliverable' | 'Terminated' | 'InvalidPlatform'
  | 'AccessDenied' | 'DeliveryTimedOut' | 'ExecutionTimedOut' | 'NotManaged' | 'Error'

export interface InvocationResult {
  instanceId: string
  status: InvocationStatus
  /** Script exit code, when it ran. */
  exitCode?: number
  stdout: string
  stderr: string
  /** Human-readable reason when status is not Success. */
  reason?: string
  /** True when stdout reached SSM's inline limit (24,000 characters): the tail is missing. */
  truncated?: boolean
  /** Set when the result could not be read (reads kept failing): the command may still be running on the host. */
  unread?: {commandId: string; error: string}
}

export interface RunOptions {
  /** Seconds the script may run on the host (SSM executionTimeout). */
  timeoutSeconds: number
  /** Seconds to wait overall for all results before giving up (per-instance results become TimedOut). */
  waitSeconds?: number
  maxConcurrency?: string
  maxErrors?: string
  comment?: string
  /** The run's deadline (--timeout): when it fires, the wait ends and pending instances time out. */
  signal?: AbortSignal
}

/** Poll rounds in a row whose reads all failed (5xx, throttling after retries) before the wait gives up on a command. */
export const READ_FAILURE_LIMIT = 5

export interface SsmRunner {
  /** Runs `script` on every instance; never throws for a per-instance failure (that is data). */
  run(instanceIds: string[], script: string, opts: RunOptions): Promise<InvocationResult[]>
}

// ---------------------------------------------------------------------------------------------------------------
// The real runner: SendCommand (≤ 50 instances per call) + our own polling.


/** SendCommand accepts at most 50 instance ids per call. */
export const MAX_INSTANCES_PER_COMMAND = 50
/** GetCommandInvocation returns at most this many characters of stdout (and 8,000 of stderr). */
export const SSM_STDOUT_LIMIT = 24000
/** ListCommandInvocations (Details=true) returns at most this many characters of plugin output. */
export const SSM_PLUGIN_OUTPUT_LIMIT = 2500
/**
 * SendCommand batches in flight at once (each starts work on up to 50 hosts). 20 sends a 1,000-host fleet in one wave,
 * so the probe costs the same number of dependent rounds at every size up to that; if SSM throttles the burst, the
 * SDK's adaptive retry slows the client down instead of failing.
 */
export const SEND_CONCURRENCY = 20
/**
 * Read calls of one kind in flight at once: DescribeInstanceInformation chunks, and the ListCommandInvocations of
 * one poll round (one per command). 20 covers 1,000 instances in a single wave; more waits its turn.
 */
export const READ_CONCURRENCY = 20
/** GetCommandInvocation calls in flight at once (only for outputs the List call cut, or when List is unusable). */
export const GET_CONCURRENCY = 16

/** aws:runShellScript plugin output puts stderr after stdout, behind this line. */
const STDERR_MARK = '----------ERROR-------'
/** The agent's own truncation notes inside plugin output. */
const TRUNCATION_NOTE = /---(Output|Error) truncated-*/

/**
 * Splits ListCommandInvocations plugin output (aws:runShellScript: stdout, then `----------ERROR-------` and stderr)
 * and says whether it is complete: shorter than the 2,500-character limit and without the agent's truncation note.
 */
export function splitPluginOutput(output: string): {stdout: string; stderr: string; complete: boolean} {
  const complete = output.length < SSM_PLUGIN_OUTPUT_LIMIT && !TRUNCATION_NOTE.test(output)
  let at = output.indexOf(STDERR_MARK)
  while (at > 0 && output[at - 1] !== '\n') at = output.indexOf(STDERR_MARK, at + 1)
  if (at < 0) return {stdout: output, stderr: '', complete}
  const before = output.slice(0, at)
  // NOTE: the agent joins them as stdout + "\n" + mark + "\n" + stderr; drop that one added newline, keep stdout's own.
  const stdout = before.endsWith('\n\n') || before === '\n' ? before.slice(0, -1) : before
  return {stdout, stderr: output.slice(at + STDERR_MARK.length).replace(/^\n/, ''), complete}
}

export interface SsmRunnerOptions {
  /** Ask DescribeInstanceInformation first and skip instances that are not managed, offline or not Linux (default true). */
  preflight?: boolean
  /** First delay between polls in ms (default 1000); grows ×1.5 up to maxPollMs (default 5000). */
  pollMs?: number
  maxPollMs?: number
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>
  now?: () => number
  /** Called with the IAM action of every SSM call made (counting, progress). */
  onCall?: (action: string) => void
}

export type RunnerResult = InvocationResult

type SsmSdk = typeof import('../inventory/sdk/ssm.js')

interface AwsLikeError {
  message?: string
  $metadata?: {httpStatusCode?: number}
}

const UNIMPLEMENTED = new Set([
  'UnknownOperationException', 'UnknownOperation', 'NotImplemented', 'NotImplementedException', 'InvalidAction',
  'UnsupportedOperation', 'UnsupportedOperationException',
])
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnauthorizedException'])

function errText(e: unknown): string {
  const m = (e as AwsLikeError)?.message ?? String(e)
  return m.split('\n')[0]
}

export function isUnimplemented(e: unknown): boolean {
  return UNIMPLEMENTED.has(awsErrorCode(e)) || (e as AwsLikeError)?.$metadata?.httpStatusCode === 501
}

export function isDenied(e: unknown): boolean {
  return DENIED.has(awsErrorCode(e))
}

/** ` (HTTP 500)` for a server error, so a reason tells an endpoint's failure from a refusal. */
function httpStatus(e: unknown): string {
  const status = (e as AwsLikeError)?.$metadata?.httpStatusCode
  return status && status >= 500 ? ` (HTTP ${status})` : ''
}

function tail(text: string, lines = 5): string {
  return text.trim().split('\n').slice(-lines).join(' | ').slice(-400)
}

const TERMINAL_STATUS = new Set(['Success', 'Cancelled', 'TimedOut', 'Failed'])
const TERMINAL_DETAILS = new Set([
  'Success', 'DeliveryTimedOut', 'ExecutionTimedOut', 'Failed', 'Canceled', 'Cancelled', 'Undeliverable',
  'Terminated', 'InvalidPlatform', 'AccessDenied',
])

/** SSM's StatusDetails ("Delivery Timed Out" in the docs, "DeliveryTimedOut" on the wire) without spaces. */
function detailsKey(details: string | undefined): string {
  return (details ?? '').replace(/\s+/g, '')
}

export function isTerminal(status: string | undefined, details: string | undefined): boolean {
  return TERMINAL_STATUS.has(status ?? '') || TERMINAL_DETAILS.has(detailsKey(details))
}

/** Whether the script actually ran on the host (so stdout/stderr are worth fetching). */
function executed(status: InvocationStatus): boolean {
  return status === 'Success' || status === 'Failed' || status === 'ExecutionTimedOut'
}

/** Maps SSM's Status + StatusDetails to our status and a reason a person can act on. */
export function mapInvocationStatus(status: string | undefined, details: string | undefined, timeoutSeconds: number):
  {status: InvocationStatus; reason?: string} {
  switch (detailsKey(details)) {
    case 'Success': return {status: 'Success'}
    case 'DeliveryTimedOut':
      return {status: 'DeliveryTimedOut', reason: 'SSM could not deliver the command before the delivery timeout (agent offline or unreachable)'}
    case 'ExecutionTimedOut':
      return {status: 'ExecutionTimedOut', reason: `the script ran longer than its ${timeoutSeconds}s execution timeout`}
    case 'Canceled': case 'Cancelled':
      return {status: 'Cancelled', reason: 'the command was cancelled'}
    case 'Undeliverable':
      return {status: 'Undeliverable', reason: 'SSM could not deliver the command: the instance is gone or its SSM agent is not connected'}
    case 'Terminated':
      return {status: 'Terminated', reason: 'SSM stopped this invocation (the command reached its MaxErrors limit)'}
    case 'InvalidPlatform':
      return {status: 'InvalidPlatform', reason: 'the instance is not Linux (AWS-RunShellScript runs only on Linux)'}
    case 'AccessDenied':
      return {status: 'AccessDenied', reason: 'the SSM agent on the instance was denied access (instance profile permissions)'}
    case 'Failed':
      return {status: 'Failed'}
    default: break
  }
  switch (status) {
    case 'Success': return {status: 'Success'}
    case 'Failed': return {status: 'Failed'}
    case 'Cancelled': return {status: 'Cancelled', reason: 'the command was cancelled'}
    case 'TimedOut': return {status: 'TimedOut', reason: `SSM reported the invocation as timed out (${details ?? 'no details'})`}
    default: return {status: 'Error', reason: `unexpected SSM status ${status ?? '?'} / ${details ?? '?'}`}
  }
}

interface Sent {
  commandId: string
  pending: Set<string>
  /** Last status seen per instance, for the timeout reason. */
  last: Map<string, string>
  /** Set once ListCommandInvocations is denied/unimplemented or keeps failing: this command is polled with GetCommandInvocation. */
  byGet?: boolean
  /** ListCommandInvocations rounds failed in a row, and the last failure (for the timeout reason). */
  listFailures: number
  listError?: string
  /** Poll rounds in a row in which reading this command failed, and the last error. */
  failures: number
  failedThisRound?: string
}

/**
 * ListCommandInvocations rounds that may fail in a row (each after the SDK's own retries) before a command is polled
 * with GetCommandInvocation instead: an endpoint whose List answers HTTP 500 every time (moto's does) is not transient.
 */
export const LIST_FAILURES_BEFORE_GET = 2

type SetResult = (id: string, r: Omit<RunnerResult, 'instanceId' | 'stdout' | 'stderr'> & {stdout?: string; stderr?: string}) => void

interface ListedInvocation {
  InstanceId?: string
  Status?: string
  StatusDetails?: string
  CommandPlugins?: {ResponseCode?: number; Output?: string}[]
}

/**
 * Builds the SSM runner. `ssm` is an SSMClient (or a mock of one); the SDK's command classes are imported lazily.
 * Independent calls run concurrently with small bounds: pre-flight chunks and each round's Lists (READ_CONCURRENCY),
 * SendCommand batches (SEND_CONCURRENCY), GetCommandInvocation (GET_CONCURRENCY). Polling cost per round: one
 * paginated ListCommandInvocations (Details=true) per command of ≤ 50 instances. Its plugin output (≤ 2,500 characters, stdout and stderr together) is the result whenever it is complete;
 * GetCommandInvocation (24,000 characters of stdout) is called only for outputs the List cut, and becomes the poller
 * only when ListCommandInvocations is denied or not implemented.
 */
export function createSsmRunner(ssm: SdkClient, options: SsmRunnerOptions = {}): SsmRunner {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)))
  const now = options.now ?? (() => Date.now())
  const firstPoll = options.pollMs ?? 1000
  const maxPoll = options.maxPollMs ?? 5000
  let sdkPromise: Promise<SsmSdk> | undefined
  const sdk = () => (sdkPromise ??= loadSdk.ssm())

  // NOTE: the current run's wait signal; a runner runs one `run` at a time (probe and mount await each run).
  let signal: AbortSignal | undefined
  async function call<T>(action: string, make: (m: SsmSdk) => unknown): Promise<T> {
    const m = await sdk()
    options.onCall?.(action)
    return raceSignal(ssm.send(make(m)) as Promise<T>, signal)
  }

  return {
    async run(instanceIds: string[], script: string, opts: RunOptions): Promise<RunnerResult[]> {
      const ids = [...new Set(instanceIds)]
      const results = new Map<string, RunnerResult>()
      const set: SetResult = (id, r) => {
        results.set(id, {instanceId: id, stdout: '', stderr: '', ...r})
      }
      const waitMs = Math.max(1, opts.waitSeconds ?? opts.timeoutSeconds + 30) * 1000
      const deadline = now() + waitMs
      // NOTE: every call is cut at the wait's end (and at the run's deadline), so a slow or failing endpoint cannot
      // stretch the wait beyond the script timeout plus its grace.
      const waitSignal = AbortSignal.timeout(waitMs)
      signal = opts.signal ? AbortSignal.any([opts.signal, waitSignal]) : waitSignal
      setMaxListeners(0, signal)

      // 1. Pre-flight: which instances SSM can reach at all.
      let targets = ids
      if (options.preflight !== false && ids.length > 0) {
        const online = await preflight(ids, set)
        if (online) targets = ids.filter(id => online.has(id))
      }

      // 2. Send, 50 instances per call, a few calls at once.
      const sent: Sent[] = []
      const commands = trimTrailing(script, '\n').split('\n')
      const send = async (batch: string[]): Promise<void> => {
        try {
          const out = await call<{Command?: {CommandId?: string}}>('ssm:SendCommand', m => new m.SendCommandCommand({
            DocumentName: 'AWS-RunShellScript',
            InstanceIds: batch,
            Parameters: {commands, executionTimeout: [String(opts.timeoutSeconds)]},
            TimeoutSeconds: Math.max(30, Math.ceil(waitMs / 1000)),
            ...(opts.maxConcurrency ? {MaxConcurrency: opts.maxConcurrency} : {}),
            ...(opts.maxErrors ? {MaxErrors: opts.maxErrors} : {}),
            ...(opts.comment ? {Comment: opts.comment.slice(0, 100)} : {}),
          }))
          const commandId = out?.Command?.CommandId
          if (!commandId) {
            for (const id of batch) set(id, {status: 'Error', reason: 'ssm:SendCommand returned no command id'})
            return
          }
          sent.push({commandId, pending: new Set(batch), last: new Map(), listFailures: 0, failures: 0})
        } catch (error) {
          const code = awsErrorCode(error)
          if (code === 'InvalidInstanceId') {
            // NOTE: one bad id fails the whole call; resend one by one (only on this error path) to find which.
            if (batch.length > 1) {
              await mapLimit(batch, SEND_CONCURRENCY, id => send([id]))
              return
            }
            set(batch[0], {status: 'NotManaged', reason: `SSM does not accept this instance (InvalidInstanceId: ${errText(error)}): it is not a managed instance, its agent is offline, or it is in another account/region`})
          } else if (isDenied(error)) {
            for (const id of batch) set(id, {status: 'AccessDenied', reason: `ssm:SendCommand denied (${code}: ${errText(error)}) — allow ssm:SendCommand on document AWS-RunShellScript and these instances`})
          } else if (isUnimplemented(error)) {
            for (const id of batch) set(id, {status: 'Error', reason: `the SSM endpoint does not implement SendCommand (${code}): on-host probes are not possible here`})
          } else {
            for (const id of batch) set(id, {status: 'Error', reason: `ssm:SendCommand failed (${code}: ${errText(error)})`})
          }
        }
      }
      await mapLimit(chunk(targets, MAX_INSTANCES_PER_COMMAND), SEND_CONCURRENCY, send)

      // 3. Poll until every invocation is terminal or the deadline passes.
      await poll(sent, opts, deadline, set)
      const within = opts.signal?.aborted ? 'before the run\'s deadline (--timeout)' : `within ${Math.round(waitMs / 1000)}s`
      for (const s of sent) {
        for (const id of s.pending) {
          const last = s.last.get(id)
          const why = last ? ` (last status: ${last})` : s.listError ? ` (ssm:ListCommandInvocations failed: ${s.listError})` : ' (the invocation never appeared)'
          set(id, {status: 'TimedOut', reason: `no result ${within}${why}`})
        }
      }
      return ids.map(id => results.get(id) ?? {instanceId: id, status: 'Error', stdout: '', stderr: '', reason: 'no result recorded'})
    },
  }

  /** Returns the set of Online Linux instances, or undefined when the pre-flight call itself failed (then send to all). */
  async function preflight(ids: string[], set: SetResult): Promise<Set<string> | undefined> {
    const seen = new Map<string, {PingStatus?: string; PlatformType?: string; PlatformName?: string; LastPingDateTime?: Date | string}>()
    let failed = false
    await mapLimit(chunk(ids, MAX_INSTANCES_PER_COMMAND), READ_CONCURRENCY, async batch => {
      if (failed) return
      try {
        let token: string | undefined
        do {
          const page = await call<{InstanceInformationList?: {InstanceId?: string; PingStatus?: string; PlatformType?: string; PlatformName?: string; LastPingDateTime?: Date}[]; NextToken?: string}>(
            'ssm:DescribeInstanceInformation', m => new m.DescribeInstanceInformationCommand({
              Filters: [{Key: 'InstanceIds', Values: batch}], MaxResults: MAX_INSTANCES_PER_COMMAND, NextToken: token,
            }))
          for (const info of page?.InstanceInformationList ?? []) if (info.InstanceId) seen.set(info.InstanceId, info)
          token = page?.NextToken
        } while (token)
      } catch {
        // NOTE: pre-flight is an optimisation; when it is denied or unimplemented SendCommand still tells us per instance.
        failed = true
      }
    })
    if (failed) return undefined
    const online = new Set<string>()
    for (const id of ids) {
      const info = seen.get(id)
      if (!info) {
        set(id, {status: 'NotManaged', reason: 'not an SSM managed instance: needs an instance profile with AmazonSSMManagedInstanceCore, a network path to the ssm, ssmmessages and ec2messages endpoints, and a running SSM agent'})
      } else if (info.PlatformType && info.PlatformType !== 'Linux') {
        set(id, {status: 'InvalidPlatform', reason: `the instance runs ${info.PlatformName ?? info.PlatformType}, not Linux (EFS and AWS-RunShellScript need Linux)`})
      } else if (info.PingStatus && info.PingStatus !== 'Online') {
        const last = info.LastPingDateTime ? ` since ${new Date(info.LastPingDateTime).toISOString()}` : ''
        set(id, {status: 'Undeliverable', reason: `SSM agent is ${info.PingStatus}${last}: the agent stopped, the instance lost its path to the SSM endpoints, or its role lost AmazonSSMManagedInstanceCore`})
      } else {
        online.add(id)
      }
    }
    return online
  }

  async function poll(sent: Sent[], opts: RunOptions, deadline: number, set: SetResult): Promise<void> {
    let delay = firstPoll
    let getBroken: string | undefined

    const finish = (s: Sent, id: string, status: string | undefined, details: string | undefined, code: number | undefined,
      stdout: string, stderr: string, truncated: boolean) => {
      if (!s.pending.has(id)) return
      const mapped = mapInvocationStatus(status, details, opts.timeoutSeconds)
      let reason = mapped.reason
      if (mapped.status === 'Failed') reason = `the script exited with code ${code ?? '?'}${stderr.trim() ? `: ${tail(stderr)}` : ''}`
      set(id, {status: mapped.status, ...(code !== undefined && code >= 0 ? {exitCode: code} : {}), stdout, stderr,
        ...(reason ? {reason} : {}), ...(truncated ? {truncated: true} : {})})
      s.pending.delete(id)
    }

    /** Full stdout/stderr of one instance; 'pending' when SSM does not know the invocation yet or it still runs. */
    const fetchOne = async (s: Sent, id: string): Promise<'done' | 'pending'> => {
      try {
        const inv = await call<{Status?: string; StatusDetails?: string; ResponseCode?: number; StandardOutputContent?: string; StandardErrorContent?: string}>(
          'ssm:GetCommandInvocation', m => new m.GetCommandInvocationCommand({CommandId: s.commandId, InstanceId: id}))
        if (!isTerminal(inv.Status, inv.StatusDetails)) {
          s.last.set(id, inv.StatusDetails ?? inv.Status ?? '?')
          return 'pending'
        }
        finish(s, id, inv.Status, inv.StatusDetails, inv.ResponseCode, inv.StandardOutputContent ?? '', inv.StandardErrorContent ?? '',
          (inv.StandardOutputContent ?? '').length >= SSM_STDOUT_LIMIT)
        return 'done'
      } catch (error) {
        if (awsErrorCode(error) === 'InvocationDoesNotExist') return 'pending'
        if (isDenied(error) || isUnimplemented(error)) getBroken = `ssm:GetCommandInvocation ${isDenied(error) ? 'denied' : 'not implemented'} (${awsErrorCode(error)}: ${errText(error)})`
        throw error
      }
    }

    /** One paginated List for a command; returns the instances whose output the List cut (they need a Get). */
    const listOne = async (s: Sent, gets: {s: Sent; id: string; inv: ListedInvocation}[]): Promise<void> => {
      const invs: ListedInvocation[] = []
      try {
        let token: string | undefined
        do {
          const page = await call<{CommandInvocations?: ListedInvocation[]; NextToken?: string}>('ssm:ListCommandInvocations',
            m => new m.ListCommandInvocationsCommand({CommandId: s.commandId, Details: true, MaxResults: 50, NextToken: token}))
          invs.push(...(page?.CommandInvocations ?? []))
          token = page?.NextToken
        } while (token)
      } catch (error) {
        // Transient (throttling after SDK retries, 5xx): try again next round. Denied, unimplemented, or failing
        // round after round: poll by Get.
        s.listError = `${awsErrorCode(error)}${httpStatus(error)}: ${errText(error)}`
        if (isDenied(error) || isUnimplemented(error) || ++s.listFailures >= LIST_FAILURES_BEFORE_GET) s.byGet = true
        if (!isDenied(error) && !isUnimplemented(error)) s.failedThisRound = `${awsErrorCode(error)}: ${errText(error)}`
        return
      }
      s.listFailures = 0
      s.listError = undefined
      for (const inv of invs) {
        const id = inv.InstanceId
        if (!id || !s.pending.has(id)) continue
        s.last.set(id, inv.StatusDetails ?? inv.Status ?? '?')
        if (!isTerminal(inv.Status, inv.StatusDetails)) continue
        const mapped = mapInvocationStatus(inv.Status, inv.StatusDetails, opts.timeoutSeconds)
        const plugin = inv.CommandPlugins?.[0]
        const out = plugin?.Output
        const split = splitPluginOutput(out ?? '')
        if (!executed(mapped.status) || (out !== undefined && split.complete)) {
          finish(s, id, inv.Status, inv.StatusDetails, plugin?.ResponseCode, split.stdout, split.stderr, false)
        } else if (getBroken) {
          finish(s, id, inv.Status, inv.StatusDetails, plugin?.ResponseCode, split.stdout, split.stderr, out !== undefined)
        } else {
          gets.push({s, id, inv})
        }
      }
    }

    while (sent.some(s => s.pending.size > 0)) {
      const remaining = deadline - now()
      await raceSignal(sleep(Math.max(0, Math.min(delay, remaining))), signal).catch(() => undefined)
      delay = Math.min(maxPoll, Math.ceil(delay * 1.5))

      const gets: {s: Sent; id: string; inv: ListedInvocation}[] = []
      await mapLimit(sent.filter(s => s.pending.size > 0 && !s.byGet), READ_CONCURRENCY, s => listOne(s, gets))
      // Only outputs the List cut (or every pending instance of a command whose List is unusable) cost a Get.
      const byGet = sent.filter(s => s.byGet && s.pending.size > 0)
      const work: {s: Sent; id: string; inv?: ListedInvocation}[] = [...gets, ...byGet.flatMap(s => [...s.pending].map(id => ({s, id})))]
      await mapLimit(work, GET_CONCURRENCY, async ({s, id, inv}) => {
        if (!s.pending.has(id)) return
        if (getBroken && !inv) return
        try {
          await fetchOne(s, id)
        } catch (error) {
          // Transient: the instance stays pending and is listed again next round. Get unusable: keep what List had.
          if (!getBroken) s.failedThisRound = `${awsErrorCode(error)}: ${errText(error)}`
          if (!inv || !getBroken) return
          const plugin = inv.CommandPlugins?.[0]
          const split = splitPluginOutput(plugin?.Output ?? '')
          finish(s, id, inv.Status, inv.StatusDetails, plugin?.ResponseCode, split.stdout, split.stderr, plugin?.Output !== undefined)
        }
      })
      if (getBroken) {
        for (const s of byGet) {
          for (const p of s.pending) set(p, {status: getBroken.includes('denied') ? 'AccessDenied' : 'Error', reason: `cannot read results: ssm:ListCommandInvocations and ${getBroken}`})
          s.pending.clear()
        }
      }
      giveUpUnreadable(sent, set)
      if (now() >= deadline || signal?.aborted) break
    }
  }

  /** Ends the wait for commands whose reads failed READ_FAILURE_LIMIT rounds in a row: their results are unknown. */
  function giveUpUnreadable(sent: Sent[], set: SetResult): void {
    for (const s of sent) {
      const error = s.failedThisRound
      s.failedThisRound = undefined
      s.failures = error ? s.failures + 1 : 0
      if (!error || s.failures < READ_FAILURE_LIMIT) continue
      for (const id of s.pending) set(id, {status: 'Error', reason: `could not read the result (${error})`, unread: {commandId: s.commandId, error}})
      s.pending.clear()
    }
  }
}
