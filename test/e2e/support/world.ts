/**
 * Builds "shared EFS on ECS" inside moto with the real AWS SDK v3, the way a user's account holds it: a VPC with DNS
 * on, one subnet per AZ, container instances launched from a launch template whose UserData mounts the file system
 * at /mnt/efs, an ECS cluster they are registered in, a service whose task definition hands /mnt/efs/shared to its
 * container, and one mount target per used AZ whose security group admits NFS from the hosts' group.
 * Scenarios start from `healthyCluster()` and break one thing through the same APIs.
 */
import {AutoScalingClient, CreateAutoScalingGroupCommand} from '@aws-sdk/client-auto-scaling'
import {
  AuthorizeSecurityGroupIngressCommand, CreateLaunchTemplateCommand, CreateSecurityGroupCommand, CreateSubnetCommand,
  CreateVpcCommand, EC2Client, ModifyVpcAttributeCommand, RunInstancesCommand,
} from '@aws-sdk/client-ec2'
import {CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterContainerInstanceCommand, RegisterTaskDefinitionCommand} from '@aws-sdk/client-ecs'
import {CreateFileSystemCommand, CreateMountTargetCommand, EFSClient} from '@aws-sdk/client-efs'

export const REGION = 'eu-west-1'
export const CLUSTER = 'prod'
/** An Amazon Linux 2 image from moto's built-in AMI list (moto/ec2/resources/amis.json.gz). */
const AMI = 'ami-04681a1dbd79675a5'

export interface Aws {
  ec2: EC2Client
  efs: EFSClient
  ecs: ECSClient
  asg: AutoScalingClient
}

export function awsClients(endpoint: string): Aws {
  const config = {region: REGION, endpoint, credentials: {accessKeyId: 'AKIATESTFAKEKEY00000', secretAccessKey: 'fake-secret-for-tests'}}
  return {ec2: new EC2Client(config), efs: new EFSClient(config), ecs: new ECSClient(config), asg: new AutoScalingClient(config)}
}

export interface Subnet {
  id: string
  az: string
  cidr: string
}

export interface World {
  vpcId: string
  /** Instance subnets, one per AZ: a, b and (unless azCount is 2) c, which holds no instance unless a scenario puts one there. */
  subnets: Subnet[]
  /** Mount-target subnets, one per AZ: network ACLs apply between the two tiers. */
  dataSubnets: Subnet[]
  hostSg: string
  mountTargetSg: string
  fsId: string
  launchTemplateId: string
  /** Instances by subnet index: one in a, one in b. */
  instanceIds: string[]
  mountTargetIds: string[]
}

/** The UserData of a healthy host: efs-utils installed first, fstab with _netdev, mounted before ECS starts. */
export function userData(fsId: string, mountOptions = '_netdev,noresvport,tls,nofail'): string {
  return `#!/bin/bash
set -euo pipefail
echo ECS_CLUSTER=${CLUSTER} >> /etc/ecs/ecs.config
yum install -y amazon-efs-utils
mkdir -p /mnt/efs
echo "${fsId}:/ /mnt/efs efs ${mountOptions} 0 0" >> /etc/fstab
for attempt in 1 2 3 4 5 6; do
  mount -a -t efs && break
  echo "EFS mount attempt $attempt failed; retrying" >&2
  sleep 15
done
findmnt -t nfs4 /mnt/efs
`
}

export interface HealthyOptions {
  /** fstab mount options in the UserData (default with tls). */
  mountOptions?: string
  /** The task definition's host volume (default name "shared", sourcePath /mnt/efs/shared) and the mount point's sourceVolume. */
  volume?: {name?: string; sourcePath?: string; sourceVolume?: string}
  /** Mount targets in these data subnets (by AZ index; default a and b, where the instances run). */
  mountTargetSubnets?: number[]
  /** How many AZs get subnets (default 3: a, b, c). */
  azCount?: number
}

