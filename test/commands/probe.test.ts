import {DescribeInstancesCommand, EC2Client} from '@aws-sdk/client-ec2'
import {DescribeMountTargetsCommand, EFSClient} from '@aws-sdk/client-efs'
import {
  DescribeInstanceInformationCommand, GetCommandInvocationCommand, ListCommandInvocationsCommand, SendCommandCommand, SSMClient,
} from '@aws-sdk/client-ssm'
import {mockClient} from 'aws-sdk-client-mock'
import ProbeCmd from '../../src/commands/probe.js'
import {expectOneLineExit2, runCommand} from '../support/run-command.js'

const ssm = mockClient(SSMClient)
const ec2 = mockClient(EC2Client)
const efs = mockClient(EFSClient)
const A = 'i-0123456789abcdef0'
const B = 'i-0fedcba9876543210'
const FS = 'fs-0a1b2c3d4e5f60718'

const PROBE_OUT = ['EFSD\t1\t1', 'OS\tamzn\t2023\tAmazon Linux 2023', 'KERNEL\t6.1.115', 'CLIENT\tmount.nfs4\tpresent\t/sbin/mount.nfs4',
  'MOUNT\t/mnt/efs\t127.0.0.1:/\tnfs4\trw,vers=4.1,hard,noresvport', 'DF\t/mnt/efs\tok\t9007199254740991\t0\t',
  `DNS\t${FS}.efs.eu-west-1.amazonaws.com\tok\t10.20.1.25\t`, 'TCP\t10.20.1.25\t2049\topen', 'END\t300', ''].join('\n')

beforeEach(() => {
  ssm.reset(); ec2.reset(); efs.reset()
  ec2.on(DescribeInstancesCommand).resolves({Reservations: [{Instances: [
    {InstanceId: A, Placement: {AvailabilityZone: 'eu-west-1a'}, SubnetId: 'subnet-a', State: {Name: 'running'}},
    {InstanceId: B, Placement: {AvailabilityZone: 'eu-west-1b'}, SubnetId: 'subnet-b', State: {Name: 'running'}},
  ]}]})
  efs.on(DescribeMountTargetsCommand).resolves({MountTargets: [
    {MountTargetId: 'fsmt-a', FileSystemId: FS, SubnetId: 'subnet-a', AvailabilityZoneName: 'eu-west-1a', IpAddress: '10.20.1.25', LifeCycleState: 'available'},
    {MountTargetId: 'fsmt-b', FileSystemId: FS, SubnetId: 'subnet-b', AvailabilityZoneName: 'eu-west-1b', IpAddress: '10.20.5.25', LifeCycleState: 'available'},
  ]})
})

describe('efsdoctor probe', () => {
  test('prints the facts of a probed instance and why another could not be probed (exit 1)', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: [{InstanceId: A, PingStatus: 'Online', PlatformType: 'Linux'}]})
    ssm.on(SendCommandCommand).resolves({Command: {CommandId: 'c'.repeat(36)}})
    ssm.on(ListCommandInvocationsCommand).resolves({CommandInvocations: [{InstanceId: A, Status: 'Success', StatusDetails: 'Success'}]})
    ssm.on(GetCommandInvocationCommand).resolves({Status: 'Success', StatusDetails: 'Success', ResponseCode: 0, StandardOutputContent: PROBE_OUT})
    const {stdout, error} = await runCommand(ProbeCmd, ['--instance', A, '--instance', B, '--file-system', FS, '--region', 'eu-west-1'])
    expect(stdout).toContain(`${A}  probed`)
    expect(stdout).toMatch(/mount\s+\/mnt\/efs {2}nfs4 {2}127\.0\.0\.1:\/ {2}df ok/)
    expect(stdout).toMatch(/tcp\s+10\.20\.1\.25:2049 open/)
    expect(stdout).toContain(`${B}  NOT PROBED (not-managed)`)
    expect(stdout).toContain('AmazonSSMManagedInstanceCore')
    expect(error?.oclif?.exit).toBe(1)
    // Only A was sent, with every mount target of the file system (one command for all instances) and its DNS name.
    const send = ssm.commandCalls(SendCommandCommand)
    expect(send).toHaveLength(1)
    expect(send[0].args[0].input.InstanceIds).toEqual([A])
    const text = send[0].args[0].input.Parameters!.commands!.join('\n')
    expect(text).toContain("export EFSD_MT_IPS='10.20.1.25 10.20.5.25'")
    expect(text).toContain(`export EFSD_FS_DNS_NAMES='${FS}.efs.eu-west-1.amazonaws.com'`)
  })

  test('--output json prints the HostFacts records', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: []})
    const {stdout} = await runCommand(ProbeCmd, ['-i', A, '--output', 'json', '--region', 'eu-west-1'])
    const json = JSON.parse(stdout)
    expect(json[A]).toMatchObject({instanceId: A, status: 'not-managed'})
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(0)
  })

  test('an unreachable endpoint is "could not run" (exit 2, one line), not every host NOT PROBED (exit 1)', async () => {
    ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {code: 'ECONNREFUSED'}))
    const r = await runCommand(ProbeCmd, ['-i', A, '--region', 'eu-west-1'])
    expectOneLineExit2(r, /cannot reach .*ECONNREFUSED/)
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(0)
  })

  test('unusable credentials are "could not run" (exit 2)', async () => {
    ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error('The security token included in the request is invalid.'), {name: 'UnrecognizedClientException'}))
    expectOneLineExit2(await runCommand(ProbeCmd, ['-i', A, '--region', 'eu-west-1']), /AWS credentials not usable \(UnrecognizedClientException\)/)
  })

  test('an ordinary failed lookup is a note and the probe still runs', async () => {
    ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error('denied'), {name: 'UnauthorizedOperation'}))
    efs.on(DescribeMountTargetsCommand).rejects(Object.assign(new Error('denied'), {name: 'AccessDeniedException'}))
    ssm.on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: []})
    const {stdout, stderr, code} = await runCommand(ProbeCmd, ['-i', A, '-f', FS, '--region', 'eu-west-1'])
    expect(stderr).toContain('note: ec2:DescribeInstances failed (UnauthorizedOperation): the port-2049 test is skipped')
    expect(stderr).toContain(`note: efs:DescribeMountTargets ${FS} failed (AccessDeniedException)`)
    expect(stdout).toContain(`${A}  NOT PROBED (not-managed)`)
    expect(code).toBe(1)
  })

  test('a malformed instance id is a usage error (exit 2)', async () => {
    const {error, stderr} = await runCommand(ProbeCmd, ['--instance', 'web-1'])
    expect(error?.oclif?.exit).toBe(2)
    expect(stderr).toContain('"web-1" is not an EC2 instance id')
  })
})

describe('renderHost', () => {
  it('says what lies beneath each EFS mount', async () => {
    const {renderHost} = await import('../../src/commands/probe.js')
    const {healthyFacts} = await import('../support/host-facts.js')
    const facts = {...healthyFacts(), shadowed: [
      {mountPoint: '/mnt/efs', status: 'ok' as const, entries: 2, sample: ['shared', 'tmp']},
      {mountPoint: '/mnt/other', status: 'unavailable' as const, sample: [], detail: 'unshare not found'},
    ]}
    const text = renderHost({instanceId: 'i-0123456789abcdef0', status: 'ok', facts})
    expect(text).toMatch(/beneath +\/mnt\/efs: 2 hidden entries \(shared, tmp\)/)
    expect(text).toContain('/mnt/other: unavailable (unshare not found)')
  })
})
