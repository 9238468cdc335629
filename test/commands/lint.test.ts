import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {allChecks} from '../../src/checks/index.js'
import Lint from '../../src/commands/lint.js'
import type {Finding, Report} from '../../src/core/types.js'
import {templateSnapshot} from '../../src/lint/index.js'
import {expectOneLineExit2, runCommand} from '../support/run-command.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-lint-'))
const T = (name: string) => `examples/templates/${name}`

const run = (argv: string[]) => runCommand(Lint, argv)

async function lintJson(file: string, ...extra: string[]): Promise<{report: Report; code: number}> {
  const {stdout, code} = await run([file, '--output', 'json', ...extra])
  return {report: JSON.parse(stdout) as Report, code}
}

/** 1-based line of the first template line that matches `re` (so tests do not hard-code line numbers). */
function lineOf(file: string, re: RegExp): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex(l => re.test(l))
  if (i < 0) throw new Error(`${re} not in ${file}`)
  return i + 1
}

const find = (r: Report, checkId: string, logicalId: string): Finding | undefined =>
  r.findings.find(f => f.checkId === checkId && f.location?.logicalId === logicalId)
const registered = (id: string) => allChecks.some(c => c.id === id)
/** Checks that need live state: a template can never make them pass. */
const LIVE_ONLY = ['ecs/container-instances-healthy', 'efs/file-system-exists', 'efs/mount-target-available']

