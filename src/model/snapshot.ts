/**
 * The snapshot: everything discovery found, as plain JSON-serialisable data in our own shapes (never SDK types).
 * Checks read only this. `efsdoctor snapshot` writes it; `check --from` replays it; `lint` builds one from a template.
 *
 * Convention: a part that was never collected is `undefined`. A part that was collected but whose API call
 * failed is also `undefined` (or partly filled) and has a matching entry in `gaps`.
 *
 * schemas/snapshot.schema.json mirrors these types (and ProbeFacts); change both together (docs/snapshot.md).
 */

import type {ProbeFacts} from './probe-facts.js'
import type {ScopedFileSystem} from './usage.js'

/**
 * 2: `scope.fileSystems` is chosen by evidence (see model/usage.ts) and each entry says who uses it (`usedBy`), or
 * that it is only a candidate. Version 1 files still load: inventory/load-snapshot.ts upgrades them (docs/snapshot.md).
 */
export const SNAPSHOT_SCHEMA_VERSION = 2

export type SnapshotPart =
  | 'cluster'
  | 'containerInstances'
  | 'instances'
  | 'autoScalingGroups'
  | 'fileSystems'
  | 'mountTargets'
  | 'fileSystemPolicies'
  | 'accessPoints'
  | 'securityGroups'
  | 'subnets'
  | 'networkAcls'
  | 'vpcs'
  | 'userData'
  | 'taskDefinitions'
  | 'services'
  | 'hostFacts'

export const SNAPSHOT_PARTS: readonly SnapshotPart[] = [
  'cluster', 'containerInstances', 'instances', 'autoScalingGroups', 'fileSystems', 'mountTargets',
  'fileSystemPolicies', 'accessPoints', 'securityGroups', 'subnets', 'networkAcls', 'vpcs', 'userData',
  'taskDefinitions', 'services', 'hostFacts',
]

/** Each part in words, for messages (a user never sees the field names). */
export const PART_WORDS: Readonly<Record<SnapshotPart, string>> = {
  cluster: 'the ECS cluster', containerInstances: 'container instances', instances: 'EC2 instances',
  autoScalingGroups: 'Auto Scaling groups', fileSystems: 'EFS file systems', mountTargets: 'mount targets',
  fileSystemPolicies: 'file-system policies', accessPoints: 'access points', securityGroups: 'security groups',
  subnets: 'subnets', networkAcls: 'network ACLs', vpcs: 'VPCs', userData: 'UserData', taskDefinitions: 'task definitions',
  services: 'ECS services', hostFacts: 'what the host probe saw (a run with --no-probe, or a snapshot taken with it, has none)',
}

/**
 * A task definition in prose: `family:revision`, or the family alone for a template's, which has no revision before it
 * is registered. The scope reasons (inventory/infer.ts) and the messages that quote them use this one spelling.
 */
export const tdLabel = (td: Pick<TaskDefinition, 'family' | 'revision'>): string => (td.revision === undefined ? td.family : `${td.family}:${td.revision}`)

/**
 * The snapshot parts a template can fill (the rest is live state): what `lint` (src/lint/build-snapshot.ts) builds;
 * docs/checks.md and `efsdoctor checks` mark which checks lint runs from it.
 */
export const TEMPLATE_PARTS: readonly SnapshotPart[] = [
  'securityGroups', 'subnets', 'vpcs', 'networkAcls', 'autoScalingGroups', 'userData', 'taskDefinitions', 'services', 'fileSystemPolicies',
]

/**
 * Which parts are collected from which: when an upstream call fails, the parts read from its results are never
 * collected either, and checks that need them must say "unknown" naming the upstream action (not "skipped").
 */
export const PART_SOURCES: Readonly<Partial<Record<SnapshotPart, SnapshotPart[]>>> = {
  containerInstances: ['cluster'],
  instances: ['containerInstances'],
  autoScalingGroups: ['instances'],
  securityGroups: ['instances', 'mountTargets'],
  subnets: ['instances', 'mountTargets', 'autoScalingGroups'],
  networkAcls: ['subnets'],
  vpcs: ['instances'],
  userData: ['instances', 'autoScalingGroups'],
  mountTargets: ['fileSystems'],
  fileSystemPolicies: ['fileSystems'],
  accessPoints: ['fileSystems'],
  taskDefinitions: ['services'],
  hostFacts: ['containerInstances', 'instances'],
}

/** A failed or denied API call. `action` is the IAM action, e.g. `ec2:DescribeNetworkAcls`. */
export interface Gap {
  part: SnapshotPart
  action: string
  code: string
  message: string
  /** Set when only some resources are affected (e.g. the policy of one file system). */
  resourceIds?: string[]
}

export interface Cluster {
  name: string
  arn: string
  status: string
}

export interface ContainerInstance {
  arn: string
  ec2InstanceId: string
  /** ACTIVE | DRAINING | INACTIVE | REGISTERING | DEREGISTERING | REGISTRATION_FAILED */
  status: string
  agentConnected: boolean
  agentVersion?: string
  dockerVersion?: string
  /** ECS attributes, e.g. `ecs.capability.efsAuth`, `ecs.availability-zone` (name → value or ''). */
  attributes?: Record<string, string>
}

