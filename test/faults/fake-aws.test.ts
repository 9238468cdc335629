/**
 * The simulated AWS speaks each protocol the way the real SDK clients expect: fields, timestamps, list wrappers,
 * pagination tokens and error codes survive deserialisation by the real clients.
 */
import * as asg from '@aws-sdk/client-auto-scaling'
import * as ec2 from '@aws-sdk/client-ec2'
import * as ecs from '@aws-sdk/client-ecs'
import * as efs from '@aws-sdk/client-efs'
import * as ssm from '@aws-sdk/client-ssm'
import {createClients, type AwsClients} from '../../src/inventory/aws-clients.js'
import {FS, instanceId} from '../../bench/fake-aws/cluster.js'
import {fastRetry, startFakeAws, type FakeAws} from './harness.js'

let fake: FakeAws
let c: AwsClients

beforeAll(async () => {
  fake = await startFakeAws({instances: 150, latencyMs: 0, rateLimit: false, fileSystemPageSize: 1})
  c = await createClients({region: 'eu-west-1', endpointUrl: fake.url, sdkConfig: fastRetry()}, ['ssm'])
})
afterAll(async () => { await fake.stop() })
beforeEach(() => { fake.faults = {} })

describe('simulated AWS through the real SDK clients', () => {
  it('ECS (awsJson1_1): pages of 100, timestamps as Dates, attributes', async () => {
    const p1 = await c.ecs.send(new ecs.ListContainerInstancesCommand({cluster: 'prod'}))
    expect(p1.containerInstanceArns).toHaveLength(100)
    const p2 = await c.ecs.send(new ecs.ListContainerInstancesCommand({cluster: 'prod', nextToken: p1.nextToken}))
    expect(p2.containerInstanceArns).toHaveLength(50)
    expect(p2.nextToken).toBeUndefined()
    const d = await c.ecs.send(new ecs.DescribeContainerInstancesCommand({cluster: 'prod', containerInstances: p1.containerInstanceArns!.slice(0, 2)}))
    expect(d.containerInstances?.[0]).toMatchObject({ec2InstanceId: instanceId(1), agentConnected: true, registeredAt: expect.any(Date)})
    const filtered = await c.ecs.send(new ecs.ListContainerInstancesCommand({cluster: 'prod', filter: 'ec2InstanceId =~ .*1$'}))
    expect(filtered.containerInstanceArns!.length).toBeGreaterThan(5)
    expect(filtered.containerInstanceArns!.length).toBeLessThan(15)
    await expect(c.ecs.send(new ecs.ListServicesCommand({cluster: 'nope'}))).rejects.toMatchObject({name: 'ClusterNotFoundException'})
  })

  it('EC2 (ec2 query, XML items): filters, reservations, tags, nested groups, NextToken', async () => {
    const ids = fake.cluster.instanceIds.slice(0, 30)
    const out = await c.ec2.send(new ec2.DescribeInstancesCommand({Filters: [{Name: 'instance-id', Values: ids}], MaxResults: 20}))
    const insts = out.Reservations!.flatMap((r: ec2.Reservation) => r.Instances ?? [])
    expect(insts).toHaveLength(20)
    expect(out.NextToken).toBeDefined()
    expect(insts[0]).toMatchObject({InstanceId: ids[0], State: {Name: 'running', Code: 16}, Placement: {AvailabilityZone: 'eu-west-1a'},
      SecurityGroups: [{GroupId: 'sg-0123456789abcdef0', GroupName: 'prod-ecs-hosts'}], LaunchTime: expect.any(Date)})
    expect(insts[0].Tags).toEqual(expect.arrayContaining([{Key: 'aws:ec2launchtemplate:version', Value: '7'}]))
    const nacl = await c.ec2.send(new ec2.DescribeNetworkAclsCommand({Filters: [{Name: 'association.subnet-id', Values: ['subnet-0aa1110000000000a']}]}))
    expect(nacl.NetworkAcls?.[0].Entries?.find((e: ec2.NetworkAclEntry) => e.RuleNumber === 110)).toMatchObject({Egress: false, PortRange: {From: 1024, To: 65535}})
    const attr = await c.ec2.send(new ec2.DescribeVpcAttributeCommand({VpcId: 'vpc-0e1f2a3b4c5d6e7f8', Attribute: 'enableDnsHostnames'}))
    expect(attr.EnableDnsHostnames?.Value).toBe(true)
    fake.faults = {deny: ['ec2:DescribeSubnets']}
    await expect(c.ec2.send(new ec2.DescribeSubnetsCommand({}))).rejects.toMatchObject({name: 'UnauthorizedOperation', $metadata: {httpStatusCode: 403}})
  })

  it('Auto Scaling (awsQuery, XML members)', async () => {
    const out = await c.autoScaling.send(new asg.DescribeAutoScalingGroupsCommand({AutoScalingGroupNames: ['prod-ecs-asg']}))
    expect(out.AutoScalingGroups?.[0]).toMatchObject({AutoScalingGroupName: 'prod-ecs-asg', CreatedTime: expect.any(Date),
      LaunchTemplate: {LaunchTemplateId: 'lt-0abc1234def567890', Version: '7'}, AvailabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']})
    expect(out.AutoScalingGroups?.[0].Instances).toHaveLength(150)
    fake.faults = {deny: ['autoscaling:DescribeAutoScalingGroups']}
    await expect(c.autoScaling.send(new asg.DescribeAutoScalingGroupsCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})
  })

  it('EFS (restJson1): Marker pagination, 404 errors by type, policy', async () => {
    const p1 = await c.efs.send(new efs.DescribeFileSystemsCommand({}))
    expect(p1.FileSystems).toHaveLength(1)
    expect(p1.FileSystems?.[0]).toMatchObject({FileSystemId: FS, CreationTime: expect.any(Date), SizeInBytes: {Value: 1843200}})
    const p2 = await c.efs.send(new efs.DescribeFileSystemsCommand({Marker: p1.NextMarker}))
    expect(p2.NextMarker).toBeUndefined()
    const policy = await c.efs.send(new efs.DescribeFileSystemPolicyCommand({FileSystemId: FS}))
    expect(JSON.parse(policy.Policy!).Statement).toHaveLength(2)
    await expect(c.efs.send(new efs.DescribeFileSystemPolicyCommand({FileSystemId: 'fs-0ffffffffffffffff'}))).rejects.toMatchObject({name: 'PolicyNotFound'})
    await expect(c.efs.send(new efs.DescribeMountTargetsCommand({FileSystemId: 'fs-00000000'}))).rejects.toMatchObject({name: 'FileSystemNotFound'})
  })

  it('SSM (awsJson1_1): pre-flight, SendCommand, invocations with output', async () => {
    const ids = fake.cluster.instanceIds.slice(0, 3)
    const info = await c.ssm!.send(new ssm.DescribeInstanceInformationCommand({Filters: [{Key: 'InstanceIds', Values: ids}], MaxResults: 50}))
    expect(info.InstanceInformationList?.map((i: ssm.InstanceInformation) => i.PingStatus)).toEqual(['Online', 'Online', 'Online'])
    expect(info.InstanceInformationList?.[0].LastPingDateTime).toBeInstanceOf(Date)
    const sent = await c.ssm!.send(new ssm.SendCommandCommand({DocumentName: 'AWS-RunShellScript', InstanceIds: ids, Parameters: {commands: ['true']}}))
    const list = await c.ssm!.send(new ssm.ListCommandInvocationsCommand({CommandId: sent.Command!.CommandId, Details: true}))
    expect(list.CommandInvocations?.[0].CommandPlugins?.[0].Output).toMatch(/^EFSD\t1/)
    const inv = await c.ssm!.send(new ssm.GetCommandInvocationCommand({CommandId: sent.Command!.CommandId, InstanceId: ids[1]}))
    expect(inv).toMatchObject({Status: 'Success', ResponseCode: 0, StandardOutputContent: expect.stringMatching(/\nEND\t/)})
  })

  it('throttling answers are the ones the SDK retries (and then succeeds)', async () => {
    fake.faults = {throttleFraction: 0.5}
    fake.reset()
    const out = await c.ecs.send(new ecs.DescribeClustersCommand({clusters: ['prod']}))
    await c.ec2.send(new ec2.DescribeVpcsCommand({}))
    await c.efs.send(new efs.DescribeAccessPointsCommand({FileSystemId: FS}))
    expect(out.clusters?.[0].status).toBe('ACTIVE')
    expect(fake.records.filter(r => r.code).length).toBeGreaterThan(0)
  })
})
