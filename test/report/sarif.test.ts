import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import {computeFingerprint as fingerprint} from '../../src/core/identity.js'
import type {Finding} from '../../src/core/types.js'
import {sarifRenderer} from '../../src/report/sarif.js'
import {readSchema, validatorFor} from '../support/ajv.js'
import {catalogue, ctx, findings, report} from '../support/report-fixtures.js'
import {healthy, IDS, withFault} from '../support/snapshot-builder.js'

// The official OASIS SARIF 2.1.0 schema (draft-07 edition); see test/fixtures/schemas/README.md.
const validateSarif = validatorFor(readSchema('test/fixtures/schemas/sarif-schema-2.1.0.json'))

interface Result {ruleId: string; ruleIndex: number; level: string; message: {text: string}; partialFingerprints: Record<string, string>
  locations: {physicalLocation: {artifactLocation: {uri: string}; region: {startLine: number}}; logicalLocations: {name: string; fullyQualifiedName?: string}[]}[]}
interface Rule {id: string; name: string; shortDescription: {text: string}; fullDescription: {text: string}; help: {text: string; markdown: string}; helpUri: string; defaultConfiguration: {level: string}}
interface Log {version: string; runs: {tool: {driver: {name: string; version: string; informationUri: string; rules: Rule[]}}; results: Result[]
  invocations: {executionSuccessful: boolean; toolExecutionNotifications: {message: {text: string}; associatedRule: {id: string}}[]}[]}[]}

const render = (r = report()) => JSON.parse(sarifRenderer.render(r, ctx)) as Log

describe('sarif renderer', () => {
  const log = render()
  const run = log.runs[0]

  it('is valid against the SARIF 2.1.0 schema', () => {
    expect(validateSarif(log)).toEqual([])
  })

  it('the schema really rejects a broken log (the validator is not a no-op)', () => {
    const broken = JSON.parse(JSON.stringify(log)) as Log
    ;(broken.runs[0].results[0] as unknown as Record<string, unknown>).level = 'fatal'
    expect(validateSarif(broken).join('\n')).toMatch(/level|enum|allowed/)
    expect(validateSarif({version: '2.1.0'})).not.toEqual([])
  })

  it('describes the tool and one rule per catalogue check, with help and a level from severity', () => {
    expect(run.tool.driver).toMatchObject({name: 'efsdoctor', version: '0.1.0'})
    expect(run.tool.driver.rules.map(r => r.id)).toEqual(catalogue.map(c => c.id))
    const rule = run.tool.driver.rules.find(r => r.id === 'efs/file-system-writable')!
    expect(rule).toMatchObject({name: 'FileSystemWritable', shortDescription: {text: 'Title of efs/file-system-writable'},
      fullDescription: {text: 'Why efs/file-system-writable matters.'}, helpUri: 'https://docs.example.com/efs/file-system-writable',
      defaultConfiguration: {level: 'warning'}})
    expect(rule.help.text).toContain('Repair efs/file-system-writable.')
    expect(rule.help.markdown).toContain('[Documentation](https://docs.example.com/efs/file-system-writable)')
    expect(run.tool.driver.rules.find(r => r.id === 'host/nfs-client-installed')!.defaultConfiguration.level).toBe('note')
  })

  it('emits results only for unignored fails, with ruleIndex pointing at the rule', () => {
    expect(run.results.map(r => r.ruleId).sort()).toEqual(['efs/mount-target-available', 'userdata/fstab-netdev'])
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId)
    expect(run.results.find(r => r.ruleId === 'userdata/fstab-netdev')!.level).toBe('warning')
  })

  it('puts message and fix in the result text', () => {
    const r = run.results.find(x => x.ruleId === 'efs/mount-target-available')!
    expect(r.message.text).toContain('is "deleting"')
    expect(r.message.text).toContain('Fix: Recreate the mount target.')
    expect(r.message.text).toContain('aws efs create-mount-target')
  })

  it('points a live resource at a stable pseudo-path and names its ARN', () => {
    const loc = run.results.find(x => x.ruleId === 'efs/mount-target-available')!.locations[0]
    expect(loc.physicalLocation.artifactLocation.uri).toBe('aws/eu-west-1/efs-mount-target/fsmt-0bb2220000000000b')
    expect(loc.logicalLocations[0]).toMatchObject({name: 'fsmt-0bb2220000000000b', fullyQualifiedName: findings[1].resource.arn})
  })

  it('points a lint finding at the template file and line', () => {
    const loc = run.results.find(x => x.ruleId === 'userdata/fstab-netdev')!.locations[0]
    expect(loc.physicalLocation.artifactLocation.uri).toBe('examples/templates/broken%20stack.yml')
    expect(loc.physicalLocation.region.startLine).toBe(42)
    expect(loc.logicalLocations[0].name).toBe('LaunchTemplate')
  })

  it('fingerprints are stable across runs and differ per check, resource and key, never per wording or line', () => {
    const again = render()
    expect(again.runs[0].results.map(r => r.partialFingerprints)).toEqual(run.results.map(r => r.partialFingerprints))
    const fp = run.results.map(r => r.partialFingerprints['efsdoctor/v2'])
    expect(new Set(fp).size).toBe(fp.length)
    for (const f of fp) expect(f).toMatch(/^[0-9a-f]{64}$/)
    const f = findings[5]
    const moved: Finding = {...f, location: {...f.location, line: 43}}
    const reworded: Finding = {...f, message: 'different wording'}
    expect(fingerprint(moved)).toBe(fingerprint(f))
    expect(fingerprint(reworded)).toBe(fingerprint(f))
    expect(fingerprint({...f, key: {subnet: 'SubnetA'}})).not.toBe(fingerprint({...f, key: {subnet: 'SubnetB'}}))
    expect(fingerprint({...f, resource: {...f.resource, id: 'Other'}})).not.toBe(fingerprint(f))
  })

  it('reports unknowns as tool execution notifications, not alerts', () => {
    const notes = run.invocations[0].toolExecutionNotifications
    expect(notes).toHaveLength(1)
    expect(notes[0].associatedRule.id).toBe('network/mount-target-sg-allows-nfs')
    expect(notes[0].message.text).toContain('AccessDenied')
  })

  it('adds a rule for a finding whose check is not in the catalogue, so ruleIndex always resolves', () => {
    const odd = {...findings[1], checkId: 'efs/not-in-catalogue'}
    const out = render(report([odd]))
    const r = out.runs[0].results[0]
    expect(out.runs[0].tool.driver.rules[r.ruleIndex].id).toBe('efs/not-in-catalogue')
    expect(validateSarif(out)).toEqual([])
  })

  it('validates for real reports (healthy and mutated snapshots, no region, template scope)', () => {
    const real = (r: ReturnType<typeof runChecks>) => JSON.parse(sarifRenderer.render(r, {catalogue: allChecks, color: false, verbose: false})) as Log
    const broken = runChecks(allChecks, withFault(x => { x.mountTargets!.find(m => m.id === IDS.mountTargets.b)!.lifeCycleState = 'deleting' }))
    const out = real(broken)
    expect(validateSarif(out)).toEqual([])
    expect(out.runs[0].results.length).toBe(broken.findings.filter(f => f.status === 'fail' && !f.ignored).length)
    expect(out.runs[0].results.length).toBeGreaterThan(0)
    expect(validateSarif(real(runChecks(allChecks, healthy())))).toEqual([])
    expect(validateSarif(render(report(findings, {source: 'template', region: undefined, cluster: undefined, template: 'a b.yml'})))).toEqual([])
  })
})
