/**
 * A generated ECS cluster served through aws-sdk-client-mock stubs (the test file creates the stubs with
 * mockClient and passes them in). Handlers honour ids, filters and pagination the way the real APIs do, so the
 * collector's batching and paging are exercised for real. Not a test file itself.
 */
import {gzipSync} from 'node:zlib'
import * as asg from '@aws-sdk/client-auto-scaling'
import * as ec2 from '@aws-sdk/client-ec2'
import * as ecs from '@aws-sdk/client-ecs'
import * as efs from '@aws-sdk/client-efs'
import type {AwsStub} from 'aws-sdk-client-mock'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Stub = AwsStub<any, any, any>
export interface Stubs {ecs: Stub; ec2: Stub; efs: Stub; asg: Stub}

export const ACCOUNT = '123456789012'
export const REGION = 'eu-west-1'
export const FS = 'fs-0a1b2c3d4e5f60718'
/** A file system in another VPC that nothing references: must not be inferred. */
export const OTHER_FS = 'fs-0ffffffffffffffff'
export const VPC = 'vpc-0e1f2a3b4c5d6e7f8'
/** Another team's file system in the same VPC (option teamFileSystem): mount targets in the same subnets, a group that admits no one. */
export const TEAM_FS = 'fs-0eeeeeeeeeeeeeeee'
export const TEAM_SG = 'sg-0eeeeeeeeeeeeeeee'
export const HOST_SG = 'sg-0123456789abcdef0'
export const EFS_SG = 'sg-0fedcba9876543210'
export const LT = 'lt-0abc1234def567890'
export const NACL = 'acl-0d1e2f3a4b5c6d7e8'
export const ASG = 'prod-ecs-asg'
export const TD_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/prod-web:42`
export const AZS = [
  {name: 'eu-west-1a', id: 'euw1-az3', subnet: 'subnet-0aa1110000000000a', cidr: '10.20.0.0/22', mt: 'fsmt-0aa1110000000000a', eni: 'eni-0aa1110000000000a'},
  {name: 'eu-west-1b', id: 'euw1-az1', subnet: 'subnet-0bb2220000000000b', cidr: '10.20.4.0/22', mt: 'fsmt-0bb2220000000000b', eni: 'eni-0bb2220000000000b'},
  {name: 'eu-west-1c', id: 'euw1-az2', subnet: 'subnet-0cc3330000000000c', cidr: '10.20.8.0/22', mt: 'fsmt-0cc3330000000000c', eni: 'eni-0cc3330000000000c'},
]
export const USER_DATA = [
  '#!/bin/bash',
  'echo ECS_CLUSTER=prod >> /etc/ecs/ecs.config',
  'export DB_PASSWORD=hunter2hunter2',
  'mkdir -p /mnt/efs',
  `echo "${FS}.efs.${REGION}.amazonaws.com:/ /mnt/efs efs _netdev,noresvport,tls 0 0" >> /etc/fstab`,
  'mount -a',
].join('\n')

export const instanceId = (i: number): string => `i-${i.toString(16).padStart(17, '0')}`
export const ciArn = (i: number): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/prod/${i.toString(16).padStart(32, '0')}`

function page<T>(items: T[], token: string | undefined, size: number): {items: T[]; next?: string} {
  const start = token ? Number(token) : 0
  const end = start + size
  return {items: items.slice(start, end), next: end < items.length ? String(end) : undefined}
}

function filterValues(input: {Filters?: {Name?: string; Values?: string[]}[]}, name: string): Set<string> | undefined {
  const f = input.Filters?.find(x => x.Name === name)
  return f ? new Set(f.Values) : undefined
}

