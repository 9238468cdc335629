/**
 * Shared set-up for the fault-injection suite: a simulated AWS (bench/fake-aws) on 127.0.0.1, a live collection
 * through the real SDK clients (collectLive, as `check` does), and reports compared without their timestamps.
 */
import {AdaptiveRetryStrategy, DefaultRateLimiter} from '@smithy/core/retry'
import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import type {Finding, Report} from '../../src/core/types.js'
import {collectLive} from '../../src/inventory/live.js'
import type {Snapshot} from '../../src/model/snapshot.js'
import {startFakeAws, type FakeAws, type FakeAwsOptions} from '../../bench/fake-aws/server.js'

export {startFakeAws, type FakeAws}

export async function withFake<T>(opts: FakeAwsOptions, fn: (fake: FakeAws) => Promise<T>): Promise<T> {
  const fake = await startFakeAws({latencyMs: 0, rateLimit: false, fileSystemPageSize: 1, ...opts})
  try {
    return await fn(fake)
  } finally {
    await fake.stop()
  }
}

/**
 * The SDK's own adaptive retry (throttling detection, client-side rate limiter, retry quota) with a short base
 * delay and a high floor for the limiter's fill rate, so the suite stays fast; production uses the defaults
 * (retryMode 'adaptive', maxAttempts 6).
 */
export function fastRetry(): Record<string, unknown> {
  const backoff = {setDelayBase: () => undefined, computeNextBackoffDelay: (attempt: number) => Math.min(40, 5 * 2 ** attempt)}
  return {retryStrategy: new AdaptiveRetryStrategy(6, {baseDelay: 5, backoff, rateLimiter: new DefaultRateLimiter({minFillRate: 200, minCapacity: 20})})}
}

export async function collect(fake: FakeAws, opts: {probe?: boolean} = {}): Promise<Snapshot> {
  return collectLive({cluster: 'prod', region: 'eu-west-1', endpointUrl: fake.url, sdkConfig: fastRetry(),
    ...(opts.probe ? {probe: {timeoutSeconds: 10}} : {})})
}

export function report(snapshot: Snapshot): Report {
  return runChecks(allChecks, snapshot)
}

/** A finding as a stable string: everything but timestamps. */
export function key(f: Finding): string {
  return JSON.stringify({c: f.checkId, s: f.status, r: f.resource.id, m: f.message, x: f.fix?.command ?? f.fix?.summary ?? ''})
}

export function byCheck(r: Report): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const f of r.findings) out.set(f.checkId, [...(out.get(f.checkId) ?? []), key(f)].sort())
  return out
}
