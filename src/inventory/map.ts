/**
 * SDK shapes → our snapshot types. The only file that knows SDK field names; type-only SDK imports (erased at
 * runtime, so nothing is loaded eagerly).
 */
import type * as ec2 from '@aws-sdk/client-ec2'
import type * as ecs from '@aws-sdk/client-ecs'
import type * as efs from '@aws-sdk/client-efs'
import type * as asg from '@aws-sdk/client-auto-scaling'
import type {
  AccessPoint, AutoScalingGroup, ContainerInstance, FileSystem, Instance, MountTarget, NaclEntry, NetworkAcl,
  SecurityGroup, Service, SgRule, Subnet, TaskDefinition, Vpc,
} from '../model/snapshot.js'

const defined = <T>(x: T | undefined | null): x is T => x !== undefined && x !== null

export function tagMap(tags: {Key?: string; Value?: string}[] | undefined): Record<string, string> | undefined {
  if (!tags?.length) return undefined
  const out: Record<string, string> = {}
  for (const t of tags) if (t.Key) out[t.Key] = t.Value ?? ''
  return out
}

export function containerInstance(ci: ecs.ContainerInstance): ContainerInstance {
  const out: ContainerInstance = {
    arn: ci.containerInstanceArn ?? '',
    ec2InstanceId: ci.ec2InstanceId ?? '',
    status: ci.status ?? 'UNKNOWN',
    agentConnected: ci.agentConnected ?? false,
  }
  if (ci.versionInfo?.agentVersion) out.agentVersion = ci.versionInfo.agentVersion
  if (ci.versionInfo?.dockerVersion) out.dockerVersion = ci.versionInfo.dockerVersion
  if (ci.attributes?.length) {
    out.attributes = {}
    for (const a of ci.attributes) if (a.name) out.attributes[a.name] = a.value ?? ''
  }
  return out
}

export function instance(i: ec2.Instance): Instance {
  const tags = tagMap(i.Tags)
  const ipv6 = (i.NetworkInterfaces ?? []).flatMap(n => (n.Ipv6Addresses ?? []).map(a => a.Ipv6Address)).filter(defined)
  const out: Instance = {
    id: i.InstanceId ?? '',
    state: i.State?.Name ?? 'unknown',
    securityGroupIds: (i.SecurityGroups ?? []).map(g => g.GroupId).filter(defined),
  }
  if (i.PrivateIpAddress) out.privateIp = i.PrivateIpAddress
  if (ipv6.length) out.ipv6Addresses = ipv6
  if (i.SubnetId) out.subnetId = i.SubnetId
  if (i.VpcId) out.vpcId = i.VpcId
  if (i.Placement?.AvailabilityZone) out.azName = i.Placement.AvailabilityZone
  if (i.PlatformDetails ?? i.Platform) out.platform = i.PlatformDetails ?? i.Platform
  if (i.ImageId) out.imageId = i.ImageId
  if (i.IamInstanceProfile?.Arn) out.iamInstanceProfileArn = i.IamInstanceProfile.Arn
  if (i.LaunchTime) out.launchTime = new Date(i.LaunchTime).toISOString()
  const ltId = tags?.['aws:ec2launchtemplate:id']
  if (ltId) out.launchTemplate = {id: ltId, version: tags['aws:ec2launchtemplate:version'] ?? '$Default'}
  if (tags?.['aws:autoscaling:groupName']) out.autoScalingGroupName = tags['aws:autoscaling:groupName']
  if (tags) out.tags = tags
  return out
}

function sgRules(perms: ec2.IpPermission[] | undefined): SgRule[] {
  return (perms ?? []).map(p => {
    const r: SgRule = {
      protocol: p.IpProtocol ?? '-1',
      ipv4Cidrs: (p.IpRanges ?? []).map(x => x.CidrIp).filter(defined),
      ipv6Cidrs: (p.Ipv6Ranges ?? []).map(x => x.CidrIpv6).filter(defined),
      groupIds: (p.UserIdGroupPairs ?? []).map(x => x.GroupId).filter(defined),
      prefixListIds: (p.PrefixListIds ?? []).map(x => x.PrefixListId).filter(defined),
    }
    if (p.FromPort !== undefined) r.fromPort = p.FromPort
    if (p.ToPort !== undefined) r.toPort = p.ToPort
    return r
  })
}

