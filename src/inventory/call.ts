/**
 * How the collector talks to AWS: every call goes through `Calls.call`, which records the IAM action, reports
 * start/end to an optional observer (progress, benchmarks, round counting), turns a failed call into a recorded
 * gap, and turns "cannot run at all" errors (no credentials, unreachable endpoint) into a UsageError.
 */
import {CouldNotRunError, UsageError, awsErrorCode} from '../core/errors.js'
import type {Gap, SnapshotPart} from '../model/snapshot.js'

export interface CallEvent {
  /** Sequence number of the call, the same on its 'start' and 'end'. */
  id: number
  action: string
  phase: 'start' | 'end'
  /** Set on 'end'. */
  ok?: boolean
  code?: string
}

/** What an error handler may decide for one failed call. */
export type ErrorDecision<T> = {value: T} | 'gap'

const CREDENTIAL_CODES = new Set([
  'CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId',
  'UnrecognizedClientException', 'AuthFailure', 'SignatureDoesNotMatch', 'InvalidSignatureException',
  'IncompleteSignature', 'TokenRefreshRequired',
])
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT'])

const NETWORK_RE = new RegExp(`\\b(?:${[...NETWORK_CODES].join('|')})\\b`)

function errorMessage(error: unknown): string {
  const m = (error as {message?: string})?.message
  return (m ?? String(error)).split('\n')[0]
}

/** A UsageError when the error means the whole run cannot work; undefined for an ordinary failed call. */
export function fatalError(error: unknown, region: string | undefined, endpoint?: string): UsageError | undefined {
  const code = awsErrorCode(error)
  const e = error as {code?: string; cause?: {code?: string}}
  // NOTE: the message is read too: the SDK's retry layer can wrap a socket error into a plain Error whose only
  // trace of the cause is its text ("AWS SDK error wrapper for Error: connect ECONNREFUSED …").
  const netCode = [e?.code, e?.cause?.code, code, ...(errorMessage(error).match(NETWORK_RE) ?? [])].find(c => c && NETWORK_CODES.has(c))
  if (/Region is missing/i.test(errorMessage(error))) {
    return new CouldNotRunError('ConfigurationError', 'no AWS region: pass --region, set AWS_REGION, or use a profile that has a region')
  }
  if (CREDENTIAL_CODES.has(code)) {
    return new CouldNotRunError('CredentialsError', `AWS credentials not usable (${code}): ${errorMessage(error)} — set AWS_PROFILE/--profile or log in again`)
  }
  if (netCode || code === 'TimeoutError') {
    const where = endpoint ?? (region ? `the AWS endpoint for ${region}` : 'the AWS endpoint')
    return new CouldNotRunError('NetworkError', `cannot reach ${where} (${netCode ?? code}): ${errorMessage(error)}`)
  }
  return undefined
}

/** The gap code of a call the run's deadline (--timeout) cut off. */
export const TIMED_OUT = 'TimedOut'

/** Rejects with the signal's reason when it fires first; never leaves a listener behind. */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, {once: true})
    Promise.resolve(p).then(v => { signal.removeEventListener('abort', onAbort); resolve(v) },
      e => { signal.removeEventListener('abort', onAbort); reject(e) })
  })
}

export interface CallsOptions {
  region?: string
  endpoint?: string
  onCall?: (e: CallEvent) => void
  /** The run's deadline: once it fires, calls in flight and calls not yet made become `TimedOut` gaps. */
  signal?: AbortSignal
  /** The deadline in seconds, for the gap message. */
  timeoutSeconds?: number
}

/** An error AWS itself sent and named (the SDK marks those with $fault), not a parse error of something else's page. */
function isAwsError(error: unknown): boolean {
  const e = error as {$fault?: unknown; name?: string}
  return typeof e?.$fault === 'string' && Boolean(e.name) && !/^(Unknown|UnknownError|Error|SyntaxError|TypeError)$/.test(e.name ?? '')
}

export class Calls {
  readonly gaps: Gap[] = []
  /** Every action called, in call order (duplicates kept). */
  readonly log: string[] = []
  /** Calls that got an answer from AWS (a result or an AWS error response). */
  answered = 0
  /**
   * Calls answered in AWS's own terms: a result, or an error AWS names (AccessDenied, ClusterNotFoundException, …).
   * Zero after a run means nothing was learnt: a wrong --endpoint-url, a proxy's error page, a service that is not AWS.
   */
  understood = 0
  /** The first failure, for the one line that says why nothing could be read. */
  firstFailure?: string
  private seq = 0

  constructor(private readonly opts: CallsOptions = {}) {}

