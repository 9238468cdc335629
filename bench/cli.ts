/**
 * Issue 12 figures for `npm run bench`: whole processes of the CLI as users get it (`npm pack`, then the package's
 * production dependencies installed from package-lock.json into a temporary directory), from start to exit, against
 * `node -e 0` in the same run. Every case runs once per round and the rounds are interleaved, so a load swing on
 * this shared machine hits every case alike; the figures are medians over the rounds.
 *
 * Cases: `--version`; `check --from examples/snapshots/healthy.json --output json`; `check --from` a 1,000-instance
 * snapshot (bench/fixtures/cluster-1000.v1.json.gz, schemaVersion 1, decompressed here) with EFSDOCTOR_TIMING=1 for
 * its checks phase, as the issue names it (the default output, the table) and, reported without a target, with
 * `--output json` (a 15 MB report: every pass with its evidence); live `check --cluster --no-probe` against the
 * simulated AWS (bench/fake-aws) for N = 10 and N = 1000, with the peak RSS of the process.
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {get} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {gunzipSync} from 'node:zlib'

export interface CaseFigures {
  /** Median wall time of the whole process, ms. */
  ms: number
  /** Median peak RSS, MB (efsdoctor cases only). */
  rssMb?: number
  /** Median of the checks phase (EFSDOCTOR_TIMING=1), ms, when the case reports it. */
  checksMs?: number
  runs: number[]
}

export type CaseName = 'node' | 'version' | 'healthy' | 'big' | 'bigJson' | 'live10' | 'live1000'
export type CliFigures = Record<CaseName, CaseFigures>

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

const sh = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, {cwd, stdio: ['ignore', 'ignore', 'inherit']})

/**
 * `npm pack` (its prepack builds dist/ and writes oclif.manifest.json), then the tarball unpacked with its production
 * dependencies installed by `npm ci --omit=dev` from the repository's lockfile (offline, from npm's cache): the
 * files and the dependency tree a user's install has. Returns the installed package's directory. `reuse` keeps an
 * earlier install in $TMPDIR/efsdoctor-bench-install (for --quick runs while developing).
 */
export function packedInstall(root: string, reuse: boolean): string {
  const base = join(tmpdir(), 'efsdoctor-bench-install')
  const pkg = join(base, 'package')
  if (reuse && existsSync(join(pkg, 'node_modules'))) return pkg
  rmSync(base, {recursive: true, force: true})
  mkdirSync(base, {recursive: true})
  process.stderr.write('bench: npm pack …\n')
  sh('npm', ['pack', '--silent', '--pack-destination', base], root)
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string}).version
  sh('tar', ['xzf', join(base, `efsdoctor-${version}.tgz`), '-C', base], root)
  if (!existsSync(join(pkg, 'oclif.manifest.json'))) throw new Error('the packed tarball has no oclif.manifest.json')
  cpSync(join(root, 'package-lock.json'), join(pkg, 'package-lock.json'))
  process.stderr.write('bench: npm ci --omit=dev in the unpacked package …\n')
  sh('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--silent'], pkg)
  return pkg
}

/** The 1,000-instance schemaVersion-1 fixture, decompressed into `dir`. */
export function bigSnapshot(root: string, dir: string): string {
  const file = join(dir, 'cluster-1000.v1.json')
  writeFileSync(file, gunzipSync(readFileSync(join(root, 'bench/fixtures/cluster-1000.v1.json.gz'))))
  return file
}

interface Fake { url: string; reset: () => Promise<void>; stop: () => void }

/** The simulated AWS in a process of its own (bench/fake-aws/serve.ts), serving a cluster of `instances`. */
export async function startFake(root: string, instances: number, latencyMs: number): Promise<Fake> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/fake-aws/serve.ts'), JSON.stringify({instances, latencyMs})],
    {cwd: root, stdio: ['pipe', 'pipe', 'inherit']})
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({input: child.stdout!}).once('line', resolve)
    child.once('exit', code => reject(new Error(`simulated AWS exited ${code}`)))
  })
  // NOTE: a new connection per reset (agent: false): a pooled one may have been closed by the server's keep-alive
  // timeout while a measured run blocked this process.
  const reset = () => new Promise<void>((resolve, reject) => {
    get(`${url}/__fake/reset`, {agent: false}, res => { res.resume(); res.on('end', resolve) }).on('error', reject)
  })
  return {url, reset, stop: () => child.stdin!.end()}
}

/**
 * Runs every case once per round for `rounds` rounds, interleaved. Peak RSS comes from a preload that writes
 * process.resourceUsage().maxRSS at exit (a few lines; also loaded by `node -e 0`, so both pay it).
 */
