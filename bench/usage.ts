/**
 * Issue 10 figures for `npm run bench`: `lint` of one template holding 330 copies of examples/templates/ecs-efs-stack.yaml
 * (wall time and peak RSS, in a child process of its own), and the checks phase of `check --from` a 1,000-instance
 * snapshot whose VPC holds 20 file systems, 3 of them used.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export interface UsageFigures {lintMs: number; lintRssMb: number; lintFails: number; checksMs: number; checksFails: number; pairs: number}

/** In the child: one measurement, printed as JSON. */
export async function measure(what: 'lint' | 'check'): Promise<Record<string, number>> {
  const {loadShellParser} = await import('../src/core/shell-parser.js')
  await loadShellParser()
  if (what === 'lint') {
    const {manyStacks} = await import('../test/support/many-stacks.js')
    const f = join(mkdtempSync(join(tmpdir(), 'efsd-bench-')), 'stacks-330.yaml')
    writeFileSync(f, manyStacks(330))
    const {lintTemplateFile} = await import('../src/lint/index.js')
    const t0 = performance.now()
    const {report} = await lintTemplateFile(f)
    return {ms: performance.now() - t0, rssMb: process.resourceUsage().maxRSS / 1024, fails: report.summary.fail}
  }
  const {healthy} = await import('../test/support/snapshot-builder.js')
  const {runChecks} = await import('../src/core/run-checks.js')
  const {allChecks} = await import('../src/checks/index.js')
  const {nfsPairs} = await import('../src/checks/_lib/nfs-pairs.js')
  const s = healthy()
  const [ci0, inst0] = [s.containerInstances![0], Object.values(s.instances!)[0]]
  s.containerInstances = []
  s.instances = {}
  const ids = Array.from({length: 1000}, (_, i) => `i-${(i + 1).toString(16).padStart(17, '0')}`)
  const subnets = Object.keys(s.subnets!)
  ids.forEach((id, i) => {
    s.containerInstances!.push({...ci0, arn: `${ci0.arn}-${i}`, ec2InstanceId: id})
    s.instances![id] = {...inst0, id, subnetId: subnets[i % 3], privateIp: `10.20.${(i % 3) * 4 + 1}.${(i % 250) + 2}`}
  })
  s.userData![0].instanceIds = ids
  // 19 more file systems with a mount target in every subnet; the UserData mounts two of them too (3 used).
  const extra = Array.from({length: 19}, (_, i) => `fs-0${(i + 1).toString(16).padStart(16, '0')}`)
  for (const [k, fsId] of extra.entries()) {
    s.fileSystems!.push({id: fsId, lifeCycleState: 'available'})
    subnets.forEach((subnetId, j) => s.mountTargets!.push({...s.mountTargets![j], id: `fsmt-0${k}${j}`.padEnd(22, '0'), fileSystemId: fsId, ipAddress: `10.20.${j * 4}.${100 + k}`}))
  }
  s.userData![0].text += `\nmount -t efs ${extra[0]}:/ /mnt/a\nmount -t efs ${extra[1]}:/ /mnt/b\n`
  s.scope.fileSystems.push(...extra.slice(0, 2).map(id => ({id, reasons: ['UserData mounts it']})))
  const t0 = performance.now()
  const report = runChecks(allChecks, s)
  const ms = performance.now() - t0
  return {ms, fails: report.summary.fail, pairs: nfsPairs(s).length}
}

/** Runs of each measurement. */
const RUNS = 5

export function usageBench(root: string): UsageFigures {
  const child = (what: string): Record<string, number> => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), what], {cwd: root, encoding: 'utf8', maxBuffer: 16 * 2 ** 20, stdio: ['ignore', 'pipe', 'inherit']})
    if (r.status !== 0) throw new Error(`usage bench ${what} failed (exit ${r.status})`)
    return JSON.parse(r.stdout) as Record<string, number>
  }
  // NOTE: each in a fresh process, 5 times: the median time (one run swings by ±15% on this machine) and the largest
  // peak RSS; the fails and pairs are the same in every run.
  const runs = (what: string) => Array.from({length: RUNS}, () => child(what))
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const [lints, checks] = [runs('lint'), runs('check')]
  return {lintMs: median(lints.map(r => r.ms)), lintRssMb: Math.max(...lints.map(r => r.rssMb)), lintFails: Math.max(...lints.map(r => r.fails)),
    checksMs: median(checks.map(r => r.ms)), checksFails: Math.max(...checks.map(r => r.fails)), pairs: checks[0].pairs}
}

const what = process.argv[2]
if (what === 'lint' || what === 'check') process.stdout.write(JSON.stringify(await measure(what)))
