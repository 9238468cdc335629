import {XMLParser} from 'fast-xml-parser'
import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import type {Finding} from '../../src/core/types.js'
import {junitRenderer} from '../../src/report/junit.js'
import {catalogue, ctx, findings, report} from '../support/report-fixtures.js'
import {healthy, IDS, withFault} from '../support/snapshot-builder.js'

type Node = Record<string, unknown>
const parser = new XMLParser({ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false,
  isArray: name => ['testsuite', 'testcase'].includes(name)})
const parse = (xml: string) => (parser.parse(xml) as {testsuites: Node & {testsuite: (Node & {testcase: Node[]})[]}}).testsuites

describe('junit renderer', () => {
  const xml = junitRenderer.render(report(), ctx)
  const root = parse(xml)
  const suite = (name: string) => root.testsuite.find(s => s.name === name)!
  const testcase = (classname: string, name: string) =>
    root.testsuite.flatMap(s => s.testcase).find(t => t.classname === classname && String(t.name).startsWith(name))!

  it('has one testsuite per area, in area order', () => {
    expect(root.testsuite.map(s => s.name)).toEqual(['efs', 'network', 'ecs', 'userdata', 'host'])
  })

  it('counts tests, failures, errors and skipped on the root and on each suite', () => {
    // 6 findings + 1 catalogue check with no finding (host/nfs-client-installed)
    expect(root).toMatchObject({tests: '7', failures: '2', errors: '1', skipped: '3'})
    expect(suite('efs')).toMatchObject({tests: '3', failures: '1', errors: '0', skipped: '1'})
    expect(suite('network')).toMatchObject({tests: '1', failures: '0', errors: '1', skipped: '0'})
    expect(suite('userdata')).toMatchObject({tests: '1', failures: '1'})
    for (const s of root.testsuite) {
      expect(Number(s.tests)).toBe(s.testcase.length)
      expect(Number(s.failures)).toBe(s.testcase.filter(t => t.failure).length)
      expect(Number(s.errors)).toBe(s.testcase.filter(t => t.error).length)
      expect(Number(s.skipped)).toBe(s.testcase.filter(t => t.skipped !== undefined).length)
    }
  })

  it('turns a fail into <failure> with severity type, message and fix text (escaped and parsed back intact)', () => {
    const t = testcase('efs/mount-target-available', 'fsmt-0bb2220000000000b')
    const failure = t.failure as Node
    expect(failure.type).toBe('error')
    expect(failure.message).toBe(findings[1].message)
    expect(failure['#text']).toContain('Fix: Recreate the mount target.')
    expect(failure['#text']).toContain('--subnet-id subnet-0bb2220000000000b')
  })

  it('leaves a pass as an empty testcase', () => {
    const t = testcase('efs/mount-target-available', 'fsmt-0aa1110000000000a')
    expect(t.failure ?? t.error ?? t.skipped).toBeUndefined()
  })

  it('marks an ignored fail as skipped with the reason', () => {
    const t = testcase('efs/file-system-writable', 'fs-0a1b2c3d4e5f60718')
    expect(t.failure).toBeUndefined()
    expect((t.skipped as Node).message).toBe('ignored: DR copy, read-only on purpose')
  })

  it('turns unknown into <error> and skipped into <skipped message>', () => {
    expect((testcase('network/mount-target-sg-allows-nfs', 'sg-0fedcba9876543210').error as Node).message).toContain('AccessDenied')
    expect((testcase('ecs/container-instances-healthy', 'prod').skipped as Node).message).toBe('Nothing to evaluate in this scope.')
  })

  it('names a lint finding by its resource, and puts the template location in the failure text (names stay stable when lines move)', () => {
    const t = testcase('userdata/fstab-netdev', 'LaunchTemplate')
    expect(t.name).toBe('LaunchTemplate')
    expect(String((t.failure as Node)['#text'])).toContain('LaunchTemplate (examples/templates/broken stack.yml:42)')
  })

  it('names two findings of one check on one resource apart by their key', () => {
    const az = (azId: string): Finding => ({...findings[1], checkId: 'efs/mount-target-available', key: {az: azId}})
    const out = parse(junitRenderer.render(report([az('euw1-az1'), az('euw1-az2')]), ctx))
    const names = out.testsuite.flatMap(s => s.testcase).filter(c => c.classname === 'efs/mount-target-available').map(c => c.name)
    expect(names).toEqual(['fsmt-0bb2220000000000b [az=euw1-az1]', 'fsmt-0bb2220000000000b [az=euw1-az2]'])
  })

  it('lists catalogue checks that produced nothing as skipped "not selected"', () => {
    const t = testcase('host/nfs-client-installed', 'not selected')
    expect((t.skipped as Node).message).toBe('not selected')
    const only = parse(junitRenderer.render(report([findings[0]]), ctx))
    const cases = only.testsuite.flatMap(s => s.testcase)
    expect(cases).toHaveLength(catalogue.length)
    expect(only).toMatchObject({tests: String(catalogue.length), skipped: String(catalogue.length - 1), failures: '0'})
  })

  it('drops characters XML 1.0 cannot carry', () => {
    const bad = {...findings[1], message: 'bell\u0007 here'}
    const out = junitRenderer.render(report([bad]), ctx)
    expect(out).not.toContain('\u0007')
    expect((parse(out).testsuite[0].testcase[0].failure as Node).message).toBe('bell here')
  })

  it('renders a real report: the mutated snapshot fails exactly where runChecks failed', () => {
    const s = withFault(x => { x.mountTargets!.find(m => m.id === IDS.mountTargets.b)!.lifeCycleState = 'deleting' })
    const real = runChecks(allChecks, s)
    const parsed = parse(junitRenderer.render(real, {catalogue: allChecks, color: false, verbose: false}))
    expect(Number(parsed.failures)).toBe(real.summary.fail)
    expect(Number(parsed.failures)).toBeGreaterThan(0)
    expect(Number(parsed.errors)).toBe(real.summary.unknown)
    expect(Number(parsed.tests)).toBe(real.findings.length)
    const healthyParsed = parse(junitRenderer.render(runChecks(allChecks, healthy()), {catalogue: allChecks, color: false, verbose: false}))
    expect(healthyParsed.failures).toBe('0')
  })
})
