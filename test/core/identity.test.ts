/**
 * Finding identity (src/core/identity.ts): fingerprints and JUnit names tell every finding apart, and stay the same
 * across runs and across small unrelated changes to the snapshot or template.
 */
import {createHash} from 'node:crypto'
import {readFileSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {XMLParser} from 'fast-xml-parser'
import {allChecks} from '../../src/checks/index.js'
import {computeFingerprint, withFingerprints} from '../../src/core/identity.js'
import {runChecks} from '../../src/core/run-checks.js'
import type {Finding, Report} from '../../src/core/types.js'
import {loadSnapshot} from '../../src/inventory/load-snapshot.js'
import {lintTemplate} from '../../src/lint/index.js'
import {junitRenderer} from '../../src/report/junit.js'
import {sarifRenderer} from '../../src/report/sarif.js'
import {faulty} from '../support/faults.js'
import {EXAMPLE_SNAPSHOTS, EXAMPLE_TEMPLATES, identityReports} from '../support/identity-inputs.js'
import {IDS} from '../support/snapshot-builder.js'
import {readSchema, validatorFor} from '../support/ajv.js'
import {githubIngestionProblems} from '../support/github-sarif.js'

const ctx = {catalogue: allChecks, color: false, verbose: false}
const validReport = validatorFor(readSchema('schemas/report.schema.json'))
type Log = {runs: {results: {ruleId: string; properties: {resourceType: string}; partialFingerprints: Record<string, string>
  locations: {physicalLocation: {artifactLocation: {uri: string}; region: {startLine: number}}; logicalLocations: {name: string}[]}[]}[]}[]}
const sarif = (r: Report) => JSON.parse(sarifRenderer.render(r, ctx)) as Log
const parser = new XMLParser({ignoreAttributes: false, attributeNamePrefix: '', isArray: n => n === 'testsuite' || n === 'testcase'})
const junitCases = (r: Report) => (parser.parse(junitRenderer.render(r, ctx)) as {testsuites: {testsuite: {testcase: {classname: string; name: string}[]}[]}})
  .testsuites.testsuite.flatMap(s => s.testcase).map(c => `${c.classname} :: ${c.name}`)
const dups = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i)

const examples: [string, () => Promise<Report>][] = [
  ...EXAMPLE_SNAPSHOTS.map((f): [string, () => Promise<Report>] => [`snapshot ${f}`, async () => runChecks(allChecks, await loadSnapshot(`examples/snapshots/${f}`))]),
  ...EXAMPLE_TEMPLATES.map((f): [string, () => Promise<Report>] => [`template ${f}`, async () => lintTemplate(`examples/templates/${f}`).report]),
]

describe('every shipped example', () => {
  it.each(examples)('%s: SARIF fingerprints and JUnit test cases are pairwise distinct', async (_name, make) => {
    const report = await make()
    const fps = sarif(report).runs[0].results.map(r => r.partialFingerprints['efsdoctor/v2'])
    expect(dups(fps)).toEqual([])
    expect(dups(junitCases(report))).toEqual([])
    expect(dups(report.findings.map(f => f.fingerprint!))).toEqual([])
  })

  it('the broken examples really have several failures of one check on one resource (the cases that used to collide)', async () => {
    const sg = runChecks(allChecks, await loadSnapshot('examples/snapshots/broken-awsvpc-task-sg.json'))
    const worker = sg.findings.filter(f => f.status === 'fail' && f.checkId === 'network/mount-target-sg-allows-nfs' && f.resource.id === 'worker')
    expect(worker.map(f => f.key?.subnet).sort()).toEqual([IDS.subnets.a, IDS.subnets.b, IDS.subnets.c])
    const nacl = lintTemplate('examples/templates/broken-nacl-return.yaml').report.findings
      .filter(f => f.status === 'fail' && f.checkId === 'network/nacl-allows-nfs')
    expect(nacl.map(f => f.key?.subnet).sort()).toEqual(['SubnetA', 'SubnetB'])
    expect(new Set(nacl.map(f => f.fingerprint)).size).toBe(2)
  })
})

