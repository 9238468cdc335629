/**
 * A generated ECS-on-EC2 cluster of N container instances over three Availability Zones, in SDK v3 shapes:
 * one VPC, a subnet and mount target per AZ, host and EFS security groups, a custom NACL, a launch template with
 * two versions (shared UserData that mounts EFS through efs-utils), an Auto Scaling group, task definitions with
 * host and EFS volumes, services and running tasks. Deterministic for a given N.
 */
export const ACCOUNT = '123456789012'
export const REGION = 'eu-west-1'
export const CLUSTER = 'prod'
export const FS = 'fs-0a1b2c3d4e5f60718'
export const OTHER_FS = 'fs-0ffffffffffffffff'
export const VPC = 'vpc-0e1f2a3b4c5d6e7f8'
export const OTHER_VPC = 'vpc-0aaaaaaaaaaaaaaaa'
export const HOST_SG = 'sg-0123456789abcdef0'
export const EFS_SG = 'sg-0fedcba9876543210'
export const LT = 'lt-0abc1234def567890'
export const NACL = 'acl-0d1e2f3a4b5c6d7e8'
export const ASG = 'prod-ecs-asg'
export const DHCP = 'dopt-0123456789abcdef0'

export const AZS = [
  {name: 'eu-west-1a', id: 'euw1-az3', subnet: 'subnet-0aa1110000000000a', cidr: '10.20.0.0/22', third: 0, mt: 'fsmt-0aa1110000000000a', eni: 'eni-0aa1110000000000a'},
  {name: 'eu-west-1b', id: 'euw1-az1', subnet: 'subnet-0bb2220000000000b', cidr: '10.20.4.0/22', third: 4, mt: 'fsmt-0bb2220000000000b', eni: 'eni-0bb2220000000000b'},
  {name: 'eu-west-1c', id: 'euw1-az2', subnet: 'subnet-0cc3330000000000c', cidr: '10.20.8.0/22', third: 8, mt: 'fsmt-0cc3330000000000c', eni: 'eni-0cc3330000000000c'},
]

