/**
 * Turns a parsed CloudFormation template into the snapshot shape the checks read. Only what a template declares is
 * filled; live state (lifecycle states, container instances, agent versions, running instances) is left undefined
 * so those checks are `skipped`, never `pass`. Ids are logical ids; `Ref`s to resources resolve to logical ids.
 */
import {pushTo} from '../core/group.js'
import {imageKindOf} from '../core/images.js'
import {redactSecrets} from '../core/redact.js'
import {redactAnyUserData} from '../core/user-data-layers.js'
import {SNAPSHOT_SCHEMA_VERSION, type SgRule, type SecurityGroup, type Snapshot, type Subnet, type TaskDefinition,
  type TaskVolume, type TemplateFacts, type NaclEntry, type NetworkAcl, type AutoScalingGroup, type UserData, type Vpc, type Service} from '../model/snapshot.js'
import {TOOL_VERSION} from '../core/version.js'
import {cfnInitOf, cfnInitResources} from './cfn-init.js'
import {partitionOf, Resolver} from './intrinsics.js'
import type {Json, ParsedTemplate} from './template.js'

export interface BuildOptions {
  file: string
  region?: string
  clusterName?: string
  /** Fixed timestamp for reproducible output (tests). */
  now?: string
}

type Obj = {[k: string]: Json}
interface Res { id: string; type: string; props: Obj }

const obj = (v: Json | undefined): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {})
const arr = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : [])
const known = (s: string | undefined): s is string => s !== undefined && !s.includes('${')
const bool = (r: Resolver, v: Json | undefined): boolean | undefined => {
  const s = r.str(v)
  return s === 'true' ? true : s === 'false' ? false : undefined
}
const num = (r: Resolver, v: Json | undefined): number | undefined => {
  const s = r.str(v)
  return s !== undefined && /^-?\d+$/.test(s) ? Number(s) : undefined
}
/** Both spellings: CloudFormation's (`EFSVolumeConfiguration`) and the API's (`efsVolumeConfiguration`). */
const pick = (o: Obj, ...keys: string[]): Json | undefined => keys.map(k => o[k]).find(v => v !== undefined)

/**
 * For each line of a UserData script, the template line it sits on: a block scalar under Fn::Base64/Fn::Sub maps
 * line for line; a quoted string sits on one line; Fn::Join of lines follows its items. Undefined when unknown.
 */
function scriptLineMap(t: ParsedTemplate, r: Resolver, path: string, value: Json | undefined, text: string): number[] | undefined {
  const count = text.split('\n').length
  let p = path
  let v = value
  for (let guard = 0; guard < 6; guard++) {
    if (typeof v === 'string') {
      const start = t.contentLines.get(p)
      if (start === undefined) return undefined
      return Array.from({length: count}, (_, i) => t.blockScalars.has(p) ? start + i : start)
    }
    const o = obj(v)
    if ('Fn::Base64' in o) {
      p += '/Fn::Base64'
      v = o['Fn::Base64']
    } else if ('Fn::Sub' in o) {
      const a = o['Fn::Sub']
      p += Array.isArray(a) ? '/Fn::Sub/0' : '/Fn::Sub'
      v = Array.isArray(a) ? a[0] : a
    } else if ('Fn::Join' in o && Array.isArray(arr(o['Fn::Join'])[1])) {
      const items = arr(o['Fn::Join'])[1] as Json[]
      const sep = r.str(arr(o['Fn::Join'])[0]) ?? ''
      const lineOfItem = (i: number) => t.lines.get(`${p}/Fn::Join/1/${i}`)
      const map: number[] = []
      if (lineOfItem(0) === undefined) return undefined
      map.push(lineOfItem(0)!)
      items.forEach((item, i) => {
        const piece = (r.str(item, true) ?? '') + (i < items.length - 1 ? sep : '')
        for (let k = 0; k < piece.length; k++) {
          if (piece[k] !== '\n') continue
          // A newline that ends the item starts the next script line on the next item's line.
          map.push(k === piece.length - 1 ? lineOfItem(i + 1) ?? lineOfItem(i)! : lineOfItem(i)!)
        }
      })
      return map
    } else {
      return undefined
    }
  }
  return undefined
}

function sgRules(r: Resolver, rules: Json[], direction: 'ingress' | 'egress'): SgRule[] {
  return rules.map(x => sgRule(r, obj(x), direction))
}

