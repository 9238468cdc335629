/**
 * Issue 9's budget: parsing all distinct UserData of a 1,000-instance cluster adds ≤ 50 ms.
 *   node --import tsx bench/userdata.ts
 * In this fresh process it measures: loading the bash grammar (once per process, only when there is UserData);
 * the checks phase of a 1,000-instance snapshot whose hosts run 10 launch-template versions, each a different
 * real-world script from test/fixtures/userdata-corpus, against the same snapshot without UserData (the added
 * cost: parsing each distinct script once, and the userdata checks); parsing those 10 scripts alone; and parsing
 * every raw script of the corpus, cold.
 * Prints one JSON line; the figures are medians of 5 runs, each on fresh copies (the parse memo never hits), as wall
 * time and as this process's CPU time (user + system), which a loaded machine inflates less.
 */
import {readFileSync} from 'node:fs'
import {allChecks} from '../src/checks/index.js'
import {parseUserData} from '../src/checks/_lib/user-data.js'
import {runChecks} from '../src/core/run-checks.js'
import {loadShellParser} from '../src/core/shell-parser.js'
import type {Snapshot} from '../src/model/snapshot.js'
import {healthy} from '../test/support/snapshot-builder.js'
import {CORPUS_DIR, loadCorpus, renderTerraform} from '../test/support/userdata-corpus.js'

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
/** Wall and CPU milliseconds of `fn`. */
function timed(fn: () => void): {wall: number; cpu: number} {
  const [w, c] = [performance.now(), cpuMs()]
  fn()
  return {wall: performance.now() - w, cpu: cpuMs() - c}
}
const round = (x: number): number => Math.round(x * 10) / 10

const t0 = performance.now()
await loadShellParser()
const loadMs = performance.now() - t0

// The corpus's raw scripts (templates are linted, not raw UserData), rendered as Terraform would.
const scripts = loadCorpus().filter(c => c.kind === 'script').map(c => {
  const raw = readFileSync(`${CORPUS_DIR}${c.file}`, 'utf8')
  return c.render ? renderTerraform(raw, c.render) : raw
})

function cluster(versions: string[], run: number): Snapshot {
  const s = healthy()
  const [ci0, inst0] = [s.containerInstances![0], Object.values(s.instances!)[0]]
  s.containerInstances = []
  s.instances = {}
  const ids = Array.from({length: 1000}, (_, i) => `i-${(i + 1).toString(16).padStart(17, '0')}`)
  ids.forEach((id, i) => {
    s.containerInstances!.push({...ci0, arn: `${ci0.arn}-${i}`, ec2InstanceId: id})
    s.instances![id] = {...inst0, id, userDataId: `launch-template:lt-0abc1234def567890:${i % versions.length}`}
  })
  // NOTE: a trailing comment per run makes each run's texts new to the parse memo.
  s.userData = versions.map((text, v) => ({id: `launch-template:lt-0abc1234def567890:${v}`, source: {type: 'launch-template', id: 'lt-0abc1234def567890', version: String(v)},
    instanceIds: ids.filter((_, i) => i % versions.length === v), text: `${text}\n# run ${run}\n`}))
  return s
}

const withUd: {wall: number; cpu: number}[] = []
const without: {wall: number; cpu: number}[] = []
const corpus: {wall: number; cpu: number}[] = []
const ten: {wall: number; cpu: number}[] = []
for (let run = 0; run < 5; run++) {
  ten.push(timed(() => { for (const text of scripts.slice(0, 10)) parseUserData(`${text}\n# ten run ${run}\n`) }))
  const s = cluster(scripts.slice(0, 10), run)
  without.push(timed(() => runChecks(allChecks, {...s, userData: undefined})))
  withUd.push(timed(() => runChecks(allChecks, s)))
  corpus.push(timed(() => { for (const text of scripts) parseUserData(`${text}\n# corpus run ${run}\n`) }))
}
const m = (xs: {wall: number; cpu: number}[], k: 'wall' | 'cpu') => median(xs.map(x => x[k]))

console.log(JSON.stringify({
  grammarLoadMs: round(loadMs),
  parse10DistinctScriptsMs: {wall: round(m(ten, 'wall')), cpu: round(m(ten, 'cpu'))},
  addedByUserData1000Instances10ScriptsMs: {wall: round(m(withUd, 'wall') - m(without, 'wall')), cpu: round(m(withUd, 'cpu') - m(without, 'cpu'))},
  checks1000Instances: {withoutUserData: round(m(without, 'wall')), with10Scripts: round(m(withUd, 'wall'))},
  parseAllCorpusScriptsMs: {wall: round(m(corpus, 'wall')), cpu: round(m(corpus, 'cpu')), scripts: scripts.length},
  loadAverage: (await import('node:os')).loadavg()[0],
}))
