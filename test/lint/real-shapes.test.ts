/**
 * Templates with the shape of real ones that `lint` once misjudged (test/fixtures/templates/SOURCES.md, "shapes/"):
 * two false errors and a Fargate service whose broken network path came out as "No failures".
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {lintTemplateFile} from '../../src/lint/index.js'
import type {Finding} from '../../src/core/types.js'

const SHAPES = 'test/fixtures/templates/shapes'
const lint = async (name: string) => (await lintTemplateFile(`${SHAPES}/${name}`, {region: 'eu-west-1'})).report
const of = (findings: Finding[], checkId: string) => findings.filter(f => f.checkId === checkId)

describe('lint on the shapes of real templates', () => {
  it('EC2 tasks that mount EFS through EFSVolumeConfiguration need no host mount: no mounts-efs error', async () => {
    const r = await lint('r1-efsvolume-ec2-no-userdata-mount.yaml')
    expect(r.findings.filter(f => f.status === 'fail')).toEqual([])
    const [m] = of(r.findings, 'userdata/mounts-efs')
    expect(m.status).toBe('skipped')
    expect(m.message).toContain('tasks mount Efs through efsVolumeConfiguration')
  })

  it('a bastion next to a Fargate-only service is not a container instance, and its instance\'s subnet is known', async () => {
    const r = await lint('r2-bastion-next-to-fargate.yaml')
    expect(r.findings.filter(f => f.status === 'fail' || f.status === 'unknown')).toEqual([])
    const [runs] = of(r.findings, 'userdata/script-runs')
    expect(runs.status).toBe('pass')
    expect(runs.message).toContain('Amazon Linux 2, not an ECS-optimized image')
    expect(runs.message).toContain('not container instances, so ECS_CLUSTER is not judged')
    // The instance's SubnetId is its launch template's subnet: the NACL path is judged, not unknown.
    expect(of(r.findings, 'network/nacl-allows-nfs').filter(f => f.resource.id === 'BastionTemplate').map(f => f.status)).toEqual(['pass'])
  })

  it('with an AMI id it cannot name, the bastion is still no container instance: every service runs on Fargate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'efsd-shapes-'))
    const text = readFileSync(`${SHAPES}/r2-bastion-next-to-fargate.yaml`, 'utf8')
    const literal = text.replace("'{{resolve:ssm:/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2}}'", 'ami-084e8c05825742534')
    expect(literal).not.toBe(text)
    writeFileSync(join(dir, 'bastion.yaml'), literal)
    const [runs] = of((await lintTemplateFile(join(dir, 'bastion.yaml'), {region: 'eu-west-1'})).report.findings, 'userdata/script-runs')
    expect(runs.status).toBe('pass')
    expect(runs.message).toContain('Every service of this template runs on Fargate and no capacity provider launches its hosts')
    // The same host with an EC2 service in the template: it may be meant for the cluster, so ECS_CLUSTER is asked for.
    writeFileSync(join(dir, 'ec2.yaml'), literal.replace('LaunchType: FARGATE', 'LaunchType: EC2'))
    expect(of((await lintTemplateFile(join(dir, 'ec2.yaml'), {region: 'eu-west-1'})).report.findings, 'userdata/script-runs')[0].status).toBe('fail')
  })

  it('judges the task ENIs of a Fargate service: ingress, egress and a mount target in every AZ of its subnets', async () => {
    const r = await lint('r4-fargate-task-sg-not-admitted.yaml')
    const fails = r.findings.filter(f => f.status === 'fail')
    expect(fails.map(f => f.checkId).sort()).toEqual(['efs/mount-target-per-az', 'network/client-sg-egress-nfs', 'network/mount-target-sg-allows-nfs'])
    expect(of(fails, 'network/mount-target-sg-allows-nfs')[0].message).toContain('admit no TCP 2049 from the tasks of service Service (TaskSg)')
    expect(of(fails, 'network/mount-target-sg-allows-nfs')[0].fix?.summary).toContain('SourceSecurityGroupId: !Ref TaskSg')
    expect(of(fails, 'network/client-sg-egress-nfs')[0].message).toContain('(tasks of service Service)')
    const az = of(fails, 'efs/mount-target-per-az')[0]
    expect(az.message).toContain('no mount target in the AZ of service Service subnet SubnetB')
    expect(az.fix?.summary).toContain('remove SubnetB from the awsvpcConfiguration Subnets of service Service')
    // SubnetA has the mount target: that subnet passes.
    expect(of(r.findings, 'efs/mount-target-per-az').find(f => f.status === 'pass')?.message).toContain('service Service subnet SubnetA has mount target MountA')
  })

  it('fix commands name what the template has: the file system before .efs., and no command for a DNS-name parameter', async () => {
    const az = of((await lint('r5-az-prefixed-dns-param.yaml')).findings, 'userdata/fstab-netdev')[0]
    expect(az.fix?.command).toContain("--file-system '${EFSFileSystem}'")
    expect(az.fix?.command).not.toContain('FileSystemId')
    // nfs needs a host name in `${ElasticFileSystemDnsName}:/`: passed as --file-system it would become
    // <dns name>.efs.<region>.amazonaws.com, so the fix says what to change and gives no command.
    const dns = of((await lint('r3-dnsname-param-fix.yaml')).findings, 'userdata/fstab-netdev')[0]
    expect(dns.status).toBe('fail')
    expect(dns.fix?.summary).toMatch(/fstab line/)
    expect(dns.fix?.command).toBeUndefined()
  })

  it('a hand-built DNS name for another region fails even when no file system is in scope to compare ids with', async () => {
    const file = `${SHAPES}/r5-az-prefixed-dns-param.yaml`
    const there = of((await lintTemplateFile(file, {region: 'us-east-1'})).report.findings, 'userdata/mounts-efs')[0]
    expect(there).toMatchObject({status: 'fail', location: {logicalId: 'LaunchConfig'}})
    expect(there.message).toContain('names region eu-west-1, but the file system is in us-east-1')
    // In its own region the id alone is what cannot be compared.
    expect(of((await lintTemplateFile(file, {region: 'eu-west-1'})).report.findings, 'userdata/mounts-efs')[0].status).toBe('unknown')
  })

  it('ECS_CLUSTER from the parameter the services name as their cluster is that cluster, not an unresolved value', async () => {
    const r = await lint('r5-az-prefixed-dns-param.yaml')
    const [runs] = of(r.findings, 'userdata/script-runs')
    expect(runs.status).toBe('pass')
    expect(runs.message).toContain("sets ECS_CLUSTER=${ECSCluster}, the value the template's services name as their cluster")
  })
})