export const USER_DATA = `#!/bin/bash
set -euo pipefail
echo "ECS_CLUSTER=${CLUSTER}" >> /etc/ecs/ecs.config
dnf install -y amazon-efs-utils
mkdir -p /mnt/efs
echo "${FS}:/ /mnt/efs efs _netdev,noresvport,tls,nofail 0 0" >> /etc/fstab
mount -a -t efs
`

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`
export const instanceId = (i: number): string => `i-${(0x0a00000 + i).toString(16).padStart(17, '0')}`
export const mountTargetIp = (az: number): string => `10.20.${AZS[az].third + 1}.25`

export interface Cluster {
  n: number
  clusterArn: string
  instanceIds: string[]
  containerInstanceArns: string[]
  /** SDK shapes, keyed for the handlers. */
  containerInstances: Map<string, Record<string, unknown>>
  instances: Map<string, Record<string, unknown>>
  serviceArns: string[]
  services: Map<string, Record<string, unknown>>
  taskArns: string[]
  tasks: Map<string, Record<string, unknown>>
  taskDefinitions: Map<string, Record<string, unknown>>
  fileSystems: Record<string, unknown>[]
  mountTargets: Record<string, unknown>[]
  fileSystemPolicies: Map<string, string>
  accessPoints: Record<string, unknown>[]
  networkInterfaces: Record<string, unknown>[]
  securityGroups: Record<string, unknown>[]
  subnets: Record<string, unknown>[]
  networkAcls: Record<string, unknown>[]
  vpcs: Record<string, unknown>[]
  vpcAttributes: Map<string, {enableDnsSupport: boolean; enableDnsHostnames: boolean}>
  dhcpOptions: Record<string, unknown>[]
  launchTemplateVersions: Record<string, unknown>[]
  autoScalingGroups: Record<string, unknown>[]
  /** Instance id → AZ index. */
  azOf: Map<string, number>
}

export function generateCluster(n: number): Cluster {
  const clusterArn = arn('ecs', `cluster/${CLUSTER}`)
  const instanceIds = Array.from({length: n}, (_, i) => instanceId(i + 1))
  const containerInstanceArns = instanceIds.map((_, i) => arn('ecs', `container-instance/${CLUSTER}/${(0xabc000 + i).toString(16).padStart(32, '0')}`))
  const azOf = new Map(instanceIds.map((id, i) => [id, i % 3]))
  const launched = new Date('2026-11-20T08:00:00Z')

  const containerInstances = new Map(containerInstanceArns.map((ciArn, i) => [ciArn, {
    containerInstanceArn: ciArn, ec2InstanceId: instanceIds[i], status: 'ACTIVE', agentConnected: true,
    runningTasksCount: 2, pendingTasksCount: 0, registeredAt: launched,
    versionInfo: {agentVersion: '1.89.2', agentHash: 'a1b2c3d4', dockerVersion: 'DockerVersion: 25.0.8'},
    attributes: [
      {name: 'ecs.availability-zone', value: AZS[i % 3].name}, {name: 'ecs.instance-type', value: 'm6i.large'},
      {name: 'ecs.os-type', value: 'linux'}, {name: 'ecs.capability.efsAuth'}, {name: 'ecs.capability.efs'},
    ],
  }]))

  const instances = new Map(instanceIds.map((id, i) => {
    const az = AZS[i % 3]
    // Every tenth instance still runs the previous launch-template version.
    const version = i % 10 === 9 ? '6' : '7'
    return [id, {
      InstanceId: id, InstanceType: 'm6i.large', ImageId: 'ami-0f1e2d3c4b5a69788', State: {Code: 16, Name: 'running'},
      PrivateIpAddress: `10.20.${az.third + 2 + Math.floor(i / 3 / 250)}.${(Math.floor(i / 3) % 250) + 4}`,
      PrivateDnsName: `ip-10-20-${az.third + 2}-${(Math.floor(i / 3) % 250) + 4}.${REGION}.compute.internal`,
      SubnetId: az.subnet, VpcId: VPC, Placement: {AvailabilityZone: az.name, Tenancy: 'default'},
      SecurityGroups: [{GroupId: HOST_SG, GroupName: 'prod-ecs-hosts'}], LaunchTime: launched, PlatformDetails: 'Linux/UNIX',
      Architecture: 'x86_64', RootDeviceType: 'ebs', Hypervisor: 'nitro', VirtualizationType: 'hvm',
      IamInstanceProfile: {Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/prod-ecs-instance`, Id: 'AIPAEXAMPLE000000001'},
      NetworkInterfaces: [{NetworkInterfaceId: `eni-${(0xe00000 + i).toString(16).padStart(17, '0')}`, SubnetId: az.subnet, VpcId: VPC,
        Status: 'in-use', Groups: [{GroupId: HOST_SG, GroupName: 'prod-ecs-hosts'}]}],
      Tags: [
        {Key: 'Name', Value: 'prod-ecs'}, {Key: 'aws:autoscaling:groupName', Value: ASG},
        {Key: 'aws:ec2launchtemplate:id', Value: LT}, {Key: 'aws:ec2launchtemplate:version', Value: version},
      ],
    }]
  }))

  const families = ['prod-web', 'prod-worker', 'prod-cron']
  const taskDefArn = (f: string) => arn('ecs', `task-definition/${f}:${f === 'prod-web' ? 42 : 7}`)
  const taskDefinitions = new Map(families.map(f => [taskDefArn(f), {
    taskDefinitionArn: taskDefArn(f), family: f, revision: f === 'prod-web' ? 42 : 7, status: 'ACTIVE', networkMode: 'bridge',
    requiresCompatibilities: ['EC2'], taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/${f}-task`,
    volumes: f === 'prod-web'
      ? [{name: 'shared', efsVolumeConfiguration: {fileSystemId: FS, rootDirectory: '/', transitEncryption: 'ENABLED', authorizationConfig: {iam: 'ENABLED'}}},
        {name: 'uploads', host: {sourcePath: '/mnt/efs/uploads'}}]
      : [{name: 'data', host: {sourcePath: `/mnt/efs/${f.slice(5)}`}}],
    containerDefinitions: [{name: f.slice(5), image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${f}:latest`, memory: 512, essential: true,
      mountPoints: f === 'prod-web'
        ? [{sourceVolume: 'shared', containerPath: '/data', readOnly: false}, {sourceVolume: 'uploads', containerPath: '/var/www/uploads', readOnly: false}]
        : [{sourceVolume: 'data', containerPath: '/data', readOnly: false}]}],
  }]))

  const serviceCount = 3 + Math.ceil(n / 100)
  const serviceArns = Array.from({length: serviceCount}, (_, i) => arn('ecs', `service/${CLUSTER}/svc-${i}`))
  const services = new Map(serviceArns.map((a, i) => [a, {
    serviceArn: a, serviceName: `svc-${i}`, clusterArn, status: 'ACTIVE', launchType: 'EC2', desiredCount: 2, runningCount: 2,
    taskDefinition: taskDefArn(families[i % 3]), schedulingStrategy: 'REPLICA', createdAt: launched,
  }]))
  const taskArns = Array.from({length: 2 * n}, (_, i) => arn('ecs', `task/${CLUSTER}/${(0x7a5c000 + i).toString(16).padStart(32, '0')}`))
  const tasks = new Map(taskArns.map((a, i) => [a, {
    taskArn: a, clusterArn, taskDefinitionArn: taskDefArn(families[i % 3]), lastStatus: 'RUNNING', desiredStatus: 'RUNNING',
    containerInstanceArn: containerInstanceArns[Math.floor(i / 2)], launchType: 'EC2', createdAt: launched,
  }]))

  const fileSystems = [
    {FileSystemId: FS, FileSystemArn: arn('elasticfilesystem', `file-system/${FS}`), OwnerId: ACCOUNT, CreationToken: 'prod-shared',
      CreationTime: new Date('2025-03-01T10:00:00Z'), LifeCycleState: 'available', Name: 'prod-shared', NumberOfMountTargets: 3,
      SizeInBytes: {Value: 1843200}, PerformanceMode: 'generalPurpose', Encrypted: true, ThroughputMode: 'elastic',
      FileSystemProtection: {ReplicationOverwriteProtection: 'ENABLED'}, Tags: [{Key: 'Name', Value: 'prod-shared'}]},
    {FileSystemId: OTHER_FS, FileSystemArn: arn('elasticfilesystem', `file-system/${OTHER_FS}`), OwnerId: ACCOUNT, CreationToken: 'other',
      CreationTime: new Date('2025-03-01T10:00:00Z'), LifeCycleState: 'available', NumberOfMountTargets: 1, SizeInBytes: {Value: 6144},
      PerformanceMode: 'generalPurpose', Encrypted: false, ThroughputMode: 'bursting', Tags: []},
  ]
  const mountTargets = [
    ...AZS.map((a, i) => ({MountTargetId: a.mt, FileSystemId: FS, OwnerId: ACCOUNT, SubnetId: a.subnet, VpcId: VPC,
      AvailabilityZoneName: a.name, AvailabilityZoneId: a.id, IpAddress: mountTargetIp(i), LifeCycleState: 'available', NetworkInterfaceId: a.eni})),
    {MountTargetId: 'fsmt-0ffffffffffffffff', FileSystemId: OTHER_FS, OwnerId: ACCOUNT, SubnetId: 'subnet-0ffffffffffffffff', VpcId: OTHER_VPC,
      AvailabilityZoneName: 'eu-west-1a', AvailabilityZoneId: 'euw1-az3', IpAddress: '172.31.0.9', LifeCycleState: 'available', NetworkInterfaceId: 'eni-0ffffffffffffffff'},
  ]
  const fileSystemPolicies = new Map([[FS, JSON.stringify({Version: '2012-10-17', Statement: [
    {Sid: 'tls', Effect: 'Deny', Principal: {AWS: '*'}, Action: '*', Condition: {Bool: {'aws:SecureTransport': 'false'}}},
    {Sid: 'mount', Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCOUNT}:root`},
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'], Resource: arn('elasticfilesystem', `file-system/${FS}`)},
  ]})]])
  const accessPoints = [{AccessPointId: 'fsap-0123456789abcdef0', AccessPointArn: arn('elasticfilesystem', 'access-point/fsap-0123456789abcdef0'),
    FileSystemId: FS, OwnerId: ACCOUNT, LifeCycleState: 'available', Name: 'app',
    RootDirectory: {Path: '/app', CreationInfo: {OwnerUid: 1000, OwnerGid: 1000, Permissions: '755'}}, PosixUser: {Uid: 1000, Gid: 1000}}]
  const networkInterfaces = [
    ...AZS.map((a, i) => ({NetworkInterfaceId: a.eni, SubnetId: a.subnet, VpcId: VPC, AvailabilityZone: a.name, PrivateIpAddress: mountTargetIp(i),
      InterfaceType: 'efs', Status: 'in-use', Description: `EFS mount target for ${FS} (${a.mt})`, Groups: [{GroupId: EFS_SG, GroupName: 'prod-efs'}]})),
    {NetworkInterfaceId: 'eni-0ffffffffffffffff', SubnetId: 'subnet-0ffffffffffffffff', VpcId: OTHER_VPC, Status: 'in-use', Groups: [{GroupId: 'sg-0ffffffffffffffff'}]},
  ]
  const securityGroups = [
    {GroupId: HOST_SG, GroupName: 'prod-ecs-hosts', Description: 'ECS container instances', OwnerId: ACCOUNT, VpcId: VPC,
      IpPermissions: [{IpProtocol: 'tcp', FromPort: 32768, ToPort: 65535, IpRanges: [{CidrIp: '10.20.0.0/16'}]}],
      IpPermissionsEgress: [{IpProtocol: '-1', IpRanges: [{CidrIp: '0.0.0.0/0'}]}]},
    {GroupId: EFS_SG, GroupName: 'prod-efs', Description: 'EFS mount targets', OwnerId: ACCOUNT, VpcId: VPC,
      IpPermissions: [{IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [{GroupId: HOST_SG, UserId: ACCOUNT}]}],
      IpPermissionsEgress: [{IpProtocol: '-1', IpRanges: [{CidrIp: '0.0.0.0/0'}]}]},
    {GroupId: 'sg-0ffffffffffffffff', GroupName: 'other', Description: 'other', OwnerId: ACCOUNT, VpcId: OTHER_VPC, IpPermissions: [], IpPermissionsEgress: []},
  ]
  const subnets = AZS.map(a => ({SubnetId: a.subnet, SubnetArn: arn('ec2', `subnet/${a.subnet}`), VpcId: VPC, CidrBlock: a.cidr, AvailabilityZone: a.name,
    AvailabilityZoneId: a.id, AvailableIpAddressCount: 1000, MapPublicIpOnLaunch: false, State: 'available', OwnerId: ACCOUNT, DefaultForAz: false}))
  const networkAcls = [
    {NetworkAclId: NACL, VpcId: VPC, IsDefault: false, OwnerId: ACCOUNT,
      Associations: AZS.map((a, i) => ({NetworkAclAssociationId: `aclassoc-0${i}`, NetworkAclId: NACL, SubnetId: a.subnet})),
      Entries: [
        {RuleNumber: 100, Egress: false, Protocol: '-1', RuleAction: 'allow', CidrBlock: '10.20.0.0/16'},
        {RuleNumber: 110, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: '0.0.0.0/0', PortRange: {From: 1024, To: 65535}},
        {RuleNumber: 32767, Egress: false, Protocol: '-1', RuleAction: 'deny', CidrBlock: '0.0.0.0/0'},
        {RuleNumber: 100, Egress: true, Protocol: '-1', RuleAction: 'allow', CidrBlock: '0.0.0.0/0'},
        {RuleNumber: 32767, Egress: true, Protocol: '-1', RuleAction: 'deny', CidrBlock: '0.0.0.0/0'},
      ]},
  ]
  const vpcs = [{VpcId: VPC, CidrBlock: '10.20.0.0/16', DhcpOptionsId: DHCP, State: 'available', OwnerId: ACCOUNT, IsDefault: false,
    InstanceTenancy: 'default', CidrBlockAssociationSet: [{AssociationId: 'vpc-cidr-assoc-01', CidrBlock: '10.20.0.0/16', CidrBlockState: {State: 'associated'}}]},
  {VpcId: OTHER_VPC, CidrBlock: '172.31.0.0/16', DhcpOptionsId: DHCP, State: 'available', OwnerId: ACCOUNT, IsDefault: true,
    CidrBlockAssociationSet: [{AssociationId: 'vpc-cidr-assoc-02', CidrBlock: '172.31.0.0/16', CidrBlockState: {State: 'associated'}}]}]
  const vpcAttributes = new Map([[VPC, {enableDnsSupport: true, enableDnsHostnames: true}], [OTHER_VPC, {enableDnsSupport: true, enableDnsHostnames: true}]])
  const dhcpOptions = [{DhcpOptionsId: DHCP, OwnerId: ACCOUNT, DhcpConfigurations: [
    {Key: 'domain-name', Values: [{Value: `${REGION}.compute.internal`}]}, {Key: 'domain-name-servers', Values: [{Value: 'AmazonProvidedDNS'}]}]}]
  const userData = Buffer.from(USER_DATA).toString('base64')
  const launchTemplateVersions = [6, 7].map(v => ({LaunchTemplateId: LT, LaunchTemplateName: 'prod-ecs', VersionNumber: v,
    DefaultVersion: v === 7, CreateTime: new Date('2026-10-01T00:00:00Z'),
    LaunchTemplateData: {ImageId: 'ami-0f1e2d3c4b5a69788', InstanceType: 'm6i.large', UserData: userData,
      IamInstanceProfile: {Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/prod-ecs-instance`}, SecurityGroupIds: [HOST_SG]}}))
  const autoScalingGroups = [{AutoScalingGroupName: ASG, AutoScalingGroupARN: `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:00000000-0000-0000-0000-000000000001:autoScalingGroupName/${ASG}`,
    LaunchTemplate: {LaunchTemplateId: LT, LaunchTemplateName: 'prod-ecs', Version: '7'}, MinSize: 0, MaxSize: n, DesiredCapacity: n,
    DefaultCooldown: 300, AvailabilityZones: AZS.map(a => a.name), HealthCheckType: 'EC2', HealthCheckGracePeriod: 0,
    CreatedTime: new Date('2025-03-01T10:00:00Z'), VPCZoneIdentifier: AZS.map(a => a.subnet).join(','),
    Instances: instanceIds.map((id, i) => ({InstanceId: id, AvailabilityZone: AZS[i % 3].name, LifecycleState: 'InService', HealthStatus: 'Healthy',
      ProtectedFromScaleIn: false, LaunchTemplate: {LaunchTemplateId: LT, LaunchTemplateName: 'prod-ecs', Version: i % 10 === 9 ? '6' : '7'}})),
    Tags: [], TerminationPolicies: ['Default'], NewInstancesProtectedFromScaleIn: false, CapacityRebalance: false}]

  return {n, clusterArn, instanceIds, containerInstanceArns, containerInstances, instances, serviceArns, services, taskArns, tasks,
    taskDefinitions, fileSystems, mountTargets, fileSystemPolicies, accessPoints, networkInterfaces, securityGroups, subnets,
    networkAcls, vpcs, vpcAttributes, dhcpOptions, launchTemplateVersions, autoScalingGroups, azOf}
}
