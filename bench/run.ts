/**
 * `npm run bench`: the collector and the SSM probe against a simulated AWS (bench/fake-aws) with real SDK clients,
 * for N = 10, 100 and 1000 container instances (each N in its own child process so memory figures are not mixed),
 * the whole CLI process as packed (bench/cli.ts) and issue 10's figures (bench/usage.ts). Prints a table and
 * PASS/FAIL against the targets of issues 6, 10 and 12 and exits 1 when any fails.
 * Options: --write-docs (also writes docs/performance.md; --write is the same), --n 10,100 --latency 50,
 * --rounds 11 (interleaved whole-process runs), --quick (5 rounds, only the whole-process targets, reuses the
 * packed install of an earlier run when there is one: for development, not for docs), --reuse-install (use that
 * install in a full run too).
 */
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {cpus, loadavg, totalmem} from 'node:os'
import {fileURLToPath} from 'node:url'
import {dirname, join} from 'node:path'
import {READ_CONCURRENCY, SEND_CONCURRENCY} from '../src/remote/ssm-runner.js'
import {usageBench, type UsageFigures} from './usage.js'
import {cliBench, cliTargets, startFake, type CliFigures} from './cli.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}

interface PhaseResult {
  calls: Record<string, number>
  total: number
  httpRequests: number
  throttled: number
  rounds: number
  wallMs: number
  peakRssMb: number
  peakHeapMb: number
}

interface OneResult {
  n: number
  latencyMs: number
  controlPlane: PhaseResult
  probe: PhaseResult & {hostsOk: number; probed: number}
  launchTemplateVersions: number
  gaps: number
}

async function runOne(n: number, latencyMs: number): Promise<OneResult> {
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIABENCHFAKEKEY0000'
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench-fake-secret'
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
  process.env.AWS_EC2_METADATA_DISABLED = 'true'
  const {CallStats, observe} = await import('./fake-aws/observe.js')
  const {createClients} = await import('../src/inventory/aws-clients.js')
  const {collectSnapshot} = await import('../src/inventory/collect.js')
  const {probeSnapshot} = await import('../src/remote/probe.js')

  // NOTE: the simulated AWS runs in its own process so its serialisation does not eat the measured client's CPU.
  const fake = await startFake(root, n, latencyMs)
  const {url} = fake
  const control = async (what: 'reset' | 'records'): Promise<{code?: string}[]> => (await fetch(`${url}/__fake/${what}`)).json() as Promise<{code?: string}[]>
  const clients = await createClients({region: 'eu-west-1', endpointUrl: url}, ['ssm'])
  // Warm the SDK modules and connections outside the measured phases: every client's, also those createClients builds
  // on first use (EC2, Auto Scaling). Loaded here from node_modules through tsx they took ~750 ms of CPU inside the
  // control-plane phase, which is about calls and rounds; a user's run loads them from the bundle while the first ECS
  // calls wait, and the whole-process targets (bench/cli.ts) measure that.
  await Promise.all([import('@aws-sdk/client-ssm'), import('@aws-sdk/client-ec2'), import('@aws-sdk/client-auto-scaling')])

  const sampler = () => {
    const peak = {rss: 0, heap: 0}
    const sample = () => {
      const m = process.memoryUsage()
      peak.rss = Math.max(peak.rss, m.rss)
      peak.heap = Math.max(peak.heap, m.heapUsed)
    }
    sample()
    const timer = setInterval(sample, 10)
    return {stop: () => { clearInterval(timer); sample(); return peak }}
  }
  const phase = async <T>(fn: (stats: InstanceType<typeof CallStats>) => Promise<T>): Promise<{result: T; stats: PhaseResult}> => {
    await control('reset')
    const stats = new CallStats()
    global.gc?.()
    const mem = sampler()
    const t0 = performance.now()
    const result = await fn(stats)
    const wallMs = performance.now() - t0
    const peak = mem.stop()
    const records = await control('records')
    return {result, stats: {calls: stats.byAction, total: stats.total, httpRequests: records.length,
      throttled: records.filter(r => /Throttl|RequestLimitExceeded/.test(r.code ?? '')).length, rounds: stats.rounds,
      wallMs, peakRssMb: peak.rss / 2 ** 20, peakHeapMb: peak.heap / 2 ** 20}}
  }

  const cp = await phase(stats => collectSnapshot(clients, {cluster: 'prod', region: 'eu-west-1', onCall: stats.onCall}))
  const snapshot = cp.result
  const probe = await phase(stats => probeSnapshot(observe(clients.ssm!, 'ssm', stats.onCall), snapshot, {timeoutSeconds: 60}))
  const facts = Object.values(snapshot.hostFacts ?? {})
  fake.stop()
  const ltVersions = new Set(Object.values(snapshot.instances ?? {}).map(i => i.launchTemplate ? `${i.launchTemplate.id}:${i.launchTemplate.version}` : undefined).filter(Boolean)).size
  return {n, latencyMs, controlPlane: cp.stats, probe: {...probe.stats, probed: facts.length, hostsOk: facts.filter(f => f.status === 'ok').length},
    launchTemplateVersions: ltVersions, gaps: snapshot.gaps.length}
}

