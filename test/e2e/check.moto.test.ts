/**
 * End to end against moto's server: a cluster built with the real SDK in an AWS implementation no one here wrote,
 * then `efsdoctor check --cluster … --endpoint-url … --no-probe --output json` run as a user would, asserting on the
 * JSON report and the exit code. One moto per file (python starts slowly), reset before every scenario.
 */
import {
  AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, CreateNetworkAclCommand, CreateNetworkAclEntryCommand, CreateSecurityGroupCommand,
  DescribeNetworkAclsCommand, ModifyVpcAttributeCommand, ReplaceNetworkAclAssociationCommand, RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2'
import {CreateFileSystemCommand, CreateMountTargetCommand, PutFileSystemPolicyCommand} from '@aws-sdk/client-efs'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Check from '../../src/commands/check.js'
import Mount from '../../src/commands/mount.js'
import Snapshot from '../../src/commands/snapshot.js'
import type {Finding, Report} from '../../src/core/types.js'
import {runBundled} from '../support/bundle.js'
import {runCommand} from '../support/run-command.js'
import {motoMissing, startMoto, type Moto} from './support/moto.js'
import {autoScalingGroup, awsClients, CLUSTER, healthyCluster, REGION, registerContainerInstance, type Aws} from './support/world.js'

const missing = motoMissing()
// NOTE: never a silent skip: the reason is printed, and under CI the suite fails (startMoto throws it).
if (missing) process.stderr.write(`${missing}\n`)
const suite = missing && process.env.CI !== 'true' ? describe.skip : describe

const errors = (r: Report): Finding[] => r.findings.filter(f => f.status === 'fail' && f.severity === 'error')
const by = (r: Report, checkId: string, status?: Finding['status']): Finding[] =>
  r.findings.filter(f => f.checkId === checkId && (!status || f.status === status))
const ids = (fs: Finding[]): string[] => fs.map(f => f.resource.id).sort()
/** Per scenario: moto answers slowly on a loaded machine, and the first scenario also loads the SDK and the CLI. */
const SCENARIO_MS = 120_000

suite('efsdoctor check against moto', () => {
  let moto: Moto
  let aws: Aws

  beforeAll(async () => {
    moto = await startMoto()
    aws = awsClients(moto.endpoint)
  }, 120_000)
  afterAll(async () => { await moto?.stop() })
  beforeEach(async () => { await moto.reset() }, SCENARIO_MS)
  const scenario = (name: string, fn: () => Promise<void>) => it(name, fn, SCENARIO_MS)

  async function check(extra: string[] = []): Promise<{code: number; report: Report; stderr: string}> {
    const r = await runCommand(Check, ['--cluster', CLUSTER, '--endpoint-url', moto.endpoint, '--region', REGION, '--no-probe', '--output', 'json', ...extra])
    if (!r.stdout) throw new Error(`no report (exit ${r.code}): ${r.stderr}`)
    return {code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr}
  }

  /** The only error-level failures are `checkId`'s, on exactly `resources`. */
  function expectOnlyFailure(report: Report, checkId: string, resources: string[]): void {
    expect(errors(report).filter(f => f.checkId !== checkId).map(f => `${f.checkId} ${f.resource.id}`)).toEqual([])
    expect(ids(by(report, checkId, 'fail'))).toEqual([...resources].sort())
    for (const f of by(report, checkId, 'fail')) expect(f.fix?.summary).toBeTruthy()
  }

  scenario('a healthy cluster: exit 0, nothing failing or unknown, every link seen and passing', async () => {
    const w = await healthyCluster(aws)
    const {code, report} = await check()
    expect(code).toBe(0)
    expect(report.scope).toMatchObject({source: 'aws', cluster: CLUSTER, region: REGION, accountId: '123456789012'})
    expect(report.scope.fileSystems?.map(f => f.id)).toEqual([w.fsId])
    expect(report.findings.filter(f => f.status === 'fail' || f.status === 'unknown').map(f => `${f.checkId} ${f.resource.id}: ${f.message}`)).toEqual([])
    for (const id of ['network/mount-target-sg-allows-nfs', 'network/client-sg-egress-nfs', 'network/nacl-allows-nfs', 'ecs/container-instances-healthy']) {
      expect([id, ids(by(report, id, 'pass'))]).toEqual([id, [...w.instanceIds].sort()])
    }
    expect(by(report, 'efs/mount-target-per-az', 'pass')).toHaveLength(2)
    expect(ids(by(report, 'efs/mount-target-available', 'pass'))).toEqual([...w.mountTargetIds].sort())
    for (const id of ['network/vpc-dns', 'userdata/mounts-efs', 'userdata/fstab-netdev', 'ecs/volume-source-on-efs', 'ecs/mount-point-volume-exists']) {
      expect([id, by(report, id, 'pass').length]).toEqual([id, 1])
    }
  })

  scenario('a mount-target security group that admits one subnet\'s CIDR only: the host in the other subnet fails', async () => {
    const w = await healthyCluster(aws)
    await aws.ec2.send(new RevokeSecurityGroupIngressCommand({GroupId: w.mountTargetSg, IpPermissions: [
      {IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [{GroupId: w.hostSg}]}]}))
    await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand({GroupId: w.mountTargetSg, IpPermissions: [
      {IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, IpRanges: [{CidrIp: w.subnets[0].cidr}]}]}))
    const {code, report} = await check()
    expect(code).toBe(1)
    expectOnlyFailure(report, 'network/mount-target-sg-allows-nfs', [w.instanceIds[1]])
    expect(by(report, 'network/mount-target-sg-allows-nfs', 'fail')[0].message).toContain(w.mountTargetSg)
    expect(ids(by(report, 'network/mount-target-sg-allows-nfs', 'pass'))).toEqual([w.instanceIds[0]])
  })

  scenario('no mount target in one AZ: the file system fails there, and only there', async () => {
    const w = await healthyCluster(aws, {mountTargetSubnets: [0]})
    const {code, report} = await check()
    expect(code).toBe(1)
    expectOnlyFailure(report, 'efs/mount-target-per-az', [w.fsId])
    const [fail] = by(report, 'efs/mount-target-per-az', 'fail')
    expect(fail.message).toContain(w.instanceIds[1])
    expect(fail.message).not.toContain(w.instanceIds[0])
    expect(by(report, 'efs/mount-target-per-az', 'pass')).toHaveLength(1)
  })

  scenario('an Auto Scaling group with a subnet in an AZ without a mount target fails before an instance boots there', async () => {
    const w = await healthyCluster(aws)
    // NOTE: moto launches every instance of a group in its first subnet (a); c is where the next scale-out may land.
    await autoScalingGroup(aws, w, 'prod-ecs-asg', [w.subnets[0].id, w.subnets[2].id], 1)
    const launched = await groupInstances(aws, 'prod-ecs-asg')
    expect(launched).toHaveLength(1)
    await registerContainerInstance(aws, launched[0])
    const {code, report} = await check()
    expect(code).toBe(1)
    expectOnlyFailure(report, 'efs/mount-target-per-az', [w.fsId])
    expect(by(report, 'efs/mount-target-per-az', 'fail')[0].message).toContain(w.subnets[2].id)
    expect(ids(by(report, 'ecs/container-instances-healthy', 'pass'))).toEqual([...w.instanceIds, launched[0]].sort())
  })

  scenario('host security group egress without 2049: every host fails the client-egress check', async () => {
    const w = await healthyCluster(aws)
    await aws.ec2.send(new RevokeSecurityGroupEgressCommand({GroupId: w.hostSg, IpPermissions: [{IpProtocol: '-1', IpRanges: [{CidrIp: '0.0.0.0/0'}]}]}))
    await aws.ec2.send(new AuthorizeSecurityGroupEgressCommand({GroupId: w.hostSg, IpPermissions: [
      {IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{CidrIp: '0.0.0.0/0'}]}]}))
    const {code, report} = await check()
    expect(code).toBe(1)
    expectOnlyFailure(report, 'network/client-sg-egress-nfs', w.instanceIds)
  })

  scenario('a network ACL on one mount-target subnet without the return path: that pair fails, the other passes', async () => {
    // NOTE: two AZs only: moto's association.subnet-id filter needs the listed subnets to be a subset or superset of
    // an ACL's (AWS matches any); see CONTRIBUTING.md.
    const w = await healthyCluster(aws, {azCount: 2})
    const acl = (await aws.ec2.send(new CreateNetworkAclCommand({VpcId: w.vpcId}))).NetworkAcl!.NetworkAclId!
    // Inbound NFS from the VPC, outbound only to port 2049: the replies to the clients' ephemeral ports are dropped.
    for (const Egress of [false, true]) {
      await aws.ec2.send(new CreateNetworkAclEntryCommand({NetworkAclId: acl, RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress,
        CidrBlock: '10.0.0.0/16', PortRange: {From: 2049, To: 2049}}))
    }
    const data = w.dataSubnets[0].id
    const current = await aws.ec2.send(new DescribeNetworkAclsCommand({Filters: [{Name: 'association.subnet-id', Values: [data]}]}))
    const association = current.NetworkAcls![0].Associations!.find(a => a.SubnetId === data)!
    await aws.ec2.send(new ReplaceNetworkAclAssociationCommand({AssociationId: association.NetworkAclAssociationId, NetworkAclId: acl}))
    const {code, report} = await check()
    expect(code).toBe(1)
    expectOnlyFailure(report, 'network/nacl-allows-nfs', [w.instanceIds[0]])
    expect(by(report, 'network/nacl-allows-nfs', 'fail')[0].message).toContain(acl)
    expect(ids(by(report, 'network/nacl-allows-nfs', 'pass'))).toEqual([w.instanceIds[1]])
  })

  scenario('VPC DNS hostnames off while UserData mounts by DNS name: the VPC fails', async () => {
    const w = await healthyCluster(aws)
    await aws.ec2.send(new ModifyVpcAttributeCommand({VpcId: w.vpcId, EnableDnsHostnames: {Value: false}}))
    const {code, report} = await check()
    expect(code).toBe(1)
    expectOnlyFailure(report, 'network/vpc-dns', [w.vpcId])
    expect(by(report, 'network/vpc-dns', 'fail')[0].message).toContain('enableDnsHostnames=false')
  })

  scenario('a file-system policy that requires TLS while the hosts mount without it: the UserData fails', async () => {
    const w = await healthyCluster(aws, {mountOptions: '_netdev,nofail'})
    const resource = `arn:aws:elasticfilesystem:${REGION}:123456789012:file-system/${w.fsId}`
    await aws.efs.send(new PutFileSystemPolicyCommand({FileSystemId: w.fsId, Policy: JSON.stringify({Version: '2012-10-17', Statement: [
      {Sid: 'Mount', Effect: 'Allow', Principal: {AWS: '*'}, Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'], Resource: resource},
      {Sid: 'TlsOnly', Effect: 'Deny', Principal: {AWS: '*'}, Action: '*', Resource: resource, Condition: {Bool: {'aws:SecureTransport': 'false'}}},
    ]})}))
    const {code, report} = await check()
    expect(code).toBe(1)
    expectOnlyFailure(report, 'efs/file-system-policy', [`launch-template:${w.launchTemplateId}:1`])
    expect(by(report, 'efs/file-system-policy', 'fail')[0].message).toContain('aws:SecureTransport')
  })

  scenario('a task-definition mount point naming a volume that does not exist (a typo)', async () => {
    await healthyCluster(aws, {volume: {sourceVolume: 'shraed'}})
    const {code, report} = await check()
    expect(code).toBe(1)
    expectOnlyFailure(report, 'ecs/mount-point-volume-exists', ['prod-web:1'])
    expect(by(report, 'ecs/mount-point-volume-exists', 'fail')[0].message).toContain('"shraed"')
  })

  scenario('a host volume sourcePath outside the EFS mount: containers would write to local disk', async () => {
    await healthyCluster(aws, {volume: {sourcePath: '/mnt/data/shared'}})
    const {code, report} = await check()
    expect(code).toBe(1)
    expectOnlyFailure(report, 'ecs/volume-source-on-efs', ['prod-web:1'])
    expect(by(report, 'ecs/volume-source-on-efs', 'fail')[0].message).toContain('/mnt/data/shared')
  })

  scenario('another team\'s file system in the same VPC, unused by the cluster: exit 0, nothing failing about it', async () => {
    const w = await healthyCluster(aws)
    const sg = await aws.ec2.send(new CreateSecurityGroupCommand({GroupName: 'analytics-efs', Description: 'admits no one from the ECS hosts', VpcId: w.vpcId}))
    const other = (await aws.efs.send(new CreateFileSystemCommand({CreationToken: 'analytics', Tags: [{Key: 'Name', Value: 'analytics'}]}))).FileSystemId!
    await aws.efs.send(new CreateMountTargetCommand({FileSystemId: other, SubnetId: w.dataSubnets[2].id, SecurityGroups: [sg.GroupId!]}))
    const {code, report} = await check()
    expect(report.findings.filter(f => f.status === 'fail').map(f => `${f.checkId} ${f.resource.id}: ${f.message}`)).toEqual([])
    expect(code).toBe(0)
    expect(report.scope.fileSystems?.map(f => f.id)).toContain(w.fsId)
    expect(by(report, 'efs/mount-target-per-az', 'pass').map(f => f.message).every(m => m.includes(w.fsId))).toBe(true)
    expect(ids(by(report, 'network/mount-target-sg-allows-nfs', 'pass'))).toEqual([...w.instanceIds].sort())
  })

  scenario('snapshot, then check --from it: the same findings and exit code as the live run', async () => {
    const w = await healthyCluster(aws, {mountTargetSubnets: [0]})
    const live = await check()
    const file = join(mkdtempSync(join(tmpdir(), 'efsd-moto-')), 'snapshot.json')
    const saved = await runCommand(Snapshot, ['--cluster', CLUSTER, '--endpoint-url', moto.endpoint, '--region', REGION, '--no-probe', '--output-file', file])
    expect(saved.code).toBe(0)
    expect(saved.stderr).toContain('(0 gaps)')
    const replay = await runCommand(Check, ['--from', file, '--output', 'json'])
    const replayed = JSON.parse(replay.stdout) as Report
    expect(live.code).toBe(1)
    expect(replay.code).toBe(live.code)
    expect(replayed.scope).toMatchObject({source: 'snapshot', snapshotFile: file, cluster: CLUSTER})
    expect(replayed.findings).toEqual(live.report.findings)
    expect(replayed.summary).toEqual(live.report.summary)
    expect(ids(by(replayed, 'efs/mount-target-per-az', 'fail'))).toEqual([w.fsId])
  })

  scenario('mount --instance --dry-run with the region from the profile only: each instance gets the mount target in its own AZ, by DNS name', async () => {
    const w = await healthyCluster(aws)
    const dir = mkdtempSync(join(tmpdir(), 'efsd-profile-'))
    writeFileSync(join(dir, 'config'), `[profile ops]\nregion = ${REGION}\n`)
    writeFileSync(join(dir, 'credentials'), '[ops]\naws_access_key_id = AKIATESTFAKEKEY00000\naws_secret_access_key = fake-secret-for-tests\n')
    const names = ['AWS_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']
    const saved = Object.fromEntries(names.map(k => [k, process.env[k]]))
    for (const k of names) delete process.env[k]
    process.env.AWS_CONFIG_FILE = join(dir, 'config')
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials')
    let r: Awaited<ReturnType<typeof runCommand>>
    try {
      r = await runCommand(Mount, ['--instance', w.instanceIds[0], '--instance', w.instanceIds[1], '--file-system', w.fsId,
        '--path', '/mnt/efs', '--profile', 'ops', '--endpoint-url', moto.endpoint, '--dry-run', '--output', 'json'])
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v
    }
    expect([r.code, r.stderr]).toEqual([0, ''])
    const out = JSON.parse(r.stdout) as {notes: string[]; plan: {instances: {instanceId: string; mountTargetId?: string; target?: string; sent: boolean}[]}}
    expect(out.notes).toEqual([])
    // The DNS name needs the region, here read from the SDK's own configuration (the profile), as the calls read it.
    const dns = `${w.fsId}.efs.${REGION}.amazonaws.com`
    expect(out.plan.instances.map(p => [p.instanceId, p.mountTargetId, p.target, p.sent])).toEqual([
      [w.instanceIds[0], w.mountTargetIds[0], dns, true], [w.instanceIds[1], w.mountTargetIds[1], dns, true]])
  })

  scenario('the bundled CLI (dist/ as packed: esbuild, tree-shaken SDK) gives the sources\' report, live and through SSM', async () => {
    const w = await healthyCluster(aws, {mountTargetSubnets: [0]})
    const env = {AWS_ACCESS_KEY_ID: 'AKIATESTFAKEKEY00000', AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests'}
    const args = ['check', '--cluster', CLUSTER, '--endpoint-url', moto.endpoint, '--region', REGION, '--output', 'json']
    const source = await check()
    const bundled = runBundled([...args, '--no-probe'], env)
    expect([bundled.status, bundled.stderr]).toEqual([source.code, source.stderr])
    const report = JSON.parse(bundled.stdout) as Report
    expect(report.findings).toEqual(source.report.findings)
    expect(report.summary).toEqual(source.report.summary)
    expect(ids(by(report, 'efs/mount-target-per-az', 'fail'))).toEqual([w.fsId])
    // The probe: the bundled SSM client's calls reach moto and its answers are read as the sources read them.
    const probed = runBundled([...args, '--probe-timeout', '5'], env)
    expect(probed.status).toBe(1)
    const managed = by(JSON.parse(probed.stdout) as Report, 'host/ssm-managed')
    expect(ids(managed)).toEqual([...w.instanceIds].sort())
    for (const f of managed) expect([f.status, f.message]).toEqual(['unknown', expect.stringContaining('SSM reported the command as successful but returned no output')])
  })

  scenario('the host probe where SSM cannot answer (moto: no DescribeInstanceInformation or ListCommandInvocations, empty output): every host check unknown with the reason, no hang', async () => {
    const w = await healthyCluster(aws)
    const started = Date.now()
    const r = await runCommand(Check, ['--cluster', CLUSTER, '--endpoint-url', moto.endpoint, '--region', REGION, '--probe-timeout', '5', '--output', 'json'])
    // NOTE: the probe may wait --probe-timeout + 30 s; the reason below (not a timeout) shows the fallback to
    // GetCommandInvocation ended it before that. The bound only catches a hang, on however loaded a machine.
    expect(Date.now() - started).toBeLessThan(90_000)
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as Report
    expect(report.findings.filter(f => f.status === 'fail').map(f => f.checkId)).toEqual([])
    // host/root-directory-exists asks about task volumes, not hosts: this world's task definition binds a host path, so
    // it has nothing to look for.
    expect(by(report, 'host/root-directory-exists').map(f => [f.status, f.message])).toEqual([['skipped', 'Nothing to evaluate in this scope.']])
    const host = report.findings.filter(f => (f.checkId.startsWith('host/') && f.checkId !== 'host/root-directory-exists') || f.checkId === 'ecs/container-sees-efs')
    expect(host.length).toBeGreaterThanOrEqual(2 * 10)
    for (const f of host) {
      expect([f.checkId, f.status]).toEqual([f.checkId, 'unknown'])
      expect(w.instanceIds).toContain(f.resource.id)
    }
    const managed = by(report, 'host/ssm-managed')
    expect(ids(managed)).toEqual([...w.instanceIds].sort())
    for (const f of managed) {
      expect(f.message).toContain('SSM reported the command as successful but returned no output')
      expect(f.message).not.toContain('--probe-timeout')
    }
    // The control-plane checks are unaffected by the probe.
    expect(ids(by(report, 'network/mount-target-sg-allows-nfs', 'pass'))).toEqual([...w.instanceIds].sort())
  })
})

async function groupInstances(aws: Aws, group: string): Promise<string[]> {
  const {DescribeAutoScalingGroupsCommand} = await import('@aws-sdk/client-auto-scaling')
  const out = await aws.asg.send(new DescribeAutoScalingGroupsCommand({AutoScalingGroupNames: [group]}))
  return (out.AutoScalingGroups?.[0]?.Instances ?? []).map(i => i.InstanceId!)
}