export async function cliBench(root: string, opts: {rounds: number; latencyMs: number; reuseInstall: boolean}): Promise<CliFigures> {
  const pkg = packedInstall(root, opts.reuseInstall)
  const work = join(tmpdir(), `efsdoctor-bench-${process.pid}`)
  mkdirSync(work, {recursive: true})
  const rssFile = join(work, 'rss')
  const preload = join(work, 'rss.cjs')
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)))\n`)
  const big = bigSnapshot(root, work)
  process.stderr.write('bench: starting the simulated AWS (N = 10, 1000) …\n')
  const [fake10, fake1000] = await Promise.all([startFake(root, 10, opts.latencyMs), startFake(root, 1000, opts.latencyMs)])
  const bin = join(pkg, 'bin/run.js')
  const live = (url: string) => [bin, 'check', '--cluster', 'prod', '--region', 'eu-west-1', '--endpoint-url', url, '--no-probe']
  const cases: Record<CaseName, {argv: string[]; fake?: Fake}> = {
    node: {argv: ['-e', '0']},
    version: {argv: [bin, '--version']},
    healthy: {argv: [bin, 'check', '--from', join(pkg, 'examples/snapshots/healthy.json'), '--output', 'json']},
    big: {argv: [bin, 'check', '--from', big]},
    bigJson: {argv: [bin, 'check', '--from', big, '--output', 'json']},
    live10: {argv: live(fake10.url), fake: fake10},
    live1000: {argv: live(fake1000.url), fake: fake1000},
  }
  const env: NodeJS.ProcessEnv = {...process.env, EFSDOCTOR_TIMING: '1', OCLIF_SKIP_NEW_VERSION_CHECK: 'true', AWS_ACCESS_KEY_ID: 'AKIABENCHFAKEKEY0000',
    AWS_SECRET_ACCESS_KEY: 'bench-fake-secret', AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'eu-west-1'}
  delete env.AWS_PROFILE
  delete env.NODE_OPTIONS
  const samples = Object.fromEntries(Object.keys(cases).map(k => [k, {ms: [] as number[], rss: [] as number[], checks: [] as number[]}])) as
    Record<CaseName, {ms: number[]; rss: number[]; checks: number[]}>
  try {
    for (let round = -1; round < opts.rounds; round++) {
      if (round === 0 || round === opts.rounds - 1 || (round + 1) % 5 === 0) process.stderr.write(`bench: round ${round + 1}/${opts.rounds} …\n`)
      for (const [name, c] of Object.entries(cases) as [CaseName, {argv: string[]; fake?: Fake}][]) {
        await c.fake?.reset()
        rmSync(rssFile, {force: true})
        const t0 = performance.now()
        const r = spawnSync(process.execPath, ['--require', preload, ...c.argv], {cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 16 * 2 ** 20})
        const ms = performance.now() - t0
        // NOTE: check exits 1 when a check fails (the simulated cluster has two failures); 2 means it could not run.
        if (r.status !== 0 && !(r.status === 1 && name !== 'node' && name !== 'version')) {
          throw new Error(`${name}: node ${c.argv.join(' ')} exited ${r.status}: ${r.stderr}`)
        }
        if (round < 0) continue // a warm-up round: the file system cache, not efsdoctor, would be measured
        samples[name].ms.push(ms)
        if (existsSync(rssFile)) samples[name].rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024)
        const checks = /efsdoctor timing: checks\s+(\d+) ms/.exec(r.stderr)
        if (checks) samples[name].checks.push(Number(checks[1]))
      }
    }
  } finally {
    fake10.stop()
    fake1000.stop()
    rmSync(work, {recursive: true, force: true})
  }
  return Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, {ms: median(s.ms), runs: s.ms.map(Math.round),
    ...(s.rss.length ? {rssMb: median(s.rss)} : {}), ...(s.checks.length ? {checksMs: median(s.checks)} : {})}])) as CliFigures
}

export interface Target {what: string; ok: boolean; value: string}

/** The issue 12 targets over these figures. */
export function cliTargets(f: CliFigures, latencyMs: number, rounds: number): Target[] {
  const x = (c: CaseFigures) => c.ms / f.node.ms
  const ratio = (c: CaseFigures) => `${c.ms.toFixed(0)} ms vs ${f.node.ms.toFixed(0)} ms = ${x(c).toFixed(2)}×`
  const mb = (c: CaseFigures) => `${(c.rssMb ?? NaN).toFixed(0)} MB`
  const of = `packed install, median of ${rounds} interleaved runs`
  return [
    {what: `\`efsdoctor --version\` ≤ 2.0 × \`node -e 0\` (${of})`, ok: x(f.version) <= 2, value: ratio(f.version)},
    {what: '`check --from examples/snapshots/healthy.json --output json` ≤ 2.5 × `node -e 0`', ok: x(f.healthy) <= 2.5, value: ratio(f.healthy)},
    {what: '`check --from` the 1,000-instance snapshot (schemaVersion 1) ≤ 4 × `node -e 0`', ok: x(f.big) <= 4,
      value: `${ratio(f.big)}, ${mb(f.big)} peak RSS`},
    {what: '… its checks phase (EFSDOCTOR_TIMING=1) ≤ 150 ms', ok: (f.big.checksMs ?? Infinity) <= 150, value: `${f.big.checksMs ?? '?'} ms`},
    {what: `live \`check --cluster --no-probe\`, N=1000, ${latencyMs} ms per call, whole process ≤ 1.5 s and ≤ 150 MB peak RSS`,
      ok: f.live1000.ms <= 1500 && (f.live1000.rssMb ?? Infinity) <= 150, value: `${f.live1000.ms.toFixed(0)} ms, ${mb(f.live1000)}`},
    {what: `live \`check --cluster --no-probe\`, N=10, whole process ≤ 0.8 s`, ok: f.live10.ms <= 800, value: `${f.live10.ms.toFixed(0)} ms, ${mb(f.live10)}`},
  ]
}