/** The control-plane paragraphs of docs/performance.md, with this run's figures. */
function controlPlaneNotes(results: OneResult[]): string {
  const rounds = [...new Set(results.map(r => r.controlPlane.rounds))].join(' / ')
  const big = results.find(r => r.n === 1000) ?? results.at(-1)!
  const budget = 25 + 3 * Math.ceil(big.n / 100) + big.launchTemplateVersions
  const op = (name: string) => big.controlPlane.calls[name] ?? 0
  return `- **Control-plane dependent rounds: ${rounds} (N = ${results.map(r => r.n).join(', ')})**: DescribeClusters →
  ListContainerInstances → DescribeContainerInstances, then one round each for DescribeInstances; Auto Scaling
  groups, launch templates, VPCs and mount-target ENIs; security groups, subnets, network ACLs and VPC DNS, with the
  policies and access points of the file systems already in scope alongside (working out that scope reads UserData
  with the bash grammar, which loads while the first round is in flight). The listing waits for the cluster's registered count: up to 100 it is one
  plain page, above it is split into 2–16 \`ec2InstanceId =~ .*<hex>$\` partitions of at most about 90, listed
  concurrently, so it is the same depth at every size (small clusters pay that one round). Above 16 × 90 ≈ 1,440
  instances the partitions need second pages: about one more round per 1,600 instances.
  The running-task chain (ListTasks page 1 → page 2, each → DescribeTasks → DescribeTaskDefinition) starts in the
  first round and ends with DescribeInstances, so it adds no round; it reads at most 200 running tasks (MAX_TASK_PAGES
  in src/inventory/collectors/ecs.ts; \`scope.notes\` says so when capped). Services, and so their task definitions, are
  read in full, and task definitions are fetched as soon as a service or task names them.
- **Control-plane calls at N = ${big.n}: ${big.controlPlane.total} of ${budget}**: ListContainerInstances ${op('ecs:ListContainerInstances')} (the
  partitions; plain paging would be ${Math.ceil(big.n / 100)} calls in as many rounds), DescribeContainerInstances ${op('ecs:DescribeContainerInstances')} (100 per call, the API
  maximum), DescribeInstances ${op('ec2:DescribeInstances')} (up to 1,000 InstanceIds per call; an id EC2 no longer knows is dropped from the
  batch and retried, and noted). The one 1,000-instance DescribeInstances response is the slowest call of the phase
  (one large response to serialise and parse, where five concurrent calls of 200 overlapped that work; 350 ms in
  one timed run): fewer calls, a little more wall time. A cheaper split does not pay: partitions are whole hex digits, so 8 would hold
  about 125 instances each and need second pages (as many calls, more rounds). DescribeMountTargets is called for
  every file system in the account (the VPC inference needs them), not only those in scope.`
}

/** Probe notes, with this run's figures. */
function probeNotes(results: OneResult[]): string {
  const ns = results.map(r => r.n).join(', ')
  const per = (op: string) => results.map(r => r.probe.calls[op] ?? 0).join(' / ')
  const rounds = results.map(r => r.probe.rounds).join(' / ')
  return `- **Probe SendCommand ${per('ssm:SendCommand')} (N = ${ns})**: src/remote/probe.ts sends one identical command to
  every instance of a run (every mount-target IP of the file systems in scope, the union of the expected paths; the
  host checks pick the connect result of the instance's own AZ), so it is ⌈N/50⌉ SendCommand calls.
- **Probe dependent rounds ${rounds} (N = ${ns})**: pre-flight (DescribeInstanceInformation per 50) → SendCommand →
  ListCommandInvocations rounds. The SSM runner (src/remote/ssm-runner.ts) sends SendCommand batches ${SEND_CONCURRENCY} at a
  time (SEND_CONCURRENCY), pre-flight chunks and each poll round's Lists ${READ_CONCURRENCY} at a time (READ_CONCURRENCY): one
  round each up to N = ${SEND_CONCURRENCY * 50}, one more per further ${SEND_CONCURRENCY * 50} hosts. Polling costs nothing per instance: a healthy probe's output (about 1–1.5 KB) fits in the List's
  2,500-character plugin output, so GetCommandInvocation (${per('ssm:GetCommandInvocation')} calls here) is called only for outputs the
  List cut, 16 at a time. The fake answers at once, so one poll round suffices; real hosts take a few rounds.`
}