export interface Instance {
  id: string
  state: string
  privateIp?: string
  ipv6Addresses?: string[]
  subnetId?: string
  vpcId?: string
  azName?: string
  securityGroupIds: string[]
  platform?: string
  imageId?: string
  iamInstanceProfileArn?: string
  launchTime?: string
  launchTemplate?: {id: string; version: string}
  autoScalingGroupName?: string
  /** Key into `userData` (the distinct script this instance booted with), when known. */
  userDataId?: string
  tags?: Record<string, string>
}

export interface AutoScalingGroup {
  name: string
  subnetIds: string[]
  launchTemplate?: {id: string; name?: string; version: string}
  launchConfigurationName?: string
  instanceIds: string[]
  /** Key into `userData`: what the group launches next (its launch-template version or launch configuration), when read. */
  userDataId?: string
}

export interface FileSystem {
  id: string
  arn?: string
  ownerId?: string
  name?: string
  lifeCycleState: string
  /** Set for One Zone file systems. */
  availabilityZoneName?: string
  availabilityZoneId?: string
  encrypted?: boolean
  throughputMode?: string
  /** FileSystemProtection.ReplicationOverwriteProtection */
  replicationOverwriteProtection?: string
}

export interface MountTarget {
  id: string
  fileSystemId: string
  subnetId: string
  vpcId?: string
  azName?: string
  azId?: string
  ipAddress?: string
  ipv6Address?: string
  lifeCycleState: string
  networkInterfaceId?: string
  /** From the mount target's ENI; undefined when that lookup failed (see gaps). */
  securityGroupIds?: string[]
}

/** File-system policy JSON text, or null when the file system has none (PolicyNotFound). */
export type FileSystemPolicies = Record<string, string | null>

export interface AccessPoint {
  id: string
  arn?: string
  fileSystemId: string
  lifeCycleState: string
  rootDirectory?: {path?: string; creationInfo?: {ownerUid: number; ownerGid: number; permissions: string}}
  posixUser?: {uid: number; gid: number}
}

export interface SgRule {
  /** 'tcp' | 'udp' | 'icmp' | '-1' (all) | protocol number as string */
  protocol: string
  fromPort?: number
  toPort?: number
  ipv4Cidrs: string[]
  ipv6Cidrs: string[]
  groupIds: string[]
  prefixListIds: string[]
}

export interface SecurityGroup {
  id: string
  name?: string
  vpcId?: string
  ingress: SgRule[]
  egress: SgRule[]
}

export interface Subnet {
  id: string
  vpcId: string
  cidr?: string
  ipv6Cidrs?: string[]
  azName?: string
  azId?: string
  mapPublicIpOnLaunch?: boolean
}

export interface NaclEntry {
  ruleNumber: number
  egress: boolean
  /** '-1' (all), '6' (tcp), '17' (udp), … as the API gives it */
  protocol: string
  action: 'allow' | 'deny'
  cidr?: string
  ipv6Cidr?: string
  portRange?: {from: number; to: number}
}

export interface NetworkAcl {
  id: string
  vpcId: string
  subnetIds: string[]
  isDefault?: boolean
  entries: NaclEntry[]
}

export interface Vpc {
  id: string
  cidrs: string[]
  /** undefined = not read (see gaps) */
  enableDnsSupport?: boolean
  enableDnsHostnames?: boolean
  dhcpOptionsId?: string
  /** DHCP option `domain-name-servers`, e.g. ['AmazonProvidedDNS'] */
  domainNameServers?: string[]
}

/** One distinct UserData script, read once however many instances share it. Secrets already redacted. */
export interface UserData {
  id: string
  source: {type: 'instance' | 'launch-template' | 'launch-configuration' | 'template'; id: string; version?: string}
  instanceIds: string[]
  /** Decoded text (base64/gzip undone), secrets redacted. MIME parts kept as they are. */
  text: string
  location?: {file?: string; line?: number; logicalId?: string}
  /** The image its hosts run (AMI names, or a template's ImageId parameter), when one kind is known. */
  image?: {kind: ImageKind; name?: string}
  /** lint: the AWS::CloudFormation::Init metadata of each resource the script runs `cfn-init` for (src/lint/cfn-init.ts). */
  cfnInit?: CfnInit[]
  /**
   * lint of a lone script: the text is a Terraform template, so `${var.x}`-style references are values Terraform fills in
   * before the instance sees the script, not references bash fails on ("bad substitution").
   */
  renderedBy?: 'terraform'
}

/** What `cfn-init --resource <resource>` does, as shell per config (secrets redacted), and each configSet's configs. */
export interface CfnInit {
  resource: string
  configSets: Record<string, string[]>
  configs: Record<string, string>
  /** Config name → template line where it is declared (lint). */
  lines?: Record<string, number>
}