function sgRule(r: Resolver, o: Obj, direction: 'ingress' | 'egress'): SgRule {
  const peerGroup = r.str(direction === 'ingress' ? o.SourceSecurityGroupId : o.DestinationSecurityGroupId)
  const prefix = r.str(direction === 'ingress' ? o.SourcePrefixListId : o.DestinationPrefixListId)
  const protocol = (r.str(o.IpProtocol) ?? '-1').toLowerCase()
  const rule: SgRule = {protocol: protocol === 'all' ? '-1' : protocol, ipv4Cidrs: [], ipv6Cidrs: [], groupIds: [], prefixListIds: []}
  const from = num(r, o.FromPort)
  const to = num(r, o.ToPort)
  if (rule.protocol !== '-1') {
    if (from !== undefined) rule.fromPort = from
    if (to !== undefined) rule.toPort = to
  }
  const cidr = r.str(o.CidrIp)
  const cidr6 = r.str(o.CidrIpv6)
  if (cidr) rule.ipv4Cidrs.push(cidr)
  if (cidr6) rule.ipv6Cidrs.push(cidr6)
  if (peerGroup) rule.groupIds.push(peerGroup)
  if (prefix) rule.prefixListIds.push(prefix)
  return rule
}

/** CloudFormation gives a new group one allow-all egress rule when SecurityGroupEgress lists no rule. */
const DEFAULT_EGRESS: SgRule = {protocol: '-1', ipv4Cidrs: ['0.0.0.0/0'], ipv6Cidrs: [], groupIds: [], prefixListIds: []}
/** Rules chosen by a function efsdoctor does not evaluate (Fn::If…): a placeholder prefix list, so checks say unknown. */
const UNRESOLVED_RULES = (what: string): SgRule => ({protocol: '-1', ipv4Cidrs: [], ipv6Cidrs: [], groupIds: [], prefixListIds: [`\${${what}}`]})

/**
 * Egress as CloudFormation creates it: no property or an empty list → the default allow-all rule (AWS adds it when
 * no egress rule is given); a list → exactly those rules; anything else (Fn::If…) → unknown.
 */
function egressRules(r: Resolver, id: string, v: Json | undefined): SgRule[] {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return [structuredClone(DEFAULT_EGRESS)]
  return Array.isArray(v) ? sgRules(r, v, 'egress') : [UNRESOLVED_RULES(`${id}.SecurityGroupEgress`)]
}

/**
 * What names the image: a literal ImageId, a `{{resolve:ssm:…}}` path, or the Default of the parameter it Refs (e.g.
 * /aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id). AMI ids and mappings name no image.
 */