const fmt = (x: number) => x.toFixed(0)

/** Where and when this run happened: the figures are only comparable on the same machine under the same load. */
function machine(): string {
  const cpu = cpus()
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${fmt(totalmem() / 2 ** 30)} GB, Node ${process.version} ${process.platform}/${process.arch}`
}

const load = () => loadavg().map(l => l.toFixed(2)).join(' / ')

async function main(): Promise<void> {
  const one = arg('one')
  const latency = Number(arg('latency') ?? 50)
  if (one) {
    process.stdout.write(JSON.stringify(await runOne(Number(one), latency)))
    return
  }
  const quick = args.includes('--quick')
  const writeDocs = args.includes('--write-docs') || args.includes('--write')
  const rounds = Number(arg('rounds') ?? (quick ? 5 : 11))
  const startedAt = new Date()
  const loadBefore = load()
  const ns = quick ? [] : (arg('n') ?? '10,100,1000').split(',').map(Number)
  const results: OneResult[] = []
  for (const n of ns) {
    process.stderr.write(`bench: N=${n} …\n`)
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url), '--one', String(n), '--latency', String(latency)],
      {cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, stdio: ['ignore', 'pipe', 'inherit']})
    if (r.status !== 0) throw new Error(`bench for N=${n} failed (exit ${r.status})`)
    results.push(JSON.parse(r.stdout) as OneResult)
  }
  const cli: CliFigures = await cliBench(root, {rounds, latencyMs: latency, reuseInstall: quick || args.includes('--reuse-install')})
  let usage: UsageFigures | undefined
  if (!quick) {
    process.stderr.write('bench: issue 10 (330-stack lint, 1,000-instance checks) …\n')
    usage = usageBench(root)
  }

  const lines: string[] = []
  const out = (s = '') => lines.push(s)
  out(`Machine: ${machine()}; started ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}, load average (1/5/15 min) ${loadBefore} at the start, ${load()} at the end.`)
  out('')
  out('Whole processes, as packed (`npm pack`, production dependencies installed from package-lock.json), from start to exit;')
  out(`medians of ${rounds} interleaved rounds (every case once per round, after one warm-up round), so a load swing hits every case alike:`)
  out('')
  out('| case | median | × `node -e 0` | peak RSS | checks phase | all runs (ms) |')
  out('|---|---|---|---|---|---|')
  const names: [keyof CliFigures, string][] = [['node', '`node -e 0`'], ['version', '`efsdoctor --version`'],
    ['healthy', '`check --from healthy.json --output json`'], ['big', '`check --from` 1,000 instances'], ['bigJson', '`check --from` 1,000 instances `--output json` (no target)'],
    ['live10', `\`check --cluster --no-probe\`, N=10, ${latency} ms/call`], ['live1000', `\`check --cluster --no-probe\`, N=1000, ${latency} ms/call`]]
  for (const [k, label] of names) {
    const c = cli[k]
    out(`| ${label} | ${fmt(c.ms)} ms | ${(c.ms / cli.node.ms).toFixed(2)} | ${c.rssMb ? `${fmt(c.rssMb)} MB` : ''} | ${c.checksMs !== undefined ? `${c.checksMs} ms` : ''} | ${c.runs.join(' ')} |`)
  }
  out('')
  if (results.length > 0) {
    out(`In-process phases: simulated AWS on 127.0.0.1, ${latency} ms per call, rate limit 100 burst / 50 per s per action; real SDK v3 clients (adaptive retry).`)
    out('')
    out('| N | phase | calls | HTTP requests (throttled) | dependent rounds | wall time | peak RSS | peak heap |')
    out('|---|---|---|---|---|---|---|---|')
    for (const r of results) {
      for (const [name, p] of [['control plane', r.controlPlane], ['SSM probe', r.probe]] as const) {
        out(`| ${r.n} | ${name} | ${p.total} | ${p.httpRequests} (${p.throttled}) | ${p.rounds} | ${fmt(p.wallMs)} ms | ${fmt(p.peakRssMb)} MB | ${fmt(p.peakHeapMb)} MB |`)
      }
    }
    out('')
    out('Calls by operation:')
    out('')
    const ops = [...new Set(results.flatMap(r => [...Object.keys(r.controlPlane.calls), ...Object.keys(r.probe.calls)]))]
    out(`| operation | ${results.map(r => `N=${r.n}`).join(' | ')} |`)
    out(`|---|${results.map(() => '---').join('|')}|`)
    for (const op of ops) out(`| ${op} | ${results.map(r => r.controlPlane.calls[op] ?? r.probe.calls[op] ?? 0).join(' | ')} |`)
    out('')
  }
  out('Targets:')
  out('')
  const checks: [string, boolean, string][] = cliTargets(cli, latency, rounds).map(t => [t.what, t.ok, t.value])
  if (results.length > 0) {
    for (const [name, rs] of [['control-plane', results.map(r => r.controlPlane.rounds)], ['probe', results.map(r => r.probe.rounds)]] as const) {
      checks.push([`${name} dependent rounds ≤ 8 for every N`, Math.max(...rs) <= 8, rs.join(', ')])
      checks.push([`${name} dependent rounds the same for every N`, new Set(rs).size === 1, rs.join(', ')])
    }
  }
  for (const r of results) {
    const budget = 25 + 3 * Math.ceil(r.n / 100) + r.launchTemplateVersions
    checks.push([`N=${r.n}: control-plane calls ≤ 25 + 3·⌈N/100⌉ + ${r.launchTemplateVersions} launch-template versions = ${budget}`, r.controlPlane.total <= budget, String(r.controlPlane.total)])
  }
  const big = results.find(r => r.n === 1000)
  if (big) checks.push([`N=1000 control-plane phase ≤ 1.5 s at ${latency} ms latency`, big.controlPlane.wallMs <= 1500, `${fmt(big.controlPlane.wallMs)} ms`])
  for (const r of results) {
    const sends = r.probe.calls['ssm:SendCommand'] ?? 0
    checks.push([`N=${r.n}: probe SendCommand calls = ⌈N/50⌉ = ${Math.ceil(r.n / 50)}`, sends <= Math.ceil(r.n / 50), String(sends)])
    checks.push([`N=${r.n}: every host probed and parsed`, r.probe.hostsOk === r.n, `${r.probe.hostsOk}/${r.n}`])
  }
  if (usage) {
    checks.push(['lint of the 330-stack template (2 MB): 0 failures, ≤ 2 s (median of 5 fresh processes) and ≤ 300 MB peak RSS (largest)',
      usage.lintFails === 0 && usage.lintMs <= 2000 && usage.lintRssMb <= 300, `${usage.lintFails} failures, ${fmt(usage.lintMs)} ms, ${fmt(usage.lintRssMb)} MB`])
    checks.push(['check --from 1,000 instances, 20 file systems in the VPC, 3 used: checks phase ≤ 150 ms (median of 5 fresh processes)',
      usage.checksMs <= 150, `${fmt(usage.checksMs)} ms, ${usage.pairs} (instance, file system) pairs, ${usage.checksFails} failures`])
  }
  for (const [what, ok, value] of checks) out(`- ${ok ? 'PASS' : 'FAIL'} ${what}: ${value}`)
  const failed = checks.filter(([, ok]) => !ok).length
  const text = lines.join('\n')
  process.stdout.write(`${text}\n`)
  if (writeDocs && quick) process.stderr.write('bench: --quick runs do not write docs/performance.md\n')
  if (writeDocs && !quick) {
    const doc = `# Performance

Produced by \`npm run bench -- --write-docs\` on ${startedAt.toISOString().slice(0, 10)}: ${machine()}. Timings on a
shared or busy machine swing; the whole-process figures are therefore ratios to \`node -e 0\` measured in the same
rounds, and the load average is printed with them.

The benchmark serves a generated cluster (N container instances over three AZs, one launch template with two
versions, three task definitions with host and EFS volumes, services and running tasks) from a simulated AWS on
the loopback interface (\`bench/fake-aws/\`), talks to it with the real SDK v3 clients, and measures whole CLI
processes of the packed package (\`bench/cli.ts\`), and in-process \`collectSnapshot\` (control plane) and
\`probeSnapshot\` (SSM probe of every ACTIVE instance; the fake returns a captured probe output at once, so probe
times are API cost only). The live whole-process runs use \`--no-probe\`: with real hosts the probe's time is the
hosts' (the SSM runner first polls after 1 s).
The 1,000-instance snapshot is bench/fixtures/cluster-1000.v1.json.gz (schemaVersion 1, so the upgrade is timed too;
\`node --import tsx bench/make-fixture.ts\` regenerates it from the simulated AWS). Its target is the command as issue 12
names it, \`check --from FILE\`, whose default output is the table; the same run with \`--output json\` is shown without
a target: that report is 15 MB (18,701 findings, each pass with its evidence and fingerprint), and a bare Node script
that only parses the snapshot, builds that many findings with their sha256 fingerprints and writes them as indented
JSON (\`bench/json-floor.mjs\`) already takes 3.2–3.3 × \`node -e 0\` on this machine, before any check runs.

"Dependent rounds" is the longest chain of calls that waited on each other: a call's depth is one more than the
deepest call that had already ended when it started (client-side start/end events; SDK retries stay inside one
call). Calls count logical SDK calls; HTTP requests include retries of throttled calls.

${text}

## Where a whole process spends its time

\`EFSDOCTOR_TIMING=1\` prints the steps of one run, with the resident set size and the minor page faults of each. For
\`check --from\` the 1,000-instance snapshot on this machine, roughly: Node's own start ~80 ms before our first line,
then our start-up ~25 ms (the replay bundle read and compiled from its code cache, and the bash grammar's
WebAssembly starting to compile); reading and decoding 5 MB ~45 ms (in slices, the grammar's compile going on
meanwhile); \`JSON.parse\` ~30 ms; validation ~13 ms; the grammar's instantiation ~8 ms; the schema-1 upgrade ~17 ms
(the usage model, which the checks then reuse); the checks ~50–60 ms; the table ~25 ms; then ~25 ms from the last
line to the parent seeing the exit (\`node -e 0\`: ~20 ms).

On this VM a minor page fault costs ~12 µs (the first touch of a 50 MB buffer: 12,200 faults, ~155 ms; touching it
again: 1.4 ms), so much of each phase is page faults: the run takes ~11,000 more than \`node -e 0\` (~130 ms). Where
they are: start-up ~1,400 (our code from its cache), reading the file ~3,600 (the bytes and the string ~2,500, the
rest the grammar's compile on its background thread: Liftoff's working memory), \`JSON.parse\` ~1,300, the checks
~1,000, the table ~500. With transparent huge pages the 50 MB touch takes 10 ms, but this kernel gives them only on
\`madvise\`, which V8 does not ask for and glibc only with \`GLIBC_TUNABLES=glibc.malloc.hugetlb=1\`, read before any of
our code runs. What was done, each measured interleaved against the commit before:

- bin/run.js runs a command's module directly (no oclif start-up) and starts compiling the bash grammar's
  WebAssembly on a background thread before the command loads; validators are precompiled (ajv standalone).
- V8's young generation is kept at its first size (\`--semi-space-growth-factor=1\`, for every command but lint):
  growing it to 16 MB semi-spaces touched fresh pages that cost more than the extra scavenges: 1,000-instance table
  547 → 474 ms, 106 → 89 MB; lint of a 2 MB template was 10 % slower with it.
- A replay (\`check --from\`/\`--example\`) runs without V8's optimising compiler (\`--no-opt\`), whose background
  compiles competed with the run for the second core: 1,000-instance table 495 → 467 ms. Not for live runs (the SDK
  parses every response: N=1000 was 10 % slower with it) nor lint (43 % slower); a replay of 5,000 or more instances
  turns it back on before the checks (10,000 instances were 5 % slower without it).
- Passes are only counted when only the table reads them. The loops over every instance (host and network checks)
  cut each pass down as soon as it is made, so the ~15,000 passes of that run die young instead of being copied into
  the old generation (471 → 432 ms, checks ~118 → 88 ms), and their messages and evidence are not even built
  (\`passFor\`: 462 → 450 ms).
- Hosts that use the same file systems share one set, so what is worked out per set (the mount targets that serve a
  host) is worked out once per AZ, not once per host.
- The snapshot validator (180 KB of generated ajv code) loads in a replay from a V8 code cache made at build time
  (src/core/cached-script.ts, scripts/code-caches.mjs), under a replay's V8 settings: healthy.json's validate step
  25–32 → 7–8 ms. A cache V8 rejects (another Node, other settings) is ignored and the script compiled as before.
- In that run every counted pass of the per-instance loops is one frozen outcome, and (no fingerprints to stamp) each
  check's counted passes one finding: 62.8 → 58.8 MB allocated; the table's sanitized copy leaves out evidence, which
  it never prints. Within the noise of one A/B (457 → 451 ms); the bench moved from 4.38 × to 4.18 ×.
- A replay runs from a bundle of its own, \`dist/replay/check.js\` (src/cli/replay.ts): one CommonJS script that
  bin/run.js compiles with a V8 code cache made at build time by replaying the shipped examples and this snapshot
  (scripts/code-caches.mjs), so neither the ~40 ES modules a replay loaded nor the functions it runs are compiled
  again: our start-up ~60 → ~25 ms, the checks ~10 ms shorter. Its dynamic imports go through a function bin/run.js
  passes in (\`import()\` cannot run in a \`vm.Script\` on Node 20 without an experimental flag); html and junit, with their
  large dependencies, stay ES modules. The snapshot is read in 256 KB slices with a turn of the event loop between
  them, so the grammar's compile gets the main-thread steps it needs while the file is read (read in one piece, the
  replay then waited ~50 ms for the grammar). 1,000-instance table 423 → 367 ms (4.41 × → 3.8 ×, interleaved, 21 runs).
  bin/run.js starts the grammar's compile itself, before the bundle is compiled (its files are named in
  \`dist/replay/check.json\`): healthy.json, which mostly waits for the grammar, 229 → 212 ms.
- Only the snapshot's maps (the schema's \`additionalProperties\` objects: instances, security groups, tags…) lose their
  prototype, not all 37,000 objects and arrays (~5 ms); the table's sanitized copy hands back a clean finding as it is
  instead of copying each of the 4,000 unknowns to leave its evidence out (table ~30 → 25 ms).

Measured and dropped: lazy WebAssembly compilation (again with the replay bundle: 379 vs 356 ms; the grammar's lexer,
compiled at the first parse on the main thread, is most of its code); reading the snapshot on the thread pool (the
read then competed with the grammar's compile for the second core: ~10 ms slower than slices); larger or smaller young
generations (fixed 2 or 4 MB semi-spaces: no gain; V8's default growth: 403 vs 356 ms), page promotion thresholds, no
scavenge tasks, \`--single-threaded-gc\`, \`--no-parallel-scavenge\`, \`--maglev\`, \`--always-sparkplug\`,
\`--no-sparkplug\`, \`--no-lazy-feedback-allocation\` (no change); minifying all of dist (−13 ms, not worth unreadable
stack traces); a worker thread for parsing or validation; index loops instead of \`for…of\` over findings (459 vs
457 ms); the optimising compiler turned back on for the checks at 1,000 instances (453 vs 434 ms); starting the
renderer's import before the snapshot load (no change); \`process.reallyExit\` at the end (no change). An earlier code
cache for each command's ES modules had measured start-up 150 → 146 ms: it was made right after compiling, so it held
little more than the top-level code, and \`import()\` failed in cached code; the replay bundle's cache is made after
whole replays. Without the bash grammar at all (a snapshot with empty UserData) the run is ~22 ms shorter: what the
grammar costs on the main thread (its instantiation, its JavaScript, the compile's synchronous part).

What is left is spread thin: the floor before any check runs (Node, our code, read, decode, parse, validate, upgrade)
is ~2.5 × \`node -e 0\` here, and the checks and the table, with the garbage collection (~55 scavenges of V8's 1 MB
young generation, ~55 ms in all) and page faults they cause, the rest, over 35 checks with no hot spot (the largest
~7 ms; the overview table, cli-table3 over 38 rows, ~6 ms).

## Where the figures come from (as of this run)

${controlPlaneNotes(results)}
${probeNotes(results)}
`
    writeFileSync(join(root, 'docs/performance.md'), doc)
  }
  // NOTE: a failed target fails the run, so `npm run bench` can gate a change (it is not part of CI: timings are noisy).
  if (failed > 0) {
    process.stderr.write(`bench: ${failed} target(s) FAIL\n`)
    process.exitCode = 1
  }
}

await main()