/** Serve a cluster of `n` container instances spread over three AZs. Returns the instance ids. */
export function installFakeCluster(stubs: Stubs, n: number, opts: {
  gzipUserData?: boolean
  policy?: string
  throttleInstanceBatchWith?: string
  /** Instances carry no launch-template tags: the group uses a launch configuration, and the last instance has no group. */
  launchConfiguration?: boolean
  /** The group launches this launch-template version; `$Latest` resolves to v8, whose UserData mounts nothing. */
  asgVersion?: string
  /** ListContainerInstances ignores `filter` (as if the query language did not apply): partitions overlap. */
  ignoreListFilter?: boolean
  /** These instances are registered container instances, but EC2 no longer has them (InvalidInstanceID.NotFound). */
  terminated?: string[]
  /** DescribeInstances returns at most this many instances per page (default: all of a call's ids, as EC2 usually does). */
  instancePageSize?: number
  /** The VPC also holds TEAM_FS, which nothing in this cluster uses, behind TEAM_SG (no ingress at all). */
  teamFileSystem?: boolean
} = {}): string[] {
  const ids = Array.from({length: n}, (_, i) => instanceId(i + 1))
  const az = (i: number) => AZS[i % 3]
  const clusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`

  stubs.ecs.on(ecs.DescribeClustersCommand).callsFake((input: ecs.DescribeClustersCommandInput) => input.clusters?.[0] === 'prod'
    ? {clusters: [{clusterName: 'prod', clusterArn, status: 'ACTIVE', registeredContainerInstancesCount: n}], failures: []}
    : {clusters: [], failures: [{arn: input.clusters?.[0], reason: 'MISSING'}]})
  stubs.ecs.on(ecs.ListContainerInstancesCommand).callsFake((input: ecs.ListContainerInstancesCommandInput) => {
    let arns = ids.map((_, i) => ciArn(i + 1))
    if (input.filter && !opts.ignoreListFilter) {
      // Only what the collector sends: `ec2InstanceId =~ .*<hex digit>$` joined with ' or '.
      const digits = new Set([...input.filter.matchAll(/ec2InstanceId =~ \.\*([0-9a-f])\$/g)].map(m => m[1]))
      if (!digits.size) throw Object.assign(new Error(`bad filter ${input.filter}`), {name: 'InvalidParameterException'})
      arns = arns.filter((_, i) => digits.has(ids[i].at(-1)!))
    }
    const p = page(arns, input.nextToken, Math.min(input.maxResults ?? 100, 100))
    return {containerInstanceArns: p.items, nextToken: p.next}
  })
  stubs.ecs.on(ecs.DescribeContainerInstancesCommand).callsFake((input: ecs.DescribeContainerInstancesCommandInput) => {
    if ((input.containerInstances?.length ?? 0) > 100) throw Object.assign(new Error('too many'), {name: 'InvalidParameterException'})
    return {
      containerInstances: input.containerInstances!.map(arn => {
        const i = parseInt(arn.split('/').at(-1)!, 16)
        return {
          containerInstanceArn: arn, ec2InstanceId: instanceId(i), status: 'ACTIVE', agentConnected: true,
          versionInfo: {agentVersion: '1.89.2', dockerVersion: 'DockerVersion: 25.0.8'},
          attributes: [{name: 'ecs.availability-zone', value: az(i - 1).name}, {name: 'ecs.capability.efsAuth'}],
        }
      }),
      failures: [],
    }
  })
  stubs.ecs.on(ecs.ListServicesCommand).resolves({serviceArns: [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/web`]})
  stubs.ecs.on(ecs.DescribeServicesCommand).resolves({services: [{
    serviceName: 'web', serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/web`, status: 'ACTIVE', taskDefinition: TD_ARN, launchType: 'EC2',
  }]})
  stubs.ecs.on(ecs.ListTasksCommand).resolves({taskArns: []})
  stubs.ecs.on(ecs.DescribeTaskDefinitionCommand).resolves({taskDefinition: {
    taskDefinitionArn: TD_ARN, family: 'prod-web', revision: 42, networkMode: 'bridge', requiresCompatibilities: ['EC2'],
    volumes: [
      {name: 'shared', efsVolumeConfiguration: {fileSystemId: FS, transitEncryption: 'ENABLED', authorizationConfig: {iam: 'ENABLED'}}},
      {name: 'uploads', host: {sourcePath: '/mnt/efs/uploads'}},
    ],
    containerDefinitions: [{name: 'web', mountPoints: [{sourceVolume: 'shared', containerPath: '/data', readOnly: false}]}],
  }})

  const fileSystems = [
    {FileSystemId: FS, FileSystemArn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${FS}`, OwnerId: ACCOUNT, Name: 'shared',
      LifeCycleState: 'available', Encrypted: true, ThroughputMode: 'elastic', FileSystemProtection: {ReplicationOverwriteProtection: 'ENABLED'}},
    {FileSystemId: OTHER_FS, OwnerId: ACCOUNT, LifeCycleState: 'available'},
    ...(opts.teamFileSystem ? [{FileSystemId: TEAM_FS, OwnerId: ACCOUNT, Name: 'other-team', LifeCycleState: 'available'}] : []),
  ]
  stubs.efs.on(efs.DescribeFileSystemsCommand).callsFake((input: efs.DescribeFileSystemsCommandInput) => {
    if (input.FileSystemId) {
      const f = fileSystems.filter(x => x.FileSystemId === input.FileSystemId)
      if (!f.length) throw Object.assign(new Error(`File system '${input.FileSystemId}' does not exist.`), {name: 'FileSystemNotFound'})
      return {FileSystems: f}
    }
    // One file system per page, to exercise Marker pagination.
    const p = page(fileSystems, input.Marker, 1)
    return {FileSystems: p.items, NextMarker: p.next}
  })
  stubs.efs.on(efs.DescribeMountTargetsCommand).callsFake((input: efs.DescribeMountTargetsCommandInput) => {
    if (input.FileSystemId === OTHER_FS) {
      return {MountTargets: [{MountTargetId: 'fsmt-0ffffffffffffffff', FileSystemId: OTHER_FS, SubnetId: 'subnet-0fff', VpcId: 'vpc-0other',
        LifeCycleState: 'available', NetworkInterfaceId: 'eni-0fff'}]}
    }
    if (input.FileSystemId === TEAM_FS) {
      return {MountTargets: AZS.map((a, i) => ({
        MountTargetId: a.mt.replace(/^fsmt-0../, 'fsmt-0ee'), FileSystemId: TEAM_FS, SubnetId: a.subnet, VpcId: VPC, AvailabilityZoneName: a.name,
        AvailabilityZoneId: a.id, IpAddress: `10.20.${i * 4}.200`, LifeCycleState: 'available', NetworkInterfaceId: a.eni.replace(/^eni-0../, 'eni-0ee'),
      }))}
    }
    return {MountTargets: AZS.map((a, i) => ({
      MountTargetId: a.mt, FileSystemId: FS, SubnetId: a.subnet, VpcId: VPC, AvailabilityZoneName: a.name, AvailabilityZoneId: a.id,
      IpAddress: `10.20.${i * 4}.100`, LifeCycleState: 'available', NetworkInterfaceId: a.eni,
    }))}
  })
  stubs.efs.on(efs.DescribeFileSystemPolicyCommand).callsFake(() => {
    if (opts.policy) return {FileSystemId: FS, Policy: opts.policy}
    throw Object.assign(new Error('No policy'), {name: 'PolicyNotFound'})
  })
  stubs.efs.on(efs.DescribeAccessPointsCommand).resolves({AccessPoints: [{
    AccessPointId: 'fsap-0123456789abcdef0', FileSystemId: FS, LifeCycleState: 'available',
    RootDirectory: {Path: '/app', CreationInfo: {OwnerUid: 1000, OwnerGid: 1000, Permissions: '755'}}, PosixUser: {Uid: 1000, Gid: 1000},
  }]})

  stubs.ec2.on(ec2.DescribeInstancesCommand).callsFake((input: ec2.DescribeInstancesCommandInput) => {
    // As EC2 does: up to 1,000 InstanceIds, no MaxResults with them, and one unknown id fails the whole call.
    const want = new Set(input.InstanceIds ?? [])
    if (!want.size || want.size > 1000 || input.Filters) throw Object.assign(new Error('bad InstanceIds'), {name: 'InvalidParameterValue'})
    if (input.MaxResults !== undefined) {
      throw Object.assign(new Error('The parameter instancesSet cannot be used with the parameter maxResults'), {name: 'InvalidParameterCombination'})
    }
    if (opts.throttleInstanceBatchWith && want.has(opts.throttleInstanceBatchWith)) {
      throw Object.assign(new Error('Request limit exceeded.'), {name: 'RequestLimitExceeded'})
    }
    const gone = [...want].filter(id => opts.terminated?.includes(id))
    if (gone.length) {
      throw Object.assign(new Error(gone.length === 1 ? `The instance ID '${gone[0]}' does not exist` : `The instance IDs '${gone.join(', ')}' do not exist`),
        {name: 'InvalidInstanceID.NotFound'})
    }
    const found = ids.filter(id => want.has(id))
    const p = page(found, input.NextToken, opts.instancePageSize ?? 1000)
    return {Reservations: [{Instances: p.items.map(id => {
      const i = ids.indexOf(id)
      return {
        InstanceId: id, State: {Name: 'running'}, PrivateIpAddress: `10.20.${(i % 3) * 4 + 2}.${(i % 200) + 10}`,
        SubnetId: az(i).subnet, VpcId: VPC, Placement: {AvailabilityZone: az(i).name}, SecurityGroups: [{GroupId: HOST_SG}],
        ImageId: 'ami-0f1e2d3c4b5a69788', LaunchTime: new Date('2026-11-20T08:00:00Z'), PlatformDetails: 'Linux/UNIX',
        Tags: opts.launchConfiguration
          ? (i === ids.length - 1 ? [{Key: 'Name', Value: 'standalone'}] : [{Key: 'aws:autoscaling:groupName', Value: ASG}])
          : [{Key: 'aws:autoscaling:groupName', Value: ASG}, {Key: 'aws:ec2launchtemplate:id', Value: LT}, {Key: 'aws:ec2launchtemplate:version', Value: '7'}],
      }
    })}], NextToken: p.next}
  })
  const ud = opts.gzipUserData ? gzipSync(USER_DATA).toString('base64') : Buffer.from(USER_DATA).toString('base64')
  const v8 = Buffer.from('#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config').toString('base64')
  // The ECS-optimized Amazon Linux 2 AMI, named as aws/amazon-ecs-ami names its builds (amzn2-ami-ecs-hvm-<version>-<arch>-ebs).
  stubs.ec2.on(ec2.DescribeImagesCommand).callsFake((input: ec2.DescribeImagesCommandInput) => ({
    Images: (input.ImageIds ?? []).filter(id => id === 'ami-0f1e2d3c4b5a69788').map(id => ({ImageId: id, Name: 'amzn2-ami-ecs-hvm-2.0.20251120-x86_64-ebs'})),
  }))
  stubs.ec2.on(ec2.DescribeLaunchTemplateVersionsCommand).callsFake((input: ec2.DescribeLaunchTemplateVersionsCommandInput) => ({
    LaunchTemplateVersions: (input.Versions ?? []).map(v => v === '$Latest' || v === '8'
      ? {LaunchTemplateId: LT, VersionNumber: 8, LaunchTemplateData: {UserData: v8}}
      : {LaunchTemplateId: LT, VersionNumber: 7, DefaultVersion: true, LaunchTemplateData: {UserData: ud}}),
  }))
  stubs.ec2.on(ec2.DescribeNetworkInterfacesCommand).callsFake((input: ec2.DescribeNetworkInterfacesCommandInput) => {
    const want = filterValues(input, 'network-interface-id') ?? new Set()
    return {NetworkInterfaces: [...AZS.map(a => a.eni), ...AZS.map(a => a.eni.replace(/^eni-0../, 'eni-0ee')), 'eni-0fff'].filter(e => want.has(e))
      .map(e => ({NetworkInterfaceId: e, Groups: [{GroupId: e.startsWith('eni-0ee') ? TEAM_SG : EFS_SG}]}))}
  })
  const sgs = [
    {GroupId: HOST_SG, GroupName: 'prod-ecs-hosts', VpcId: VPC, IpPermissions: [],
      IpPermissionsEgress: [{IpProtocol: '-1', IpRanges: [{CidrIp: '0.0.0.0/0'}]}]},
    {GroupId: EFS_SG, GroupName: 'prod-efs', VpcId: VPC,
      IpPermissions: [{IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [{GroupId: HOST_SG}]}],
      IpPermissionsEgress: []},
    {GroupId: TEAM_SG, GroupName: 'other-team-efs', VpcId: VPC, IpPermissions: [], IpPermissionsEgress: []},
  ]
  stubs.ec2.on(ec2.DescribeSecurityGroupsCommand).callsFake((input: ec2.DescribeSecurityGroupsCommandInput) => {
    const want = filterValues(input, 'group-id') ?? new Set()
    return {SecurityGroups: sgs.filter(g => want.has(g.GroupId))}
  })
  stubs.ec2.on(ec2.DescribeSubnetsCommand).callsFake((input: ec2.DescribeSubnetsCommandInput) => {
    const want = filterValues(input, 'subnet-id') ?? new Set()
    return {Subnets: AZS.filter(a => want.has(a.subnet)).map(a => ({
      SubnetId: a.subnet, VpcId: VPC, CidrBlock: a.cidr, AvailabilityZone: a.name, AvailabilityZoneId: a.id, MapPublicIpOnLaunch: false,
    }))}
  })
  stubs.ec2.on(ec2.DescribeNetworkAclsCommand).callsFake((input: ec2.DescribeNetworkAclsCommandInput) => {
    const want = filterValues(input, 'association.subnet-id') ?? new Set()
    if (!AZS.some(a => want.has(a.subnet))) return {NetworkAcls: []}
    return {NetworkAcls: [{
      NetworkAclId: NACL, VpcId: VPC, IsDefault: true,
      Associations: AZS.map(a => ({SubnetId: a.subnet, NetworkAclId: NACL})),
      Entries: [
        {RuleNumber: 100, Egress: false, Protocol: '-1', RuleAction: 'allow', CidrBlock: '0.0.0.0/0'},
        {RuleNumber: 32767, Egress: false, Protocol: '-1', RuleAction: 'deny', CidrBlock: '0.0.0.0/0'},
        {RuleNumber: 100, Egress: true, Protocol: '6', RuleAction: 'allow', CidrBlock: '10.20.0.0/16', PortRange: {From: 0, To: 65535}},
      ],
    }]}
  })
  stubs.ec2.on(ec2.DescribeVpcsCommand).callsFake((input: ec2.DescribeVpcsCommandInput) => {
    const want = filterValues(input, 'vpc-id') ?? new Set()
    return {Vpcs: want.has(VPC) ? [{VpcId: VPC, CidrBlock: '10.20.0.0/16', CidrBlockAssociationSet: [{CidrBlock: '10.20.0.0/16'}], DhcpOptionsId: 'dopt-0123'}] : []}
  })
  stubs.ec2.on(ec2.DescribeVpcAttributeCommand).callsFake((input: ec2.DescribeVpcAttributeCommandInput) =>
    input.Attribute === 'enableDnsSupport' ? {VpcId: input.VpcId, EnableDnsSupport: {Value: true}} : {VpcId: input.VpcId, EnableDnsHostnames: {Value: false}})
  stubs.ec2.on(ec2.DescribeDhcpOptionsCommand).resolves({DhcpOptions: [{
    DhcpOptionsId: 'dopt-0123', DhcpConfigurations: [{Key: 'domain-name-servers', Values: [{Value: 'AmazonProvidedDNS'}]}],
  }]})
  stubs.ec2.on(ec2.DescribeInstanceAttributeCommand).callsFake((input: ec2.DescribeInstanceAttributeCommandInput) =>
    ({InstanceId: input.InstanceId, UserData: {Value: Buffer.from('#!/bin/bash\necho standalone').toString('base64')}}))

  stubs.asg.on(asg.DescribeAutoScalingGroupsCommand).callsFake((input: asg.DescribeAutoScalingGroupsCommandInput) => ({
    AutoScalingGroups: input.AutoScalingGroupNames?.includes(ASG) ? [{
      AutoScalingGroupName: ASG, VPCZoneIdentifier: AZS.map(a => a.subnet).join(','), MinSize: 0, MaxSize: n, DesiredCapacity: n,
      DefaultCooldown: 300, AvailabilityZones: AZS.map(a => a.name), HealthCheckType: 'EC2', CreatedTime: new Date(),
      ...(opts.launchConfiguration ? {LaunchConfigurationName: 'prod-lc'} : {LaunchTemplate: {LaunchTemplateId: LT, LaunchTemplateName: 'prod-ecs', Version: opts.asgVersion ?? '7'}}),
      Instances: ids.map(id => ({InstanceId: id})),
    }] : [],
  }))
  stubs.asg.on(asg.DescribeLaunchConfigurationsCommand).callsFake((input: asg.DescribeLaunchConfigurationsCommandInput) => ({
    LaunchConfigurations: input.LaunchConfigurationNames?.includes('prod-lc')
      ? [{LaunchConfigurationName: 'prod-lc', ImageId: 'ami-1', InstanceType: 't3.large', CreatedTime: new Date(), UserData: ud}]
      : [],
  }))
  return ids
}