describe('no check relies on the occurrence fallback', () => {
  it.each(identityReports())('%s: every finding is told apart by check, resource and key alone, in a schema-valid report (a usable baseline)', (_name, report) => {
    expect(validReport(JSON.parse(JSON.stringify(report)))).toEqual([])
    expect(report.findings.filter(f => f.key?.occurrence).map(f => `${f.checkId} ${f.resource.id}`)).toEqual([])
    expect(dups(report.findings.map(f => f.fingerprint!))).toEqual([])
    expect(dups(junitCases(report))).toEqual([])
  })
})

describe('withFingerprints', () => {
  const f: Finding = {checkId: 'efs/mount-target-per-az', title: 't', severity: 'error', status: 'fail', message: 'm',
    resource: {type: 'efs-file-system', id: IDS.fs}, fix: {summary: 'x'}}

  it('numbers findings that would share a fingerprint, in report order, instead of merging them', () => {
    const out = withFingerprints([f, {...f, message: 'other'}, {...f, key: {az: 'euw1-az1'}}])
    expect(out.map(x => x.key?.occurrence)).toEqual([undefined, '2', undefined])
    expect(new Set(out.map(x => x.fingerprint)).size).toBe(3)
  })

  it('ignores the order of key entries, and separates values that would join alike', () => {
    expect(computeFingerprint({...f, key: {a: '1', b: '2'}})).toBe(computeFingerprint({...f, key: {b: '2', a: '1'}}))
    expect(computeFingerprint({...f, key: {a: '1 b=2'}})).not.toBe(computeFingerprint({...f, key: {a: '1', b: '2'}}))
  })
})

const failures = (r: Report) => new Map(r.findings.filter(f => f.status === 'fail').map(f => [f.fingerprint!, f]))

describe('the same finding keeps its fingerprint', () => {
  it('across runs', () => {
    const a = runChecks(allChecks, faulty('broken-no-mount-target'))
    const b = runChecks(allChecks, faulty('broken-no-mount-target'))
    expect(b.findings.map(f => f.fingerprint)).toEqual(a.findings.map(f => f.fingerprint))
  })

  it('when an unrelated instance joins the cluster (the message changes, the identity does not)', () => {
    const before = runChecks(allChecks, faulty('broken-no-mount-target'))
    const s = faulty('broken-no-mount-target')
    const extra = 'i-007a1b2c3d4e5f6a7'
    s.instances![extra] = {...s.instances![IDS.instances[4]], id: extra}
    s.containerInstances!.push({...s.containerInstances!.find(ci => ci.ec2InstanceId === IDS.instances[4])!, ec2InstanceId: extra,
      arn: `arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/${'7'.repeat(32)}`})
    const after = runChecks(allChecks, s)
    const perAz = (r: Report) => r.findings.find(f => f.status === 'fail' && f.checkId === 'efs/mount-target-per-az')!
    expect(perAz(after).message).not.toBe(perAz(before).message)
    expect(perAz(after).message).toContain(extra)
    expect(perAz(after).fingerprint).toBe(perAz(before).fingerprint)
    for (const [fp] of failures(before)) expect(failures(after).has(fp)).toBe(true)
  })

  it('when lines above it move in the template (a comment and an unrelated resource are added)', () => {
    const file = 'examples/templates/broken-nacl-return.yaml'
    const text = readFileSync(file, 'utf8')
    const dir = mkdtempSync(join(tmpdir(), 'efsd-identity-'))
    const moved = join(dir, 'broken-nacl-return.yaml')
    writeFileSync(moved, text.replace(/^Resources:\n/m, 'Resources:\n  # an unrelated bucket\n  LogBucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: logs\n'))
    const a = lintTemplate(file).report
    const b = lintTemplate(moved).report
    expect([...failures(b).keys()].sort()).toEqual([...failures(a).keys()].sort())
    expect(failures(a).size).toBeGreaterThan(0)
    for (const [fp, f] of failures(a)) expect(failures(b).get(fp)!.location!.line).toBe(f.location!.line! + 5)
  })
})