/** See src/core/images.ts for what each kind ships. */
export type ImageKind = 'ecs' | 'ecs-al1' | 'ecs-al2' | 'ecs-al2023' | 'al1' | 'al2' | 'al2023' | 'ubuntu' | 'debian' | 'rhel' | 'bottlerocket' | 'unknown'

export interface EfsVolumeConfiguration {
  fileSystemId: string
  rootDirectory?: string
  transitEncryption?: string
  transitEncryptionPort?: number
  authorizationConfig?: {accessPointId?: string; iam?: string}
}

export interface TaskVolume {
  name: string
  host?: {sourcePath?: string}
  efsVolumeConfiguration?: EfsVolumeConfiguration
  dockerVolumeConfiguration?: {scope?: string; driver?: string}
}

export interface ContainerDef {
  name: string
  mountPoints: {sourceVolume?: string; containerPath?: string; readOnly?: boolean}[]
}

export interface TaskDefinition {
  arn: string
  family: string
  revision?: number
  networkMode?: string
  requiresCompatibilities?: string[]
  taskRoleArn?: string
  executionRoleArn?: string
  volumes: TaskVolume[]
  containers: ContainerDef[]
  location?: {file?: string; line?: number; logicalId?: string}
}

export interface Service {
  name: string
  arn: string
  taskDefinitionArn: string
  launchType?: string
  platformVersion?: string
  subnetIds?: string[]
  securityGroupIds?: string[]
  /** Lint: the cluster it runs on (an AWS::ECS::Cluster logical id, or the name or placeholder the template gives). */
  cluster?: string
}

/** What the on-host probe saw; filled by remote/ (see the host-probe issue). */
export interface HostFacts {
  instanceId: string
  /** 'ok' when the probe ran and parsed; otherwise why it could not be used. */
  status: 'ok' | 'not-managed' | 'offline' | 'not-linux' | 'timed-out' | 'failed' | 'unparseable' | 'error'
  reason?: string
  facts?: ProbeFacts
}

/**
 * What a CloudFormation template declares (lint only): structure, never live state. EFS resources live here rather
 * than in `fileSystems`/`mountTargets`, whose `lifeCycleState` a template cannot know. Ids are logical ids.
 */
export interface TemplateFacts {
  file: string
  /** The file is a lone UserData script, not a template (lint/script.ts): only the userdata checks apply. */
  script?: boolean
  /** Logical id → 1-based line of the resource in the template. */
  resourceLines: Record<string, number>
  fileSystems: {id: string; name?: string; encrypted?: boolean; availabilityZoneName?: string}[]
  mountTargets: {id: string; fileSystemId: string; subnetId: string; securityGroupIds: string[]}[]
  accessPoints: {id: string; fileSystemId: string; rootDirectory?: string}[]
  /** Launch template / launch configuration / instance logical id → the security groups its hosts get. */
  hostSecurityGroups: Record<string, string[]>
  /** Instance logical id → the subnets it names itself (SubnetId, NetworkInterfaces[].SubnetId). */
  hostSubnets?: Record<string, string[]>
  /** UserData id → template line of each script line (index 0 = script line 1). */
  userDataLines?: Record<string, number[]>
  /** Subnet logical id → its AvailabilityZone expression (JSON) when it is not a literal, e.g. `!Select [0, !GetAZs '']`. */
  subnetAzExpressions?: Record<string, string>
  /** Parameters declared with NoEcho: true (their values must not be substituted into UserData). */
  noEchoParameters?: string[]
  /**
   * The AWS::ECS::Cluster resources: logical id, literal name (ClusterName, or --cluster-name for the first), and the
   * hosts (launch template / launch configuration logical ids) its capacity providers' Auto Scaling groups launch.
   */
  clusters?: {id: string; name?: string; capacityProviderHosts: string[]}[]
}

export interface Snapshot {
  schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION
  collectedAt: string
  tool: {name: 'efsdoctor'; version: string}
  scope: {
    source: 'aws' | 'template'
    region?: string
    accountId?: string
    partition?: string
    cluster?: string
    template?: string
    /** The file systems in scope, why each was picked and who uses it. */
    fileSystems: ScopedFileSystem[]
    notes?: string[]
  }
  cluster?: Cluster
  containerInstances?: ContainerInstance[]
  instances?: Record<string, Instance>
  autoScalingGroups?: AutoScalingGroup[]
  fileSystems?: FileSystem[]
  mountTargets?: MountTarget[]
  fileSystemPolicies?: FileSystemPolicies
  accessPoints?: AccessPoint[]
  securityGroups?: Record<string, SecurityGroup>
  subnets?: Record<string, Subnet>
  networkAcls?: NetworkAcl[]
  vpcs?: Record<string, Vpc>
  userData?: UserData[]
  taskDefinitions?: TaskDefinition[]
  services?: Service[]
  hostFacts?: Record<string, HostFacts>
  /** Set by `lint`: the template's declared structure (see TemplateFacts). */
  template?: TemplateFacts
  gaps: Gap[]
}
