/**
 * The abuse suite's one rule: every hostile input ends within a bounded time (≤ 2 s) and memory (≤ 300 MB more
 * than before the case) with the right outcome. `bounded` runs one case, samples the resident set size while it
 * runs, and asserts both bounds after it ends.
 */
import {createServer, type Server, type Socket} from 'node:net'

export const LIMIT_MS = 2000
export const LIMIT_MB = 300

export async function bounded<T>(fn: () => Promise<T> | T, limits: {ms?: number; mb?: number} = {}): Promise<T> {
  const base = process.memoryUsage().rss
  let peak = base
  const sample = () => { peak = Math.max(peak, process.memoryUsage().rss) }
  const timer = setInterval(sample, 5)
  const start = performance.now()
  let out: T
  try {
    out = await fn()
  } finally {
    clearInterval(timer)
    sample()
  }
  const ms = performance.now() - start
  expect({ms: Math.round(ms), withinTime: ms <= (limits.ms ?? LIMIT_MS)}).toMatchObject({withinTime: true})
  const mb = (peak - base) / 2 ** 20
  expect({mb: Math.round(mb), withinMemory: mb <= (limits.mb ?? LIMIT_MB)}).toMatchObject({withinMemory: true})
  return out
}

/** A TCP server on 127.0.0.1 that accepts every connection and never answers (a silent AWS endpoint). */
export async function silentServer(): Promise<{url: string; stop: () => Promise<void>}> {
  const sockets = new Set<Socket>()
  const server: Server = createServer(s => { sockets.add(s); s.on('error', () => undefined); s.resume() })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as {port: number}).port
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
}

/** Loads what a live run imports lazily (the SDK clients, the collectors), so a case's time is its own work. */
export async function warmUp(): Promise<void> {
  // NOTE: one at a time: jest's ESM loader fails on concurrent imports of a shared module.
  await import('@aws-sdk/client-ecs')
  await import('@aws-sdk/client-ec2')
  await import('@aws-sdk/client-efs')
  await import('@aws-sdk/client-auto-scaling')
  await import('@aws-sdk/client-ssm')
  await import('../../src/checks/index.js')
  await import('../../src/inventory/collect.js')
  await import('../../src/inventory/live.js')
  await import('../../src/remote/ssm-runner.js')
  await import('../../src/remote/probe.js')
  await import('../../src/remote/mount-plan.js')
  await import('../../src/remote/mount-apply.js')
}
