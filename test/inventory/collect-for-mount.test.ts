import {DescribeDhcpOptionsCommand, DescribeInstancesCommand, DescribeSubnetsCommand, DescribeVpcAttributeCommand, DescribeVpcsCommand, EC2Client} from '@aws-sdk/client-ec2'
import {DescribeMountTargetsCommand, EFSClient} from '@aws-sdk/client-efs'
import {mockClient} from 'aws-sdk-client-mock'
import {UsageError} from '../../src/core/errors.js'
import {INVENTORY_ACTIONS} from '../../src/model/actions.js'
import {COLLECT_FOR_MOUNT_ACTIONS, collectForMount} from '../../src/inventory/collect-for-mount.js'
import {chooseTarget, validateMountRequest} from '../../src/remote/mount-plan.js'

const ec2 = mockClient(EC2Client)
const efs = mockClient(EFSClient)
const FS = 'fs-0a1b2c3d4e5f60718'
const I = 'i-001a1b2c3d4e5f6a7'
const clients = () => ({ec2: new EC2Client({region: 'eu-west-1'}), efs: new EFSClient({region: 'eu-west-1'})})

beforeEach(() => {
  ec2.reset()
  efs.reset()
  ec2.on(DescribeInstancesCommand).resolves({Reservations: [{Instances: [{InstanceId: I, State: {Name: 'running'}, SubnetId: 'subnet-a',
    VpcId: 'vpc-1', Placement: {AvailabilityZone: 'eu-west-1a'}, SecurityGroups: []}]}]})
  ec2.on(DescribeSubnetsCommand).resolves({Subnets: [{SubnetId: 'subnet-a', VpcId: 'vpc-1', AvailabilityZone: 'eu-west-1a', AvailabilityZoneId: 'euw1-az3'}]})
  ec2.on(DescribeVpcsCommand).resolves({Vpcs: [{VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', DhcpOptionsId: 'dopt-1'}]})
  ec2.on(DescribeVpcAttributeCommand, {Attribute: 'enableDnsSupport'}).resolves({EnableDnsSupport: {Value: true}})
  ec2.on(DescribeVpcAttributeCommand, {Attribute: 'enableDnsHostnames'}).resolves({EnableDnsHostnames: {Value: false}})
  ec2.on(DescribeDhcpOptionsCommand).resolves({DhcpOptions: [{DhcpConfigurations: [{Key: 'domain-name-servers', Values: [{Value: 'AmazonProvidedDNS'}]}]}]})
  efs.on(DescribeMountTargetsCommand).resolves({MountTargets: [{MountTargetId: 'fsmt-a', FileSystemId: FS, SubnetId: 'subnet-a', VpcId: 'vpc-1',
    AvailabilityZoneId: 'euw1-az3', AvailabilityZoneName: 'eu-west-1a', IpAddress: '10.0.1.9', LifeCycleState: 'available'}]})
})

test('reads what the mount plan needs and the plan picks the IP when VPC DNS hostnames are off', async () => {
  const s = await collectForMount(clients(), {instanceIds: [I], fileSystemId: FS, region: 'eu-west-1'})
  expect(s.gaps).toEqual([])
  expect(s.vpcs!['vpc-1']).toMatchObject({enableDnsSupport: true, enableDnsHostnames: false, domainNameServers: ['AmazonProvidedDNS']})
  expect(s.subnets!['subnet-a'].azId).toBe('euw1-az3')
  expect(chooseTarget(s, I, validateMountRequest({fileSystemId: FS, path: '/mnt/efs', method: 'nfs'}))).toMatchObject({kind: 'ip', target: '10.0.1.9', mountTargetId: 'fsmt-a'})
})

test('a denied call is a gap, not a crash; an unknown instance is a UsageError', async () => {
  ec2.on(DescribeVpcAttributeCommand).rejects(Object.assign(new Error('denied'), {name: 'UnauthorizedOperation'}))
  const s = await collectForMount(clients(), {instanceIds: [I], fileSystemId: FS, region: 'eu-west-1'})
  expect(s.gaps.map(g => g.action)).toEqual(['ec2:DescribeVpcAttribute', 'ec2:DescribeVpcAttribute'])
  ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error('nope'), {name: 'InvalidInstanceID.NotFound'}))
  await expect(collectForMount(clients(), {instanceIds: [I], fileSystemId: FS})).rejects.toThrow(UsageError)
})

test('every action it calls is listed (and in the inventory list the IAM policy is built from)', async () => {
  await collectForMount(clients(), {instanceIds: [I], fileSystemId: FS, region: 'eu-west-1'})
  const called = [...ec2.calls(), ...efs.calls()].map(c => (c.args[0] as {constructor: {name: string}}).constructor.name)
  const action = (name: string) => name.startsWith('DescribeMountTargets') ? 'elasticfilesystem:DescribeMountTargets' : `ec2:${name.replace(/Command$/, '')}`
  for (const a of new Set(called.map(action))) expect(COLLECT_FOR_MOUNT_ACTIONS).toContain(a)
  for (const a of COLLECT_FOR_MOUNT_ACTIONS) expect(INVENTORY_ACTIONS).toContain(a)
})