function imageNameOf(t: ParsedTemplate, v: Json | undefined): string | undefined {
  let name: Json | undefined = v
  const ref = obj(v).Ref
  const map = obj(v)['Fn::FindInMap']
  if (typeof ref === 'string') {
    const d = obj(obj(t.body.Parameters)[ref]).Default
    name = typeof d === 'string' && !/^ami-[0-9a-f]+$/.test(d) ? d : `parameter ${ref}`
  } else if (Array.isArray(map) && typeof map[0] === 'string') {
    name = `mapping ${map[0]}`
  }
  if (typeof name !== 'string' || /^ami-[0-9a-f]+$/.test(name)) return undefined
  return /^\{\{resolve:ssm:([^:}]+)/.exec(name)?.[1] ?? name
}

function taskDefinition(r: Resolver, res: Res, location: UserData['location']): TaskDefinition {
  const p = res.props
  const volumes: TaskVolume[] = arr(p.Volumes).map(x => {
    const v = obj(x)
    const vol: TaskVolume = {name: r.str(v.Name) ?? ''}
    if (v.Host !== undefined) {
      const sp = r.str(obj(v.Host).SourcePath)
      vol.host = sp === undefined ? {} : {sourcePath: sp}
    }
    const efsRaw = pick(v, 'EFSVolumeConfiguration', 'EfsVolumeConfiguration', 'efsVolumeConfiguration')
    if (efsRaw !== undefined) {
      const e = obj(efsRaw)
      const auth = obj(pick(e, 'AuthorizationConfig', 'authorizationConfig'))
      vol.efsVolumeConfiguration = {fileSystemId: r.str(pick(e, 'FilesystemId', 'FileSystemId', 'fileSystemId')) ?? '${FilesystemId}'}
      const root = r.str(pick(e, 'RootDirectory', 'rootDirectory'))
      const tls = r.str(pick(e, 'TransitEncryption', 'transitEncryption'))
      const port = num(r, pick(e, 'TransitEncryptionPort', 'transitEncryptionPort'))
      if (root !== undefined) vol.efsVolumeConfiguration.rootDirectory = root
      if (tls !== undefined) vol.efsVolumeConfiguration.transitEncryption = tls
      if (port !== undefined) vol.efsVolumeConfiguration.transitEncryptionPort = port
      const ap = r.str(pick(auth, 'AccessPointId', 'accessPointId'))
      const iam = r.str(pick(auth, 'IAM', 'Iam', 'iam'))
      if (ap !== undefined || iam !== undefined) {
        vol.efsVolumeConfiguration.authorizationConfig = {}
        if (ap !== undefined) vol.efsVolumeConfiguration.authorizationConfig.accessPointId = ap
        if (iam !== undefined) vol.efsVolumeConfiguration.authorizationConfig.iam = iam
      }
    }
    if (v.DockerVolumeConfiguration !== undefined) {
      const d = obj(v.DockerVolumeConfiguration)
      vol.dockerVolumeConfiguration = {scope: r.str(d.Scope), driver: r.str(d.Driver)}
    }
    return vol
  })
  const td: TaskDefinition = {
    arn: res.id,
    family: r.str(p.Family) ?? res.id,
    volumes,
    containers: arr(p.ContainerDefinitions).map(x => {
      const c = obj(x)
      return {name: r.str(c.Name) ?? '', mountPoints: arr(c.MountPoints).map(y => {
        const m = obj(y)
        const ro = bool(r, m.ReadOnly)
        return {sourceVolume: r.str(m.SourceVolume), containerPath: r.str(m.ContainerPath), ...(ro === undefined ? {} : {readOnly: ro})}
      })}
    }),
    location,
  }
  const network = r.str(p.NetworkMode)
  const compat = r.list(p.RequiresCompatibilities)?.filter(known)
  const role = r.str(p.TaskRoleArn)
  const exec = r.str(p.ExecutionRoleArn)
  if (network) td.networkMode = network
  if (compat?.length) td.requiresCompatibilities = compat
  if (role) td.taskRoleArn = role
  if (exec) td.executionRoleArn = exec
  return td
}

/** A new VPC's default network ACL: rule 100 allows all traffic both ways (IPv4 and IPv6). */
const DEFAULT_ACL_ENTRIES: NaclEntry[] = [false, true].flatMap(egress => [
  {ruleNumber: 100, egress, protocol: '-1', action: 'allow' as const, cidr: '0.0.0.0/0'},
  {ruleNumber: 101, egress, protocol: '-1', action: 'allow' as const, ipv6Cidr: '::/0'},
])
/** An ACL whose entries the template does not show: one entry per direction that the checks read as unknown. */
const UNKNOWN_ACL_ENTRIES = (what: string): NaclEntry[] =>
  [false, true].map(egress => ({ruleNumber: 0, egress, protocol: `\${${what}}`, action: 'deny' as const}))

/**
 * Network ACLs as CloudFormation creates them: each AWS::EC2::NetworkAcl with its AWS::EC2::NetworkAclEntry resources
 * and subnet associations, and the default ACL of each VPC in the template (id `${Vpc.DefaultNetworkAcl}`, as
 * `!GetAtt Vpc.DefaultNetworkAcl` resolves) — allow-all, plus any entries the template adds to it. An entry with a
 * value from a parameter or function, or an association with an ACL not in the template, reads as unknown.
 */
function networkAcls(r: Resolver, ofType: (type: string) => Res[], subnets: Record<string, Subnet>, notes: string[]): NetworkAcl[] {
  const acls = new Map<string, NetworkAcl>()
  for (const v of ofType('AWS::EC2::VPC')) {
    acls.set(`\${${v.id}.DefaultNetworkAcl}`, {id: `\${${v.id}.DefaultNetworkAcl}`, vpcId: v.id, subnetIds: [], isDefault: true, entries: structuredClone(DEFAULT_ACL_ENTRIES)})
  }
  for (const x of ofType('AWS::EC2::NetworkAcl')) acls.set(x.id, {id: x.id, vpcId: r.str(x.props.VpcId) ?? '${VpcId}', subnetIds: [], isDefault: false, entries: []})
  for (const x of ofType('AWS::EC2::NetworkAclEntry')) {
    const acl = acls.get(r.str(x.props.NetworkAclId) ?? '')
    if (!acl) {
      notes.push(`${x.id} (AWS::EC2::NetworkAclEntry) adds a rule to ${r.str(x.props.NetworkAclId) ?? 'an ACL'} that is not declared in this template.`)
      continue
    }
    const rule = num(r, x.props.RuleNumber)
    const protocol = r.str(x.props.Protocol)
    const action = r.str(x.props.RuleAction)?.toLowerCase()
    const egress = x.props.Egress === undefined ? false : bool(r, x.props.Egress)
    const cidr = r.str(x.props.CidrBlock)
    const cidr6 = r.str(x.props.Ipv6CidrBlock)
    const pr = obj(x.props.PortRange)
    const [from, to] = [num(r, pr.From), num(r, pr.To)]
    const portsKnown = x.props.PortRange === undefined || (from !== undefined && to !== undefined)
    const resolved = rule !== undefined && known(protocol) && (action === 'allow' || action === 'deny') && (cidr === undefined || known(cidr)) &&
      (cidr6 === undefined || known(cidr6)) && portsKnown
    const dirs = egress === undefined ? [false, true] : [egress]
    if (!resolved) {
      // NOTE: rule 0 sorts first, so the checks reach it before any real entry of that direction and say unknown.
      acl.entries.push(...UNKNOWN_ACL_ENTRIES(x.id).filter(e => dirs.includes(e.egress)))
      continue
    }
    for (const d of dirs) {
      const e: NaclEntry = {ruleNumber: rule, egress: d, protocol: protocol === '-1' || protocol.toLowerCase() === 'all' ? '-1' : protocol, action}
      if (cidr !== undefined) e.cidr = cidr
      if (cidr6 !== undefined) e.ipv6Cidr = cidr6
      if (x.props.PortRange !== undefined) e.portRange = {from: from!, to: to!}
      acl.entries.push(e)
    }
  }
  for (const x of ofType('AWS::EC2::SubnetNetworkAclAssociation')) {
    const subnetId = r.str(x.props.SubnetId) ?? '${SubnetId}'
    const aclId = r.str(x.props.NetworkAclId) ?? '${NetworkAclId}'
    const acl = acls.get(aclId) ?? acls.set(aclId, {id: aclId, vpcId: subnets[subnetId]?.vpcId ?? '${VpcId}', subnetIds: [], isDefault: false,
      entries: UNKNOWN_ACL_ENTRIES(aclId.replace(/^\$\{(.*)\}$/, '$1'))}).get(aclId)!
    acl.subnetIds.push(subnetId)
  }
  return [...acls.values()]
}

/** An AWS::ECS::Cluster's literal name: its ClusterName, else the name given for it (knownNames). */
const clusterName = (c: Res, knownNames: Record<string, string>): string | undefined =>
  typeof c.props.ClusterName === 'string' ? c.props.ClusterName : knownNames[c.id]

/** A Cluster property → the AWS::ECS::Cluster logical id it names (by Ref, or by its literal name); else the value as given. */
function clusterResolver(clusters: Res[], knownNames: Record<string, string>): (v: Json, r: Resolver) => string | undefined {
  const ids = new Set(clusters.map(c => c.id))
  const byName = new Map<string, string>()
  for (const c of clusters) {
    const name = clusterName(c, knownNames)
    if (name && !byName.has(name)) byName.set(name, c.id)
  }
  return (v, r) => {
    const ref = obj(v).Ref
    if (typeof ref === 'string' && ids.has(ref)) return ref
    const arn = obj(v)['Fn::GetAtt']
    if (Array.isArray(arn) && typeof arn[0] === 'string' && ids.has(arn[0])) return arn[0]
    const text = r.str(v)
    return text === undefined ? undefined : byName.get(text) ?? byName.get(text.replace(/^arn:[^/]*\//, '')) ?? text
  }
}

/**
 * Each cluster with its literal name and the hosts its capacity providers launch: AWS::ECS::Cluster CapacityProviders
 * or AWS::ECS::ClusterCapacityProviderAssociations → AWS::ECS::CapacityProvider → its Auto Scaling group → the launch
 * template or launch configuration that group launches.
 */
function clusterFacts(r: Resolver, ofType: (type: string) => Res[], clusters: Res[], knownNames: Record<string, string>,
  clusterIdOf: (v: Json, r: Resolver) => string | undefined): NonNullable<TemplateFacts['clusters']> {
  const hostOfAsg = new Map<string, string>()
  for (const x of ofType('AWS::AutoScaling::AutoScalingGroup')) {
    const lt = obj(x.props.LaunchTemplate ?? obj(obj(x.props.MixedInstancesPolicy).LaunchTemplate).LaunchTemplateSpecification)
    const host = r.str(lt.LaunchTemplateId) ?? r.str(lt.LaunchTemplateName) ?? r.str(x.props.LaunchConfigurationName)
    if (host === undefined) continue
    hostOfAsg.set(x.id, host)
    const name = r.str(x.props.AutoScalingGroupName)
    if (known(name)) hostOfAsg.set(name, host)
  }
  const hostOfProvider = new Map<string, string>()
  for (const x of ofType('AWS::ECS::CapacityProvider')) {
    const asg = r.str(obj(x.props.AutoScalingGroupProvider).AutoScalingGroupArn)
    const host = asg === undefined ? undefined : hostOfAsg.get(asg) ?? hostOfAsg.get(asg.replace(/^.*autoScalingGroupName\//, ''))
    if (host === undefined) continue
    hostOfProvider.set(x.id, host)
    const name = r.str(x.props.Name)
    if (known(name)) hostOfProvider.set(name, host)
  }
  const providersOf = new Map<string, string[]>(clusters.map(c => [c.id, (r.list(c.props.CapacityProviders) ?? []).filter(known)]))
  for (const x of ofType('AWS::ECS::ClusterCapacityProviderAssociations')) {
    const id = clusterIdOf(x.props.Cluster, r)
    const list = id === undefined ? undefined : providersOf.get(id)
    if (list) list.push(...(r.list(x.props.CapacityProviders) ?? []).filter(known))
  }
  return clusters.map(c => {
    const name = clusterName(c, knownNames)
    const hosts = [...new Set((providersOf.get(c.id) ?? []).map(p => hostOfProvider.get(p)).filter(known))]
    return {id: c.id, ...(name ? {name} : {}), capacityProviderHosts: hosts}
  })
}

/** What every snapshot lint builds starts with: format version, time, tool. */
export const offlineHead = (opts: {now?: string}): Pick<Snapshot, 'schemaVersion' | 'collectedAt' | 'tool'> =>
  ({schemaVersion: SNAPSHOT_SCHEMA_VERSION, collectedAt: opts.now ?? new Date().toISOString(), tool: {name: 'efsdoctor', version: TOOL_VERSION}})

/** The scope fields of a file read offline: its name, and the region (and partition) given with --region. */
export const offlineScope = (opts: {file: string; region?: string}): {source: 'template'; template: string; region?: string; partition?: string} =>
  ({source: 'template', template: opts.file, ...(opts.region ? {region: opts.region, partition: partitionOf(opts.region)} : {})})

export function buildSnapshot(t: ParsedTemplate, opts: BuildOptions): Snapshot {
  const resources: Res[] = Object.entries(obj(t.body.Resources)).map(([id, v]) => ({id, type: String(obj(v).Type ?? ''), props: obj(obj(v).Properties)}))
  // NOTE: one index by type, read about 30 times, instead of a scan of every resource per read.
  const byType = new Map<string, Res[]>()
  for (const x of resources) pushTo(byType, x.type, x)
  const ofType = (type: string): Res[] => [...(byType.get(type) ?? [])]
  const lineOf = (id: string) => t.lines.get(`Resources/${id}`)
  const where = (id: string) => ({file: opts.file, line: lineOf(id), logicalId: id})
  const notes: string[] = [`Built offline from ${opts.file}: live state (lifecycle states, container instances and agent versions, running instances) is not known, so checks that need it are skipped.`]

  const clusters = ofType('AWS::ECS::Cluster')
  const knownNames: Record<string, string> = {}
  let clusterName: string | undefined
  if (clusters.length) {
    const c = clusters[0]
    const literal = typeof c.props.ClusterName === 'string' ? c.props.ClusterName : undefined
    // NOTE: --cluster-name is for a template that does not name its cluster; the template's own name is what deploys.
    clusterName = literal ?? opts.clusterName
    if (literal && opts.clusterName && opts.clusterName !== literal) {
      notes.push(`--cluster-name ${opts.clusterName} is not used: ${c.id} sets ClusterName ${literal}.`)
    }
    if (clusterName) knownNames[c.id] = clusterName
    if (clusters.length > 1) notes.push(`The template declares ${clusters.length} ECS clusters; ${c.id} is used as the cluster.`)
  } else if (opts.clusterName) {
    clusterName = opts.clusterName
  }
  const r = new Resolver({
    resourceTypes: Object.fromEntries(resources.map(x => [x.id, x.type])),
    parameters: new Set(Object.keys(obj(t.body.Parameters))),
    region: opts.region,
    knownNames,
  })

  // Security groups, with inline and separate ingress/egress rules.
  const securityGroups: Record<string, SecurityGroup> = {}
  const byName: Record<string, string> = {}
  for (const sg of ofType('AWS::EC2::SecurityGroup')) {
    const egress = egressRules(r, sg.id, sg.props.SecurityGroupEgress)
    const rawIngress = sg.props.SecurityGroupIngress
    const ingress = rawIngress === undefined || Array.isArray(rawIngress) ? sgRules(r, arr(rawIngress), 'ingress') : [UNRESOLVED_RULES(`${sg.id}.SecurityGroupIngress`)]
    securityGroups[sg.id] = {id: sg.id, name: r.str(sg.props.GroupName), vpcId: r.str(sg.props.VpcId), ingress, egress}
    const name = r.str(sg.props.GroupName)
    if (known(name)) byName[name] = sg.id
  }
  for (const [type, direction] of [['AWS::EC2::SecurityGroupIngress', 'ingress'], ['AWS::EC2::SecurityGroupEgress', 'egress']] as const) {
    for (const x of ofType(type)) {
      const gid = r.str(x.props.GroupId) ?? (known(r.str(x.props.GroupName)) ? byName[r.str(x.props.GroupName)!] : undefined)
      const sg = gid ? securityGroups[gid] : undefined
      if (!sg) {
        notes.push(`${x.id} (${type}) adds a rule to ${gid ?? 'a group'} that is not declared in this template.`)
        continue
      }
      // NOTE: a separate egress resource adds to CloudFormation's default allow-all rule (only inline egress replaces it).
      sg[direction].push(sgRule(r, x.props, direction))
    }
  }
  const groupIds = (v: Json | undefined) => (r.list(v) ?? []).filter((g): g is string => g !== undefined).map(g => byName[g] ?? g)

  // Hosts: launch templates, launch configurations and plain instances, with their UserData.
  const userData: UserData[] = []
  const hostSecurityGroups: Record<string, string[]> = {}
  const userDataLines: Record<string, number[]> = {}
  const hostResources: {res: Res; data: Obj; path: string; sgs: string[]}[] = [
    ...ofType('AWS::EC2::LaunchTemplate').map(x => {
      const data = obj(x.props.LaunchTemplateData)
      const eni = arr(data.NetworkInterfaces).flatMap(n => groupIds(obj(n).Groups))
      return {res: x, data, path: `Resources/${x.id}/Properties/LaunchTemplateData/UserData`,
        sgs: [...groupIds(data.SecurityGroupIds), ...groupIds(data.SecurityGroups), ...eni]}
    }),
    // NOTE: an AWS::EC2::Instance may set its groups on its network interfaces (GroupSet) instead.
    ...[...ofType('AWS::AutoScaling::LaunchConfiguration'), ...ofType('AWS::EC2::Instance')].map(x => ({res: x, data: x.props,
      path: `Resources/${x.id}/Properties/UserData`, sgs: [...groupIds(x.props.SecurityGroups), ...groupIds(x.props.SecurityGroupIds),
        ...arr(x.props.NetworkInterfaces).flatMap(n => groupIds(obj(n).GroupSet))]})),
  ]
  // NOTE: a plain instance names its subnet itself (SubnetId, or on its network interfaces); hosts of launch templates
  // and configurations launch in their Auto Scaling groups' subnets.
  const hostSubnets: Record<string, string[]> = {}
  for (const x of ofType('AWS::EC2::Instance')) {
    const subnets = [x.props.SubnetId, ...arr(x.props.NetworkInterfaces).map(n => obj(n).SubnetId)].filter(v => v !== undefined)
      .map(v => r.str(v) ?? '${SubnetId}')
    if (subnets.length) hostSubnets[x.id] = [...new Set(subnets)]
    // NOTE: an instance launched from a launch template gives the template's hosts its subnets (a bastion's
    // LaunchTemplate with the instance's SubnetId): the host checks look the launch template up, not the instance.
    const lt = obj(x.props.LaunchTemplate)
    const ltId = r.str(lt.LaunchTemplateId) ?? r.str(lt.LaunchTemplateName)
    if (subnets.length && ltId && ltId !== x.id) hostSubnets[ltId] = [...new Set([...hostSubnets[ltId] ?? [], ...subnets])]
  }
  for (const h of hostResources) {
    hostSecurityGroups[h.res.id] = [...new Set(h.sgs)]
    if (h.data.UserData === undefined) continue
    const text = r.str(h.data.UserData)
    if (text === undefined || /^\$\{[^}]*\}$/.test(text.trim())) {
      notes.push(`UserData of ${h.res.id} could not be read offline (it is built by a function efsdoctor does not evaluate).`)
      continue
    }
    const map = scriptLineMap(t, r, h.path, h.data.UserData, text)
    if (map) userDataLines[h.res.id] = map
    const imageName = imageNameOf(t, h.data.ImageId)
    const kind = imageKindOf(imageName)
    const cfnInit = cfnInitResources(text).map(id => cfnInitOf(r, obj(t.body.Resources), id)).filter(x => x !== undefined)
      .map(x => ({...x, configs: Object.fromEntries(Object.entries(x.configs).map(([k, v]) => [k, redactSecrets(v)])),
        lines: Object.fromEntries(Object.keys(x.configs).map(k => [k, t.lines.get(`Resources/${x.resource}/Metadata/AWS::CloudFormation::Init/${k}`)])
          .filter((e): e is [string, number] => e[1] !== undefined))}))
    userData.push({id: h.res.id, source: {type: 'template', id: h.res.id}, instanceIds: [], text: redactAnyUserData(text),
      location: {file: opts.file, line: map?.[0] ?? t.lines.get(h.path) ?? lineOf(h.res.id), logicalId: h.res.id},
      ...(kind !== 'unknown' ? {image: {kind, name: imageName}} : {}), ...(cfnInit.length ? {cfnInit} : {})})
  }

  // Network.
  const subnets: Record<string, Subnet> = {}
  const subnetAzExpressions: Record<string, string> = {}
  for (const x of ofType('AWS::EC2::Subnet')) {
    const az = r.str(x.props.AvailabilityZone)
    // NOTE: `!Select [i, !GetAZs '']` is unknown offline, but two subnets with the same expression share an AZ.
    if (x.props.AvailabilityZone !== undefined && !known(az)) subnetAzExpressions[x.id] = JSON.stringify(x.props.AvailabilityZone)
    const cidr = r.str(x.props.CidrBlock)
    const pub = bool(r, x.props.MapPublicIpOnLaunch)
    subnets[x.id] = {id: x.id, vpcId: r.str(x.props.VpcId) ?? '${VpcId}',
      ...(known(cidr) ? {cidr} : {}), ...(known(az) ? {azName: az} : {}), ...(pub === undefined ? {} : {mapPublicIpOnLaunch: pub})}
  }
  const vpcs: Record<string, Vpc> = {}
  const dhcpOf = new Map(ofType('AWS::EC2::VPCDHCPOptionsAssociation').map(x => [r.str(x.props.VpcId), r.str(x.props.DhcpOptionsId)]))
  for (const x of ofType('AWS::EC2::VPC')) {
    const cidr = r.str(x.props.CidrBlock)
    // NOTE: CloudFormation defaults: EnableDnsSupport true, EnableDnsHostnames false; a parameter stays unknown.
    const dnsSupport = x.props.EnableDnsSupport === undefined ? true : bool(r, x.props.EnableDnsSupport)
    const dnsHostnames = x.props.EnableDnsHostnames === undefined ? false : bool(r, x.props.EnableDnsHostnames)
    vpcs[x.id] = {id: x.id, cidrs: known(cidr) ? [cidr] : [],
      ...(dnsSupport === undefined ? {} : {enableDnsSupport: dnsSupport}), ...(dnsHostnames === undefined ? {} : {enableDnsHostnames: dnsHostnames})}
    // NOTE: without an association the VPC keeps the region's default DHCP options (AmazonProvidedDNS); with one,
    // its servers are known only when the options resource is in the template with a literal list.
    if (dhcpOf.has(x.id)) {
      const optsId = dhcpOf.get(x.id) ?? '${DhcpOptionsId}'
      const optsRes = resources.find(o => o.id === optsId && o.type === 'AWS::EC2::DHCPOptions')
      const servers = optsRes ? r.list(optsRes.props.DomainNameServers)?.filter(known) : undefined
      vpcs[x.id].dhcpOptionsId = optsId
      if (servers?.length) vpcs[x.id].domainNameServers = servers
    } else {
      vpcs[x.id].domainNameServers = ['AmazonProvidedDNS']
    }
  }

  // Auto Scaling groups: the subnets hosts launch in and what they launch (logical ids; instances are live state).
  const autoScalingGroups: AutoScalingGroup[] = ofType('AWS::AutoScaling::AutoScalingGroup').map(x => {
    const zones = r.list(x.props.VPCZoneIdentifier)?.map(z => z ?? '${VPCZoneIdentifier}') ?? [r.str(x.props.VPCZoneIdentifier) ?? '${VPCZoneIdentifier}']
    const lt = obj(x.props.LaunchTemplate ?? obj(obj(x.props.MixedInstancesPolicy).LaunchTemplate).LaunchTemplateSpecification)
    const ltId = r.str(lt.LaunchTemplateId) ?? r.str(lt.LaunchTemplateName)
    const lc = r.str(x.props.LaunchConfigurationName)
    const asg: AutoScalingGroup = {name: r.str(x.props.AutoScalingGroupName) ?? x.id, subnetIds: x.props.VPCZoneIdentifier === undefined ? [] : zones, instanceIds: []}
    if (ltId) asg.launchTemplate = {id: ltId, version: r.str(lt.Version) ?? '$Default'}
    if (lc) asg.launchConfigurationName = lc
    if (ltId && hostSecurityGroups[ltId]) asg.userDataId = ltId
    else if (lc && hostSecurityGroups[lc]) asg.userDataId = lc
    return asg
  })

  const noEcho = Object.entries(obj(t.body.Parameters)).filter(([, p]) => String(obj(p).NoEcho) === 'true').map(([k]) => k)
  // EFS: declared structure only (see TemplateFacts).
  const facts: TemplateFacts = {
    file: opts.file,
    resourceLines: Object.fromEntries(resources.map(x => [x.id, lineOf(x.id) ?? 0])),
    fileSystems: ofType('AWS::EFS::FileSystem').map(x => {
      const nameTag = arr(x.props.FileSystemTags).map(obj).find(tag => tag.Key === 'Name')
      const name = r.str(nameTag?.Value)
      const enc = bool(r, x.props.Encrypted)
      const az = r.str(x.props.AvailabilityZoneName)
      return {id: x.id, ...(known(name) ? {name} : {}), ...(enc === undefined ? {} : {encrypted: enc}), ...(known(az) ? {availabilityZoneName: az} : {})}
    }),
    mountTargets: ofType('AWS::EFS::MountTarget').map(x => ({id: x.id, fileSystemId: r.str(x.props.FileSystemId) ?? '${FileSystemId}',
      subnetId: r.str(x.props.SubnetId) ?? '${SubnetId}', securityGroupIds: groupIds(x.props.SecurityGroups)})),
    accessPoints: ofType('AWS::EFS::AccessPoint').map(x => {
      const root = r.str(obj(x.props.RootDirectory).Path)
      return {id: x.id, fileSystemId: r.str(x.props.FileSystemId) ?? '${FileSystemId}', ...(root === undefined ? {} : {rootDirectory: root})}
    }),
    hostSecurityGroups,
    ...(Object.keys(hostSubnets).length ? {hostSubnets} : {}),
    userDataLines,
    ...(Object.keys(subnetAzExpressions).length ? {subnetAzExpressions} : {}),
    ...(noEcho.length ? {noEchoParameters: noEcho} : {}),
  }
  const deep = (v: Json | undefined): Json => {
    if (Array.isArray(v)) return v.map(deep)
    const o = obj(v)
    if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(o)
      if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return r.str(v) ?? `\${${keys[0]}}`
      return Object.fromEntries(keys.map(k => [k, deep(o[k])]))
    }
    return v ?? null
  }
  const clusterIdOf = clusterResolver(clusters, knownNames)
  const templateClusters = clusterFacts(r, ofType, clusters, knownNames, clusterIdOf)
  if (templateClusters.length) facts.clusters = templateClusters
  const fileSystemPolicies = Object.fromEntries(ofType('AWS::EFS::FileSystem').map(x =>
    [x.id, x.props.FileSystemPolicy === undefined ? null : JSON.stringify(deep(x.props.FileSystemPolicy))]))

  const taskDefinitions = ofType('AWS::ECS::TaskDefinition').map(x => taskDefinition(r, x, where(x.id)))
  for (const x of ofType('AWS::ECS::TaskDefinition')) {
    for (const v of arr(x.props.Volumes).map(obj)) {
      if (v.EfsVolumeConfiguration !== undefined || v.efsVolumeConfiguration !== undefined) {
        notes.push(`${x.id}: CloudFormation spells it EFSVolumeConfiguration (with FilesystemId); "EfsVolumeConfiguration" is rejected at deploy.`)
      }
    }
  }
  const services: Service[] = ofType('AWS::ECS::Service').map(x => {
    const net = obj(obj(x.props.NetworkConfiguration).AwsvpcConfiguration)
    const svc: Service = {name: r.str(x.props.ServiceName) ?? x.id, arn: x.id, taskDefinitionArn: r.str(x.props.TaskDefinition) ?? ''}
    // NOTE: a service without Cluster runs on the account's "default" cluster.
    const cluster = x.props.Cluster === undefined ? 'default' : clusterIdOf(x.props.Cluster, r)
    if (cluster) svc.cluster = cluster
    const lt = r.str(x.props.LaunchType)
    const pv = r.str(x.props.PlatformVersion)
    if (lt) svc.launchType = lt
    if (pv) svc.platformVersion = pv
    if (net.Subnets !== undefined) svc.subnetIds = groupIds(net.Subnets)
    if (net.SecurityGroups !== undefined) svc.securityGroupIds = groupIds(net.SecurityGroups)
    return svc
  })

  // Scope: the declared file systems, and why.
  const reasons = new Map<string, string[]>()
  const addReason = (id: string, why: string) => reasons.set(id, [...(reasons.get(id) ?? []), why])
  for (const fs of facts.fileSystems) addReason(fs.id, `AWS::EFS::FileSystem ${fs.id} (line ${lineOf(fs.id) ?? '?'})`)
  for (const td of taskDefinitions) {
    for (const v of td.volumes) if (v.efsVolumeConfiguration) addReason(v.efsVolumeConfiguration.fileSystemId, `task definition ${td.arn} volume "${v.name}"`)
  }

  const snapshot: Snapshot = {
    ...offlineHead(opts),
    scope: {
      ...offlineScope(opts),
      ...(clusterName ? {cluster: clusterName} : clusters.length ? {cluster: `\${${clusters[0].id}}`} : {}),
      fileSystems: [...reasons].map(([id, why]) => ({id, reasons: why})),
      notes,
    },
    gaps: [],
    template: facts,
  }
  if (Object.keys(securityGroups).length) snapshot.securityGroups = securityGroups
  if (Object.keys(subnets).length) snapshot.subnets = subnets
  if (Object.keys(vpcs).length) snapshot.vpcs = vpcs
  // NOTE: always set (possibly empty): a subnet with no ACL here is one whose VPC is outside the template (unknown).
  snapshot.networkAcls = networkAcls(r, ofType, subnets, notes)
  if (autoScalingGroups.length) snapshot.autoScalingGroups = autoScalingGroups
  if (hostResources.length) snapshot.userData = userData
  if (taskDefinitions.length) snapshot.taskDefinitions = taskDefinitions
  if (services.length) snapshot.services = services
  if (facts.fileSystems.length) snapshot.fileSystemPolicies = fileSystemPolicies
  return snapshot
}
