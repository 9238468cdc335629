/**
 * moto's server (an AWS implementation no one here wrote) on a free loopback port, started once per e2e test file.
 * `startMoto()` waits until `/moto-api/` answers; `reset()` empties every backend between scenarios
 * (`POST /moto-api/reset`); `stop()` ends the process it started. When moto is not installed it throws one line
 * (the caller fails the file: never a silent skip).
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {createServer} from 'node:net'

/** The Python that runs moto: $MOTO_PYTHON, else python3 on PATH. */
export const MOTO_PYTHON = process.env.MOTO_PYTHON || 'python3'

const START_TIMEOUT_MS = 60_000

export interface Moto {
  endpoint: string
  reset(): Promise<void>
  stop(): Promise<void>
}

/** One line saying why moto cannot run here, or undefined when `python3 -m moto.server` is importable. */
export function motoMissing(): string | undefined {
  const r = spawnSync(MOTO_PYTHON, ['-c', 'import moto, moto.server; print(moto.__version__)'], {encoding: 'utf8', timeout: 30_000})
  if (r.status === 0) return undefined
  const why = r.error ? `${MOTO_PYTHON} not found` : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)
  return `moto is not installed for ${MOTO_PYTHON} (${why}): the e2e tests need moto's server (pip install 'moto[server]==5.2.1'; set MOTO_PYTHON to another python)`
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const {port} = srv.address() as {port: number}
      srv.close(() => resolve(port))
    })
  })
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, {signal: AbortSignal.timeout(2000)})
    await r.arrayBuffer()
    return r.ok
  } catch {
    return false
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise(resolve => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => { clearTimeout(kill); resolve() })
    child.kill('SIGTERM')
  })
}

/** Starts moto's server on a free 127.0.0.1 port and resolves once `/moto-api/` answers. */
export async function startMoto(): Promise<Moto> {
  const missing = motoMissing()
  if (missing) throw new Error(missing)
  let lastErr = ''
  // NOTE: the port is free when picked but another process may take it before moto binds: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const endpoint = `http://127.0.0.1:${port}`
    const child = spawn(MOTO_PYTHON, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
    const deadline = Date.now() + START_TIMEOUT_MS
    while (Date.now() < deadline && child.exitCode === null) {
      if (await answers(`${endpoint}/moto-api/`)) {
        return {
          endpoint,
          reset: async () => {
            const r = await fetch(`${endpoint}/moto-api/reset`, {method: 'POST'})
            await r.arrayBuffer()
            if (!r.ok) throw new Error(`moto reset answered HTTP ${r.status}`)
          },
          stop: () => stopProcess(child),
        }
      }
      await sleep(200)
    }
    await stopProcess(child)
    lastErr = stderr.trim().split('\n').slice(-3).join(' | ') || `no answer on ${endpoint}/moto-api/ within ${START_TIMEOUT_MS / 1000}s`
  }
  throw new Error(`moto server did not start: ${lastErr}`)
}