  /**
   * Runs one AWS call. On failure: `onError` may supply a value (e.g. null for PolicyNotFound) or throw;
   * otherwise a gap is recorded against `part` and undefined is returned.
   */
  async call<T>(part: SnapshotPart, action: string, fn: () => Promise<T>, opts: {
    resourceIds?: string[]
    onError?: (code: string, error: unknown) => ErrorDecision<T>
    /** A failure returns undefined without a gap: the caller has a fallback that will record its own. */
    quiet?: boolean
  } = {}): Promise<T | undefined> {
    this.log.push(action)
    const signal = this.opts.signal
    if (signal?.aborted) {
      this.timedOut(part, action, opts.resourceIds)
      return undefined
    }
    const id = ++this.seq
    this.opts.onCall?.({id, action, phase: 'start'})
    try {
      const out = await raceSignal(fn(), signal)
      this.answered++
      this.understood++
      this.opts.onCall?.({id, action, phase: 'end', ok: true})
      return out
    } catch (error) {
      const code = signal?.aborted ? TIMED_OUT : awsErrorCode(error)
      this.opts.onCall?.({id, action, phase: 'end', ok: false, code})
      if (signal?.aborted) {
        this.timedOut(part, action, opts.resourceIds)
        return undefined
      }
      if ((error as {$metadata?: {httpStatusCode?: number}})?.$metadata?.httpStatusCode) this.answered++
      if (isAwsError(error)) this.understood++
      this.firstFailure ??= `${action}: ${errorMessage(error)}`
      const fatal = fatalError(error, this.opts.region, this.opts.endpoint)
      // NOTE: one request that timed out after others answered is a gap, not a run that cannot work.
      if (fatal && !(code === 'TimeoutError' && this.answered > 0)) throw fatal
      const decision = opts.onError?.(code, error) ?? 'gap'
      if (decision !== 'gap') return decision.value
      if (opts.quiet) return undefined
      this.gap(part, action, code, errorMessage(error), opts.resourceIds)
      return undefined
    }
  }

  /** A call the run's deadline cut off (or never let start): a gap naming the action and "timed out". */
  private timedOut(part: SnapshotPart, action: string, resourceIds?: string[]): void {
    const within = this.opts.timeoutSeconds ? ` within the run's ${this.opts.timeoutSeconds}s deadline (--timeout)` : ' before the run\'s deadline (--timeout)'
    this.gap(part, action, TIMED_OUT, `${action} timed out: no answer${within}`, resourceIds)
  }

  gap(part: SnapshotPart, action: string, code: string, message: string, resourceIds?: string[]): void {
    const g: Gap = {part, action, code, message}
    if (resourceIds?.length) g.resourceIds = resourceIds
    this.gaps.push(g)
  }

  hasGap(part: SnapshotPart): boolean {
    return this.gaps.some(g => g.part === part)
  }
}

/** Follows a token-paginated API. `complete` is false when a later page failed (the gap is already recorded). */
export async function paginate<P, T>(
  fetch: (token: string | undefined) => Promise<P | undefined>,
  items: (page: P) => T[] | undefined,
  next: (page: P) => string | undefined,
  onPage?: (items: T[]) => void,
): Promise<{items: T[]; complete: boolean; failedFirst: boolean}> {
  const all: T[] = []
  let token: string | undefined
  let first = true
  for (;;) {
    const page = await fetch(token)
    if (page === undefined) return {items: all, complete: false, failedFirst: first}
    const got = items(page) ?? []
    all.push(...got)
    onPage?.(got)
    const following = next(page)
    first = false
    if (!following) return {items: all, complete: true, failedFirst: false}
    // NOTE: an AWS-compatible endpoint that hands back the same token would otherwise loop forever.
    if (following === token) return {items: all, complete: false, failedFirst: false}
    token = following
  }
}

export function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size))
  return out
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return out
}

/** A concurrency limit for calls started one by one as their inputs become known: `limit(() => call())`. */
export function limiter(max: number): <R>(fn: () => Promise<R>) => Promise<R> {
  let active = 0
  const queue: (() => void)[] = []
  return async <R>(fn: () => Promise<R>): Promise<R> => {
    // NOTE: a finishing call hands its slot straight to the next waiter, so `active` never exceeds `max`.
    if (active >= max) await new Promise<void>(resolve => queue.push(resolve))
    else active++
    try {
      return await fn()
    } finally {
      const next = queue.shift()
      if (next) next()
      else active--
    }
  }
}

/**
 * Longest chain of calls that waited on each other, from CallEvents: a call's depth is one more than the deepest
 * call that had already ended when it started. Pass `onCall` to the collector; read `rounds` at the end.
 */
export class RoundCounter {
  private maxEnded = 0
  private readonly depth = new Map<number, number>()
  rounds = 0

  onCall = (e: CallEvent): void => {
    if (e.phase === 'start') {
      const d = this.maxEnded + 1
      this.depth.set(e.id, d)
      this.rounds = Math.max(this.rounds, d)
    } else {
      this.maxEnded = Math.max(this.maxEnded, this.depth.get(e.id) ?? 0)
    }
  }
}
