/**
 * `check --preflight` against the simulated AWS: missing permissions are listed before the checks run, a denied
 * simulation is reported and the run goes on, and an assumed-role caller is simulated as its IAM role.
 */
import Check from '../../src/commands/check.js'
import {assumedRoleName, preflightLines} from '../../src/inventory/preflight.js'
import {startFakeAws, type FakeAws} from './harness.js'
import {expectOneLineExit2, runCommand} from '../support/run-command.js'

const run = (argv: string[]) => runCommand(Check, [...argv, '--no-probe', '--output', 'json', '--fail-on', 'none'])

describe('check --preflight', () => {
  let fake: FakeAws
  beforeAll(async () => {
    fake = await startFakeAws({instances: 3, latencyMs: 0, rateLimit: false})
    await run(['--from', 'examples/snapshots/healthy.json'])
  })
  afterAll(async () => { await fake.stop() })
  beforeEach(() => { fake.faults = {}; fake.reset() })

  it('says so when every action is allowed, then runs the checks', async () => {
    const r = await run(['--cluster', 'prod', '--endpoint-url', fake.url, '--preflight'])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('preflight: arn:aws:iam::123456789012:user/efsdoctor may call every action this run needs')
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(10)
    const order = fake.records.map(x => x.action)
    expect(order.indexOf('iam:SimulatePrincipalPolicy')).toBeLessThan(order.indexOf('ecs:DescribeClusters'))
  })

  it('lists the missing actions before any check runs, and the run goes on', async () => {
    fake.faults = {simulateDenied: ['ec2:DescribeNetworkAcls', 'elasticfilesystem:DescribeFileSystemPolicy']}
    const r = await run(['--cluster', 'prod', '--endpoint-url', fake.url, '--preflight'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/is missing 2 permission\(s\)/)
    expect(r.stderr).toContain('  - ec2:DescribeNetworkAcls\n')
    expect(r.stderr).toContain('  - elasticfilesystem:DescribeFileSystemPolicy\n')
    expect(JSON.parse(r.stdout).schemaVersion).toBe(1)
  })

  it('reports a denied simulation and continues', async () => {
    fake.faults = {deny: ['iam:SimulatePrincipalPolicy']}
    const r = await run(['--cluster', 'prod', '--endpoint-url', fake.url, '--preflight'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/preflight: skipped — iam:SimulatePrincipalPolicy denied for arn:aws:iam::123456789012:user\/efsdoctor \(AccessDenied/)
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(10)
  })

  it('simulates an assumed-role caller as its IAM role (path from iam:GetRole)', async () => {
    fake.faults = {callerArn: 'arn:aws:sts::123456789012:assumed-role/efsdoctor-ci/session-1'}
    const r = await run(['--cluster', 'prod', '--endpoint-url', fake.url, '--preflight'])
    expect(r.code).toBe(0)
    expect(fake.simulatedFor).toBe('arn:aws:iam::123456789012:role/team/efsdoctor-ci')
    expect(r.stderr).toContain('preflight: arn:aws:iam::123456789012:role/team/efsdoctor-ci may call every action')
  })

  it('cannot be combined with --from', async () => {
    const r = await run(['--from', 'examples/snapshots/healthy.json', '--preflight'])
    expectOneLineExit2(r, /--preflight .* cannot be used with --from/)
  })
})

describe('preflight helpers', () => {
  it('reads the role name of an assumed-role ARN only', () => {
    expect(assumedRoleName('arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123/jane')).toBe('AWSReservedSSO_Admin_0123')
    expect(assumedRoleName('arn:aws:iam::123456789012:user/jane')).toBeUndefined()
  })

  it('prints one line per missing action', () => {
    expect(preflightLines({principalArn: 'arn:aws:iam::1:user/x', missing: ['a:B', 'c:D']})).toHaveLength(4)
  })
})
