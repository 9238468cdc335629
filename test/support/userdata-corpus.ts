/**
 * The real-world UserData corpus (test/fixtures/userdata-corpus, issue 9 item 8) and its scorer: every case runs
 * through the real checks — a CloudFormation template through the real lint path (parse, build snapshot, run), a
 * raw script (bash, cloud-config, MIME, Terraform-rendered) swapped into healthy() — and each check's verdict is
 * compared with the reviewed verdict in expected.json.
 *
 * A verdict is `pass`, `fail:error`, `fail:warning`, `unknown` or `skipped`: the worst outcome the check gives for
 * the case's UserData (for ecs/volume-source-on-efs: for the case's task definitions).
 */
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import type {Finding} from '../../src/core/types.js'
import {lintTemplate} from '../../src/lint/index.js'
import type {Snapshot, TaskDefinition} from '../../src/model/snapshot.js'
import {healthy} from './snapshot-builder.js'

export const CORPUS_DIR = fileURLToPath(new URL('../fixtures/userdata-corpus/', import.meta.url))

export type Verdict = 'pass' | 'fail:error' | 'fail:warning' | 'fail:info' | 'unknown' | 'skipped'
export const VERDICTS: readonly Verdict[] = ['pass', 'fail:error', 'fail:warning', 'fail:info', 'unknown', 'skipped']

export const CORPUS_CHECKS = ['userdata/mounts-efs', 'userdata/client-installed-before-mount', 'userdata/fstab-netdev',
  'userdata/mount-before-docker', 'userdata/script-runs', 'userdata/secrets', 'ecs/volume-source-on-efs'] as const
export type CorpusCheck = typeof CORPUS_CHECKS[number]

export interface CorpusCase {
  id: string
  /** File name in test/fixtures/userdata-corpus. */
  file: string
  /** template: linted as a CloudFormation template; script: the decoded UserData text. */
  kind: 'template' | 'script'
  /** Where the document was found (a public repository), or the issue it was quoted from. */
  source: {repo?: string; path?: string; commit?: string; issue?: number; note?: string}
  /** What the case exercises (format, origin, image, client, addressing, fstab, mistakes). */
  covers: string[]
  /** The image the hosts run, as far as the source says (`unknown` when it does not). */
  image: 'ecs-al1' | 'ecs-al2' | 'ecs-al2023' | 'al1' | 'al2' | 'al2023' | 'ubuntu' | 'rhel' | 'unknown'
  /** template: the logical id of the resource whose UserData is the case (when the template has several). */
  userData?: string
  /** script: the Terraform templatefile() variables the script is rendered with before it is read. */
  render?: Record<string, string>
  /** script: what the snapshot says about the cluster the script is for. */
  scope?: {fileSystemId: string; region: string; cluster?: string; mountTargetIp?: string}
  /** script: the task definition volumes the hosts serve (makes ecs/volume-source-on-efs relevant). */
  taskVolumes?: {name: string; sourcePath: string}[]
  expected: Partial<Record<CorpusCheck, {verdict: Verdict; why: string}>>
}

export interface CorpusFile { cases: CorpusCase[] }

export function loadCorpus(): CorpusCase[] {
  return (JSON.parse(readFileSync(`${CORPUS_DIR}expected.json`, 'utf8')) as CorpusFile).cases
}

/**
 * Terraform rendering: `${name}` (templatefile() variables, or `${local.x}`/`${var.x}` references in a heredoc) → value,
 * `$${` → `${`, `%%{` → `%{`. A name not in `vars` is left as written.
 */