export function securityGroup(g: ec2.SecurityGroup): SecurityGroup {
  const out: SecurityGroup = {id: g.GroupId ?? '', ingress: sgRules(g.IpPermissions), egress: sgRules(g.IpPermissionsEgress)}
  if (g.GroupName) out.name = g.GroupName
  if (g.VpcId) out.vpcId = g.VpcId
  return out
}

export function subnet(s: ec2.Subnet): Subnet {
  const out: Subnet = {id: s.SubnetId ?? '', vpcId: s.VpcId ?? ''}
  if (s.CidrBlock) out.cidr = s.CidrBlock
  const v6 = (s.Ipv6CidrBlockAssociationSet ?? []).map(a => a.Ipv6CidrBlock).filter(defined)
  if (v6.length) out.ipv6Cidrs = v6
  if (s.AvailabilityZone) out.azName = s.AvailabilityZone
  if (s.AvailabilityZoneId) out.azId = s.AvailabilityZoneId
  if (s.MapPublicIpOnLaunch !== undefined) out.mapPublicIpOnLaunch = s.MapPublicIpOnLaunch
  return out
}

export function networkAcl(a: ec2.NetworkAcl): NetworkAcl {
  return {
    id: a.NetworkAclId ?? '',
    vpcId: a.VpcId ?? '',
    subnetIds: (a.Associations ?? []).map(x => x.SubnetId).filter(defined),
    isDefault: a.IsDefault ?? false,
    entries: (a.Entries ?? []).map(e => {
      const n: NaclEntry = {
        ruleNumber: e.RuleNumber ?? 32767,
        egress: e.Egress ?? false,
        protocol: e.Protocol ?? '-1',
        action: e.RuleAction === 'deny' ? 'deny' : 'allow',
      }
      if (e.CidrBlock) n.cidr = e.CidrBlock
      if (e.Ipv6CidrBlock) n.ipv6Cidr = e.Ipv6CidrBlock
      if (e.PortRange?.From !== undefined && e.PortRange?.To !== undefined) n.portRange = {from: e.PortRange.From, to: e.PortRange.To}
      return n
    }),
  }
}

export function vpc(v: ec2.Vpc): Vpc {
  const cidrs = (v.CidrBlockAssociationSet ?? []).map(a => a.CidrBlock).filter(defined)
  const out: Vpc = {id: v.VpcId ?? '', cidrs: cidrs.length ? cidrs : [v.CidrBlock].filter(defined)}
  if (v.DhcpOptionsId) out.dhcpOptionsId = v.DhcpOptionsId
  return out
}

export function autoScalingGroup(g: asg.AutoScalingGroup): AutoScalingGroup {
  const out: AutoScalingGroup = {
    name: g.AutoScalingGroupName ?? '',
    subnetIds: (g.VPCZoneIdentifier ?? '').split(',').map(s => s.trim()).filter(Boolean),
    instanceIds: (g.Instances ?? []).map(i => i.InstanceId).filter(defined),
  }
  const lt = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification
  if (lt?.LaunchTemplateId || lt?.LaunchTemplateName) {
    out.launchTemplate = {id: lt.LaunchTemplateId ?? '', version: lt.Version ?? '$Default'}
    if (lt.LaunchTemplateName) out.launchTemplate.name = lt.LaunchTemplateName
  }
  if (g.LaunchConfigurationName) out.launchConfigurationName = g.LaunchConfigurationName
  return out
}

export function fileSystem(f: efs.FileSystemDescription): FileSystem {
  const out: FileSystem = {id: f.FileSystemId ?? '', lifeCycleState: f.LifeCycleState ?? 'unknown'}
  if (f.FileSystemArn) out.arn = f.FileSystemArn
  if (f.OwnerId) out.ownerId = f.OwnerId
  if (f.Name) out.name = f.Name
  if (f.AvailabilityZoneName) out.availabilityZoneName = f.AvailabilityZoneName
  if (f.AvailabilityZoneId) out.availabilityZoneId = f.AvailabilityZoneId
  if (f.Encrypted !== undefined) out.encrypted = f.Encrypted
  if (f.ThroughputMode) out.throughputMode = f.ThroughputMode
  if (f.FileSystemProtection?.ReplicationOverwriteProtection) {
    out.replicationOverwriteProtection = f.FileSystemProtection.ReplicationOverwriteProtection
  }
  return out
}