describe('efsdoctor lint', () => {
  it.each(['ecs-efs-stack.yaml', 'ecs-efs-stack.json'])('%s lints clean: exit 0, no failure at error severity', async name => {
    const {report, code} = await lintJson(T(name))
    expect(code).toBe(0)
    expect(report.scope).toMatchObject({source: 'template', template: T(name)})
    expect(report.findings.filter(f => f.status === 'fail' && f.severity === 'error')).toEqual([])
    // The template answers the task-definition checks: they pass, located at the task definition.
    const web = find(report, 'ecs/volume-source-on-efs', 'WebTaskDefinition')!
    expect(web.status).toBe('pass')
    expect(web.location).toEqual({file: T(name), logicalId: 'WebTaskDefinition', line: lineOf(T(name), /^ {2,4}"?WebTaskDefinition"?:/)})
    expect(find(report, 'ecs/efs-volume-configuration', 'ReportsTaskDefinition')?.status).toBe('pass')
    expect(find(report, 'ecs/task-role-efs-access', 'ReportsTaskDefinition')?.status).toBe('pass')
    // The template answers the network checks it can: groups, egress defaults and VPC DNS flags are all declared.
    expect(find(report, 'network/mount-target-sg-allows-nfs', 'EfsSecurityGroup')?.status).toBe('pass')
    expect(find(report, 'network/client-sg-egress-nfs', 'InstanceSecurityGroup')?.status).toBe('pass')
    expect(find(report, 'network/vpc-dns', 'Vpc')?.status).toBe('pass')
  })

  it('reports live-state checks as skipped, never pass', async () => {
    const {report} = await lintJson(T('ecs-efs-stack.yaml'))
    for (const id of LIVE_ONLY.filter(registered)) {
      const mine = report.findings.filter(f => f.checkId === id)
      expect(mine.length).toBeGreaterThan(0)
      expect(mine.every(f => f.status === 'skipped')).toBe(true)
      expect(mine[0].message).toMatch(/a template cannot answer this/)
    }
    // Network ACLs: the stack declares none, so its new VPC's default ACL (allow-all) applies, and hosts share the
    // mount targets' subnets anyway.
    const nacl = report.findings.filter(f => f.checkId === 'network/nacl-allows-nfs')
    expect(nacl.length).toBeGreaterThan(0)
    expect(nacl.every(f => f.status === 'pass' && f.location?.logicalId === 'LaunchTemplate')).toBe(true)
  })

  it('broken-unknown-volume.yaml: exit 1, ecs/mount-point-volume-exists at WebTaskDefinition', async () => {
    const file = T('broken-unknown-volume.yaml')
    const {report, code} = await lintJson(file)
    expect(code).toBe(1)
    const f = find(report, 'ecs/mount-point-volume-exists', 'WebTaskDefinition')!
    expect(f.status).toBe('fail')
    expect(f.message).toContain('"shard"')
    expect(f.location).toEqual({file, logicalId: 'WebTaskDefinition', line: lineOf(file, /^ {2}WebTaskDefinition:/)})
  })

  it('broken-efs-volume-config.yaml: exit 1, both efsVolumeConfiguration and task-role findings at ReportsTaskDefinition', async () => {
    const file = T('broken-efs-volume-config.yaml')
    const {report, code} = await lintJson(file)
    expect(code).toBe(1)
    const line = lineOf(file, /^ {2}ReportsTaskDefinition:/)
    const cfg = find(report, 'ecs/efs-volume-configuration', 'ReportsTaskDefinition')!
    expect(cfg.status).toBe('fail')
    expect(cfg.message).toMatch(/transitEncryption is not ENABLED/)
    expect(cfg.message).toMatch(/rootDirectory is \/reports/)
    expect(cfg.location?.line).toBe(line)
    const role = find(report, 'ecs/task-role-efs-access', 'ReportsTaskDefinition')!
    expect(role.status).toBe('fail')
    expect(role.location?.line).toBe(line)
  })

  it('broken-source-path.yaml: exit 1, the host path is outside the EFS mount', async () => {
    const file = T('broken-source-path.yaml')
    const {report, code} = await lintJson(file)
    expect(code).toBe(1)
    const f = find(report, 'ecs/volume-source-on-efs', 'WebTaskDefinition')!
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/\/efs\/shared.*outside every EFS mount.*\/mnt\/efs/)
  })

  const netdev = registered('userdata/fstab-netdev') ? it : it.skip
  netdev('broken-no-netdev.yaml: exit 1, userdata/fstab-netdev at the fstab line inside the template', async () => {
    const file = T('broken-no-netdev.yaml')
    const {report, code} = await lintJson(file)
    expect(code).toBe(1)
    const f = find(report, 'userdata/fstab-netdev', 'LaunchTemplate')!
    expect(f.status).toBe('fail')
    expect(f.location).toEqual({file, logicalId: 'LaunchTemplate', line: lineOf(file, />> \/etc\/fstab/)})
    expect(f.evidence?.scriptLine).toBe(7)
  })

  it('broken-nacl-return.yaml: exit 1, network/nacl-allows-nfs fails at EfsNetworkAcl (privileged return ports dropped)', async () => {
    const file = T('broken-nacl-return.yaml')
    const s = templateSnapshot(file)
    expect(s.networkAcls!.find(a => a.id === 'EfsNetworkAcl')!.subnetIds).toEqual(['EfsSubnetA', 'EfsSubnetB'])
    const {report, code} = await lintJson(file)
    expect(code).toBe(1)
    const fails = report.findings.filter(x => x.checkId === 'network/nacl-allows-nfs' && x.status === 'fail')
    expect(fails).toHaveLength(2)
    for (const f of fails) {
      expect(f.location).toEqual({file, logicalId: 'EfsNetworkAcl', line: lineOf(file, /^ {2}EfsNetworkAcl:/)})
      expect(f.message).toMatch(/EfsNetworkAcl \(EfsSubnet[AB]\) rule \* drops return traffic to hosts in Subnet[AB] \(10\.0\.\d+\.0\/20\) ports 665-1023/)
      expect(f.fix?.summary).toMatch(/Egress: true, CidrBlock: 10\.0\.\d+\.0\/20, PortRange: \{From: 665, To: 1023\}/)
    }
    expect(report.findings.filter(x => x.checkId === 'network/nacl-allows-nfs' && x.status === 'pass')).toEqual([])
  })

  it('broken-sg-no-2049.yaml: exit 1, network/mount-target-sg-allows-nfs fails at EfsSecurityGroup', async () => {
    const file = T('broken-sg-no-2049.yaml')
    const s = templateSnapshot(file)
    const mtGroups = s.template!.mountTargets.flatMap(mt => mt.securityGroupIds)
    expect(new Set(mtGroups)).toEqual(new Set(['EfsSecurityGroup']))
    expect(s.securityGroups!.EfsSecurityGroup.ingress.map(r => [r.fromPort, r.groupIds])).toEqual([[22, ['InstanceSecurityGroup']]])
    const {report, code} = await lintJson(file)
    expect(code).toBe(1)
    const f = find(report, 'network/mount-target-sg-allows-nfs', 'EfsSecurityGroup')!
    expect(f.status).toBe('fail')
    expect(f.location).toEqual({file, logicalId: 'EfsSecurityGroup', line: lineOf(file, /^ {2}EfsSecurityGroup:/)})
    expect(f.message).toMatch(/MountTargetA, MountTargetB \(EfsSecurityGroup\) admit no TCP 2049 from the hosts of LaunchTemplate \(InstanceSecurityGroup\)/)
    expect(f.fix?.summary).toMatch(/SourceSecurityGroupId: !Ref InstanceSecurityGroup\} to EfsSecurityGroup/)
    expect(report.findings.filter(x => x.checkId === 'network/mount-target-sg-allows-nfs' && x.status === 'pass')).toEqual([])
  })

  it('--fail-on none turns a failing template into exit 0; --only selects checks', async () => {
    const {code} = await lintJson(T('broken-unknown-volume.yaml'), '--fail-on', 'none')
    expect(code).toBe(0)
    const {report} = await lintJson(T('broken-unknown-volume.yaml'), '--only', 'ecs/mount-point-volume-exists')
    expect(new Set(report.findings.map(f => f.checkId))).toEqual(new Set(['ecs/mount-point-volume-exists']))
  })

  it('fills ${AWS::Region} with --region and the cluster name with --cluster-name', async () => {
    const yaml = readFileSync(T('ecs-efs-stack.yaml'), 'utf8').replace('      ClusterName: efs-demo\n', '      Tags: []\n')
    const p = join(dir, 'unnamed.yaml')
    writeFileSync(p, yaml)
    const {report} = await lintJson(p, '--region', 'eu-west-1', '--cluster-name', 'prod')
    expect(report.scope).toMatchObject({region: 'eu-west-1', cluster: 'prod'})
    expect(templateSnapshot(p, {region: 'eu-west-1', clusterName: 'prod'}).userData![0].text).toContain('ECS_CLUSTER=prod')
  })

  it.each([
    ['a missing file', () => [join(dir, 'absent.yaml')], /cannot read template file .*absent\.yaml: ENOENT \(not found\)/],
    ['a directory', () => [dir], /is a directory/],
    ['malformed YAML', () => { const p = join(dir, 'bad.yaml'); writeFileSync(p, 'Resources:\n  A: [unclosed\n  B: {\n'); return [p] }, /not a valid YAML or JSON template/],
    ['malformed JSON', () => { const p = join(dir, 'bad.json'); writeFileSync(p, '{"Resources": {"A": }'); return [p] }, /not a valid YAML or JSON template/],
    ['a template without Resources', () => { const p = join(dir, 'nores.yaml'); writeFileSync(p, 'Parameters:\n  X: {Type: String}\n'); return [p] }, /has no Resources/],
    ['an empty file', () => { const p = join(dir, 'empty.yaml'); writeFileSync(p, '\n'); return [p] }, /is empty/],
    ['an unknown check id', () => [T('ecs-efs-stack.yaml'), '--only', 'ecs/nope'], /unknown check id "ecs\/nope"/],
    ['no template argument', () => [], /^efsdoctor: missing argument <template> \(see --help\)$/],
  ])('exits 2 with one line for %s', async (_name, argv, pattern) => {
    expectOneLineExit2(await run(argv()), pattern)
  })
})