export function renderTerraform(text: string, vars: Record<string, string>): string {
  return text.replace(/(\$\$\{|%%\{)|\$\{([A-Za-z_][\w.-]*)\}/g, (m, escaped: string | undefined, name: string | undefined) => {
    if (escaped) return escaped.slice(1)
    return name !== undefined && name in vars ? vars[name] : m
  })
}

function scriptSnapshot(c: CorpusCase, text: string): Snapshot {
  const s = healthy()
  const scope = c.scope
  if (!scope) throw new Error(`corpus case ${c.id}: a script case needs "scope"`)
  // The image the source says the hosts run, as check reads it from the instances' AMI names (ec2:DescribeImages).
  s.userData = [{...s.userData![0], text, ...(c.image !== 'unknown' ? {image: {kind: c.image}} : {})}]
  s.scope.region = scope.region
  s.scope.fileSystems = [{id: scope.fileSystemId, reasons: ['userdata corpus']}]
  if (scope.cluster) {
    s.scope.cluster = scope.cluster
    s.cluster = {...s.cluster!, name: scope.cluster, arn: `arn:aws:ecs:${scope.region}:123456789012:cluster/${scope.cluster}`}
  } else {
    delete s.scope.cluster
    delete s.cluster
  }
  for (const fs of s.fileSystems ?? []) fs.id = scope.fileSystemId
  for (const mt of s.mountTargets ?? []) mt.fileSystemId = scope.fileSystemId
  if (scope.mountTargetIp && s.mountTargets?.[0]) s.mountTargets[0].ipAddress = scope.mountTargetIp
  const td: TaskDefinition | undefined = c.taskVolumes && {
    arn: `arn:aws:ecs:${scope.region}:123456789012:task-definition/corpus:1`,
    family: 'corpus',
    revision: 1,
    volumes: c.taskVolumes.map(v => ({name: v.name, host: {sourcePath: v.sourcePath}})),
    containers: [{name: 'app', mountPoints: c.taskVolumes.map(v => ({sourceVolume: v.name, containerPath: `/data/${v.name}`}))}],
  }
  s.taskDefinitions = td ? [td] : []
  return s
}

const checksFor = (c: CorpusCase) => allChecks.filter(k => (CORPUS_CHECKS as readonly string[]).includes(k.id) && k.id in c.expected)

/** The findings of the relevant checks for one case, from the real code. */
export function runCase(c: CorpusCase): Finding[] {
  const path = `${CORPUS_DIR}${c.file}`
  if (c.kind === 'template') {
    // NOTE: the corpus judges UserData; a real template's duplicate key (d2si's IAM statement) is read as CloudFormation
    // reads it. test/abuse/templates shows lint refusing it by default.
    const {report} = lintTemplate(path, {checks: checksFor(c), now: '2026-01-01T00:00:00Z', allowDuplicateKeys: true})
    return report.findings.filter(f => !f.checkId.startsWith('userdata/') || !c.userData || f.resource.id === c.userData)
  }
  const raw = readFileSync(path, 'utf8')
  const text = c.render ? renderTerraform(raw, c.render) : raw
  return runChecks(checksFor(c), scriptSnapshot(c, text)).findings
}

const RANK: Record<Verdict, number> = {'fail:error': 0, 'fail:warning': 1, 'fail:info': 2, 'unknown': 3, 'pass': 4, 'skipped': 5}

/** The worst verdict among a check's findings (no finding at all → skipped). */
export function verdictOf(findings: Finding[]): Verdict {
  const vs = findings.map(f => (f.status === 'fail' ? `fail:${f.severity}` : f.status) as Verdict)
  return vs.sort((a, b) => RANK[a] - RANK[b])[0] ?? 'skipped'
}

export type Outcome = 'correct' | 'false-fail' | 'missed' | 'unknown'

/**
 * false-fail: a failure (or a worse severity) where the reviewed verdict has none; missed: a reviewed failure the code
 * does not report at that severity, or a pass/skip where the answer is unknown; unknown: an unknown or skip where the
 * answer was readable.
 */
export function classify(expected: Verdict, actual: Verdict): Outcome {
  if (expected === actual) return 'correct'
  const failRank = (v: Verdict) => (v.startsWith('fail:') ? RANK[v] : 9)
  if (actual.startsWith('fail:') && failRank(actual) < failRank(expected)) return 'false-fail'
  if (expected.startsWith('fail:') || (expected === 'unknown' && (actual === 'pass' || actual === 'skipped'))) return 'missed'
  if (actual === 'unknown' || actual === 'skipped') return 'unknown'
  return 'missed'
}

export interface PairResult { check: CorpusCheck; expected: Verdict; actual: Verdict; outcome: Outcome; why: string; message?: string }
export interface CaseResult { id: string; pairs: PairResult[]; error?: string }
export interface CorpusScore {
  cases: number
  correctCases: number
  pairs: number
  correctPairs: number
  falseFail: number
  missed: number
  unknown: number
  results: CaseResult[]
}

export function scoreCase(c: CorpusCase): CaseResult {
  let findings: Finding[]
  try {
    findings = runCase(c)
  } catch (error) {
    return {id: c.id, error: (error as Error).message, pairs: Object.entries(c.expected).map(([check, e]) =>
      ({check: check as CorpusCheck, expected: e!.verdict, actual: 'unknown', outcome: classify(e!.verdict, 'unknown'), why: e!.why}))}
  }
  const pairs = Object.entries(c.expected).map(([check, e]) => {
    const mine = findings.filter(f => f.checkId === check)
    const actual = verdictOf(mine)
    const worst = mine.find(f => (f.status === 'fail' ? `fail:${f.severity}` : f.status) === actual)
    return {check: check as CorpusCheck, expected: e!.verdict, actual, outcome: classify(e!.verdict, actual), why: e!.why, message: worst?.message}
  })
  return {id: c.id, pairs}
}

export function scoreCorpus(cases: CorpusCase[] = loadCorpus()): CorpusScore {
  const results = cases.map(scoreCase)
  const all = results.flatMap(r => r.pairs)
  const count = (o: Outcome) => all.filter(p => p.outcome === o).length
  return {
    cases: results.length,
    correctCases: results.filter(r => !r.error && r.pairs.every(p => p.outcome === 'correct')).length,
    pairs: all.length,
    correctPairs: count('correct'),
    falseFail: count('false-fail'),
    missed: count('missed'),
    unknown: count('unknown'),
    results,
  }
}

export function summaryLine(s: CorpusScore): string {
  return `userdata corpus: ${s.cases} cases, ${s.correctCases} correct, ${s.falseFail} false-fail, ${s.missed} missed, ${s.unknown} unknown`
}

/** One line per wrong verdict: case, check, expected → actual, and the code's message. */
export function mismatchLines(s: CorpusScore): string[] {
  const out: string[] = []
  for (const r of s.results) {
    if (r.error) out.push(`${r.id}: ERROR ${r.error}`)
    for (const p of r.pairs.filter(x => x.outcome !== 'correct')) {
      out.push(`${r.id} ${p.check}: expected ${p.expected}, got ${p.actual} (${p.outcome})${p.message ? ` — ${p.message.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`)
    }
  }
  return out
}