describe('SARIF locations', () => {
  it('lint: each result points at the template line of the resource its finding is about', () => {
    const file = 'examples/templates/broken-nacl-return.yaml'
    const lines = readFileSync(file, 'utf8').split('\n')
    const report = lintTemplate(file).report
    const log = sarif(report)
    expect(log.runs[0].results.length).toBeGreaterThan(0)
    for (const r of log.runs[0].results) {
      const loc = r.locations[0]
      expect(loc.physicalLocation.artifactLocation.uri).toBe(file)
      const logicalId = loc.logicalLocations[0].name
      const resourceLine = lines.findIndex(l => l === `  ${logicalId}:`) + 1
      expect(resourceLine).toBeGreaterThan(0)
      // NOTE: a UserData finding points further in: at the script line inside its launch template.
      if (r.properties.resourceType === 'user-data') expect(loc.physicalLocation.region.startLine).toBeGreaterThan(resourceLine)
      else expect(loc.physicalLocation.region.startLine).toBe(resourceLine)
    }
  })

  it('check: every result has a location of its own resource and detail', async () => {
    const report = runChecks(allChecks, await loadSnapshot('examples/snapshots/broken-awsvpc-task-sg.json'))
    const results = sarif(report).runs[0].results
    expect(results.length).toBeGreaterThan(2)
    const uris = results.map(r => r.locations[0].physicalLocation.artifactLocation.uri)
    expect(dups(uris)).toEqual([])
    for (const r of results) {
      expect(r.locations).toHaveLength(1)
      expect(r.locations[0].logicalLocations[0].name).toBeTruthy()
    }
    expect(uris).toContain(`aws/eu-west-1/ecs-service/worker/fileSystem=${IDS.fs}/subnet=${IDS.subnets.b}`)
  })
})

describe('GitHub code scanning ingestion rules', () => {
  const validSarif = validatorFor(readSchema('test/fixtures/schemas/sarif-schema-2.1.0.json'))

  it.each(examples)('%s: SARIF is schema-valid and GitHub would take every result as its own alert', async (_name, make) => {
    const text = sarifRenderer.render(await make(), ctx)
    expect(validSarif(JSON.parse(text))).toEqual([])
    expect(githubIngestionProblems(text)).toEqual([])
  })

  it('the rules catch a shared fingerprint, a missing location and an unknown rule (the check is not a no-op)', async () => {
    const log = sarif(runChecks(allChecks, await loadSnapshot('examples/snapshots/broken-awsvpc-task-sg.json'))) as unknown as
      {runs: {results: Record<string, unknown>[]}[]}
    const [a, b, c] = log.runs[0].results
    b.partialFingerprints = a.partialFingerprints
    c.locations = []
    a.ruleId = 'efs/no-such-rule'
    const problems = githubIngestionProblems(JSON.stringify(log)).join('\n')
    expect(problems).toMatch(/result 1 .*shared with result 0/)
    expect(problems).toMatch(/result 2 .*no location/)
    expect(problems).toMatch(/result 0 .*ruleId not among/)
  })
})

describe('fingerprint value', () => {
  it('is sha256 over scheme, check id, resource type and id and the sorted key entries, NUL-separated (baselines stay valid)', () => {
    const f = {checkId: 'network/mount-target-sg-allows-nfs', resource: {type: 'ec2-instance' as const, id: 'i-001a1b2c3d4e5f6a7'}, key: {subnet: 's-2', fileSystem: 'fs-1'}}
    const expected = createHash('sha256').update(['v2', f.checkId, 'ec2-instance', 'i-001a1b2c3d4e5f6a7', 'fileSystem', 'fs-1', 'subnet', 's-2'].join('\u0000')).digest('hex')
    expect(computeFingerprint(f)).toBe(expected)
    expect(computeFingerprint({...f, key: undefined})).toBe(createHash('sha256').update(['v2', f.checkId, 'ec2-instance', 'i-001a1b2c3d4e5f6a7'].join('\u0000')).digest('hex'))
  })
})