export function mountTarget(m: efs.MountTargetDescription): MountTarget {
  const out: MountTarget = {
    id: m.MountTargetId ?? '',
    fileSystemId: m.FileSystemId ?? '',
    subnetId: m.SubnetId ?? '',
    lifeCycleState: m.LifeCycleState ?? 'unknown',
  }
  if (m.VpcId) out.vpcId = m.VpcId
  if (m.AvailabilityZoneName) out.azName = m.AvailabilityZoneName
  if (m.AvailabilityZoneId) out.azId = m.AvailabilityZoneId
  if (m.IpAddress) out.ipAddress = m.IpAddress
  if (m.Ipv6Address) out.ipv6Address = m.Ipv6Address
  if (m.NetworkInterfaceId) out.networkInterfaceId = m.NetworkInterfaceId
  return out
}

export function accessPoint(a: efs.AccessPointDescription): AccessPoint {
  const out: AccessPoint = {id: a.AccessPointId ?? '', fileSystemId: a.FileSystemId ?? '', lifeCycleState: a.LifeCycleState ?? 'unknown'}
  if (a.AccessPointArn) out.arn = a.AccessPointArn
  if (a.RootDirectory) {
    out.rootDirectory = {}
    if (a.RootDirectory.Path) out.rootDirectory.path = a.RootDirectory.Path
    const c = a.RootDirectory.CreationInfo
    if (c) out.rootDirectory.creationInfo = {ownerUid: Number(c.OwnerUid), ownerGid: Number(c.OwnerGid), permissions: c.Permissions ?? ''}
  }
  if (a.PosixUser) out.posixUser = {uid: Number(a.PosixUser.Uid), gid: Number(a.PosixUser.Gid)}
  return out
}

export function taskDefinition(t: ecs.TaskDefinition): TaskDefinition {
  const out: TaskDefinition = {
    arn: t.taskDefinitionArn ?? '',
    family: t.family ?? '',
    volumes: (t.volumes ?? []).map(v => {
      const vol: TaskDefinition['volumes'][number] = {name: v.name ?? ''}
      if (v.host) vol.host = v.host.sourcePath ? {sourcePath: v.host.sourcePath} : {}
      const e = v.efsVolumeConfiguration
      if (e) {
        vol.efsVolumeConfiguration = {fileSystemId: e.fileSystemId ?? ''}
        if (e.rootDirectory) vol.efsVolumeConfiguration.rootDirectory = e.rootDirectory
        if (e.transitEncryption) vol.efsVolumeConfiguration.transitEncryption = e.transitEncryption
        if (e.transitEncryptionPort !== undefined) vol.efsVolumeConfiguration.transitEncryptionPort = e.transitEncryptionPort
        if (e.authorizationConfig) {
          vol.efsVolumeConfiguration.authorizationConfig = {}
          if (e.authorizationConfig.accessPointId) vol.efsVolumeConfiguration.authorizationConfig.accessPointId = e.authorizationConfig.accessPointId
          if (e.authorizationConfig.iam) vol.efsVolumeConfiguration.authorizationConfig.iam = e.authorizationConfig.iam
        }
      }
      const d = v.dockerVolumeConfiguration
      if (d) vol.dockerVolumeConfiguration = {...(d.scope ? {scope: d.scope} : {}), ...(d.driver ? {driver: d.driver} : {})}
      return vol
    }),
    containers: (t.containerDefinitions ?? []).map(c => ({
      name: c.name ?? '',
      mountPoints: (c.mountPoints ?? []).map(m => ({sourceVolume: m.sourceVolume, containerPath: m.containerPath, readOnly: m.readOnly ?? false})),
    })),
  }
  if (t.revision !== undefined) out.revision = t.revision
  if (t.networkMode) out.networkMode = t.networkMode
  if (t.requiresCompatibilities?.length) out.requiresCompatibilities = t.requiresCompatibilities
  if (t.taskRoleArn) out.taskRoleArn = t.taskRoleArn
  if (t.executionRoleArn) out.executionRoleArn = t.executionRoleArn
  return out
}

export function service(s: ecs.Service): Service {
  const out: Service = {name: s.serviceName ?? '', arn: s.serviceArn ?? '', taskDefinitionArn: s.taskDefinition ?? ''}
  if (s.launchType) out.launchType = s.launchType
  if (s.platformVersion) out.platformVersion = s.platformVersion
  const net = s.networkConfiguration?.awsvpcConfiguration
  if (net?.subnets?.length) out.subnetIds = net.subnets
  if (net?.securityGroups?.length) out.securityGroupIds = net.securityGroups
  return out
}