export async function healthyCluster(aws: Aws, opts: HealthyOptions = {}): Promise<World> {
  const {ec2, efs, ecs} = aws
  // NOTE: independent calls run together (moto's server is threaded): a scenario's setup is a few rounds, not ~25.
  const [vpcId, fsId] = await Promise.all([
    ec2.send(new CreateVpcCommand({CidrBlock: '10.0.0.0/16'})).then(r => r.Vpc!.VpcId!),
    efs.send(new CreateFileSystemCommand({CreationToken: 'prod-shared', Encrypted: true, Tags: [{Key: 'Name', Value: 'prod-shared'}]})).then(r => r.FileSystemId!),
    ecs.send(new CreateClusterCommand({clusterName: CLUSTER})),
  ])
  const subnet = async (cidr: string, az: string): Promise<Subnet> => {
    const s = await ec2.send(new CreateSubnetCommand({VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az}))
    return {id: s.Subnet!.SubnetId!, az, cidr}
  }
  const group = (GroupName: string, Description: string) =>
    ec2.send(new CreateSecurityGroupCommand({GroupName, Description, VpcId: vpcId})).then(r => r.GroupId!)
  const azs = ['a', 'b', 'c'].slice(0, opts.azCount ?? 3).map(x => `${REGION}${x}`)
  const [subnets, dataSubnets, hostSg, mountTargetSg] = await Promise.all([
    Promise.all(azs.map((az, i) => subnet(`10.0.${i + 1}.0/24`, az))),
    Promise.all(azs.map((az, i) => subnet(`10.0.${i + 11}.0/24`, az))),
    group('ecs-hosts', 'ECS container instances'),
    group('efs-mount-targets', 'EFS mount targets'),
    ec2.send(new ModifyVpcAttributeCommand({VpcId: vpcId, EnableDnsHostnames: {Value: true}})),
  ])

  const [mountTargetIds, launchTemplateId] = await Promise.all([
    Promise.all((opts.mountTargetSubnets ?? [0, 1]).map(i =>
      efs.send(new CreateMountTargetCommand({FileSystemId: fsId, SubnetId: dataSubnets[i].id, SecurityGroups: [mountTargetSg]})).then(r => r.MountTargetId!))),
    ec2.send(new CreateLaunchTemplateCommand({LaunchTemplateName: 'prod-ecs', LaunchTemplateData: {
      ImageId: AMI, InstanceType: 't3.medium', SecurityGroupIds: [hostSg],
      UserData: Buffer.from(userData(fsId, opts.mountOptions)).toString('base64'),
    }})).then(r => r.LaunchTemplate!.LaunchTemplateId!),
    ec2.send(new AuthorizeSecurityGroupIngressCommand({GroupId: mountTargetSg, IpPermissions: [
      {IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [{GroupId: hostSg}]},
    ]})),
  ])

  // One instance in a, one in b (in order: instanceIds[i] runs in subnets[i]).
  const instanceIds = await Promise.all(subnets.slice(0, 2).map(async s => {
    const r = await ec2.send(new RunInstancesCommand({MinCount: 1, MaxCount: 1, SubnetId: s.id,
      LaunchTemplate: {LaunchTemplateId: launchTemplateId, Version: '$Latest'}}))
    const id = r.Instances![0].InstanceId!
    await registerContainerInstance(aws, id)
    return id
  }))

  const volume = {name: 'shared', sourcePath: '/mnt/efs/shared', ...opts.volume}
  const td = await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'prod-web', networkMode: 'bridge', requiresCompatibilities: ['EC2'],
    volumes: [{name: volume.name, host: {sourcePath: volume.sourcePath}}],
    containerDefinitions: [{name: 'web', image: 'nginx:1.27', memory: 256, essential: true,
      mountPoints: [{sourceVolume: volume.sourceVolume ?? volume.name, containerPath: '/var/www/uploads'}]}],
  }))
  await ecs.send(new CreateServiceCommand({cluster: CLUSTER, serviceName: 'web', taskDefinition: td.taskDefinition!.taskDefinitionArn!, desiredCount: 0}))
  return {vpcId, subnets, dataSubnets, hostSg, mountTargetSg, fsId, launchTemplateId, instanceIds, mountTargetIds}
}

export async function registerContainerInstance(aws: Aws, instanceId: string): Promise<void> {
  await aws.ecs.send(new RegisterContainerInstanceCommand({cluster: CLUSTER,
    instanceIdentityDocument: JSON.stringify({instanceId, region: REGION, availabilityZone: `${REGION}a`})}))
}

/** An Auto Scaling group over the given subnets, launching from the cluster's launch template. */
export async function autoScalingGroup(aws: Aws, world: World, name: string, subnetIds: string[], desired = 0): Promise<void> {
  await aws.asg.send(new CreateAutoScalingGroupCommand({AutoScalingGroupName: name, MinSize: 0, MaxSize: 4, DesiredCapacity: desired,
    VPCZoneIdentifier: subnetIds.join(','), LaunchTemplate: {LaunchTemplateId: world.launchTemplateId, Version: '$Latest'}}))
}
