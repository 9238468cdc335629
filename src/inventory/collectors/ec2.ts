/**
 * EC2: instances (1,000 ids per call, retried without ids EC2 says are gone), security groups, subnets, network
 * ACLs, VPCs with their DNS attributes and DHCP options, mount-target network interfaces, and UserData from launch
 * template versions or the instance attribute.
 */
import {send} from '../aws-clients.js'
import {chunk, mapLimit, paginate} from '../call.js'
import {imageKindOf} from '../../core/images.js'
import {decodeUserData} from '../infer.js'
import * as map from '../map.js'
import type {Instance, MountTarget, SnapshotPart, UserData} from '../../model/snapshot.js'
import {CONCURRENCY, uniq, type CollectContext} from './context.js'

/** Ids per EC2 filter value list (the API accepts up to 200 values per filter). */
const EC2_BATCH = 200
/**
 * Instance ids per ec2:DescribeInstances call (InstanceIds, not a filter): EC2 asks for no more than 1,000 ids in
 * one call, and with InstanceIds the call takes no MaxResults (NextToken may still come back and is followed).
 */
const INSTANCE_BATCH = 1000

/** EC2 describe by a filter over an id set: batched, paginated, concurrent; partial results kept. */
async function describeByIds<P, T, R>(ctx: CollectContext, part: SnapshotPart, action: string, ids: string[],
  request: (batch: string[], token?: string) => Promise<P>, items: (p: P) => T[] | undefined, next: (p: P) => string | undefined,
  mapOne: (t: T) => R): Promise<R[] | undefined> {
  const out: R[] = []
  let anyOk = ids.length === 0
  await Promise.all(chunk(ids, EC2_BATCH).map(async batch => {
    const r = await paginate(t => ctx.calls.call(part, action, () => request(batch, t), {resourceIds: batch}), items, next)
    if (!r.failedFirst) anyOk = true
    out.push(...r.items.map(mapOne))
  }))
  return anyOk ? out : undefined
}

/**
 * EC2 instances by id, up to INSTANCE_BATCH per call. An instance terminated between listing and describing fails
 * the whole call with InvalidInstanceID.NotFound: the batch is retried without the ids the message names (or split
 * in two when it names none), and those ids are returned as `missing` (no gap: EC2 answered that they do not exist).
 */
async function describeInstances(ctx: CollectContext, ids: string[]): Promise<{instances: Instance[]; missing: string[]; anyOk: boolean}> {
  const {calls, clients, sdk: {ec2}} = ctx
  const found = new Map<string, Instance>()
  const missing: string[] = []
  let anyOk = ids.length === 0
  const run = async (batch: string[]): Promise<void> => {
    if (!batch.length) return
    let notFound: string | undefined
    const r = await paginate(t => calls.call('instances', 'ec2:DescribeInstances',
      () => send(clients.ec2, new ec2.DescribeInstancesCommand({InstanceIds: batch, NextToken: t})), {
        resourceIds: batch,
        onError: (code, error) => {
          if (code !== 'InvalidInstanceID.NotFound') return 'gap'
          notFound = String((error as {message?: unknown})?.message ?? '')
          return {value: undefined as never}
        },
      }), p => (p.Reservations ?? []).flatMap(x => x.Instances ?? []), p => p.NextToken)
    for (const i of r.items.map(map.instance)) found.set(i.id, i)
    if (notFound === undefined) {
      if (!r.failedFirst) anyOk = true
      return
    }
    const named = new Set(notFound.match(/\bi-[0-9a-f]+\b/g) ?? [])
    const gone = batch.filter(id => named.has(id))
    if (gone.length) {
      missing.push(...gone)
      if (gone.length === batch.length) anyOk = true
      await run(batch.filter(id => !named.has(id)))
    } else if (batch.length === 1) {
      missing.push(batch[0])
      anyOk = true
    } else {
      const half = Math.ceil(batch.length / 2)
      await Promise.all([run(batch.slice(0, half)), run(batch.slice(half))])
    }
  }
  await Promise.all(chunk(ids, INSTANCE_BATCH).map(run))
  return {instances: [...found.values()], missing: uniq(missing), anyOk}
}

/** The EC2 instances behind the container instances; ids EC2 says do not exist become a note, not a gap. */
export async function readInstances(ctx: CollectContext, instanceIds: string[]): Promise<void> {
  if (!ctx.snapshot.containerInstances) return
  const got = await describeInstances(ctx, instanceIds)
  if (got.anyOk) ctx.snapshot.instances = Object.fromEntries(got.instances.map(i => [i.id, i]))
  // NOTE: absent from `instances` with no gap, so ecs/container-instances-healthy reports "no such instance".
  if (got.missing.length) ctx.notes.push(`EC2 reports no instance ${got.missing.join(', ')} (terminated after the container instances were listed?)`)
}

/** Security groups of mount-target network interfaces not read yet, into `found.eniGroups`. */
export async function fetchEnis(ctx: CollectContext, mts: MountTarget[]): Promise<void> {
  const {calls, clients, sdk: {ec2}, found} = ctx
  const ids = uniq(mts.map(m => m.networkInterfaceId)).filter(id => !found.eniGroups.has(id))
  await Promise.all(chunk(ids, EC2_BATCH).map(batch => paginate(
    t => calls.call('mountTargets', 'ec2:DescribeNetworkInterfaces', () => send(clients.ec2, new ec2.DescribeNetworkInterfacesCommand({
      Filters: [{Name: 'network-interface-id', Values: batch}], NextToken: t, MaxResults: 1000,
    })), {resourceIds: batch}),
    p => p.NetworkInterfaces, p => p.NextToken,
    page => {
      for (const n of page) if (n.NetworkInterfaceId) found.eniGroups.set(n.NetworkInterfaceId, uniq((n.Groups ?? []).map(g => g.GroupId)))
    })))
}

/** Security groups not in the snapshot yet, added to it. */
export async function fetchSecurityGroups(ctx: CollectContext, ids: string[]): Promise<void> {
  const {clients, sdk: {ec2}, snapshot: s} = ctx
  const want = ids.filter(id => !s.securityGroups?.[id])
  if (!want.length && s.securityGroups) return
  const got = await describeByIds(ctx, 'securityGroups', 'ec2:DescribeSecurityGroups', want,
    (b, t) => send(clients.ec2, new ec2.DescribeSecurityGroupsCommand({Filters: [{Name: 'group-id', Values: b}], NextToken: t, MaxResults: 1000})),
    p => p.SecurityGroups, p => p.NextToken, map.securityGroup)
  if (got) s.securityGroups = {...s.securityGroups, ...Object.fromEntries(got.map(g => [g.id, g]))}
}

export async function readSubnets(ctx: CollectContext, subnetIds: string[]): Promise<void> {
  const {clients, sdk: {ec2}, snapshot: s} = ctx
  const got = await describeByIds(ctx, 'subnets', 'ec2:DescribeSubnets', subnetIds,
    (b, t) => send(clients.ec2, new ec2.DescribeSubnetsCommand({Filters: [{Name: 'subnet-id', Values: b}], NextToken: t, MaxResults: 1000})),
    p => p.Subnets, p => p.NextToken, map.subnet)
  if (got) s.subnets = Object.fromEntries(got.map(x => [x.id, x]))
}

/** Network ACLs associated with the subnets (one ACL may serve several; each is kept once). */
export async function readNetworkAcls(ctx: CollectContext, subnetIds: string[]): Promise<void> {
  const {clients, sdk: {ec2}, snapshot: s} = ctx
  const got = await describeByIds(ctx, 'networkAcls', 'ec2:DescribeNetworkAcls', subnetIds,
    // NOTE: DescribeNetworkAcls pages hold at most 100 (other EC2 describes here take 1000).
    (b, t) => send(clients.ec2, new ec2.DescribeNetworkAclsCommand({Filters: [{Name: 'association.subnet-id', Values: b}], NextToken: t, MaxResults: 100})),
    p => p.NetworkAcls, p => p.NextToken, map.networkAcl)
  if (!got) return
  const byId = new Map<string, typeof got[number]>()
  for (const a of got) byId.set(a.id, a)
  s.networkAcls = [...byId.values()]
}

/** VPCs into the snapshot; resolves to the non-default DHCP option set ids they use. */
export async function readVpcs(ctx: CollectContext, vpcIds: string[]): Promise<string[]> {
  const {clients, sdk: {ec2}, snapshot: s} = ctx
  const got = await describeByIds(ctx, 'vpcs', 'ec2:DescribeVpcs', vpcIds,
    (b, t) => send(clients.ec2, new ec2.DescribeVpcsCommand({Filters: [{Name: 'vpc-id', Values: b}], NextToken: t, MaxResults: 1000})),
    p => p.Vpcs, p => p.NextToken, map.vpc)
  if (got) s.vpcs = Object.fromEntries(got.map(v => [v.id, v]))
  return uniq((got ?? []).map(v => v.dhcpOptionsId)).filter(id => id !== 'default')
}

/** enableDnsSupport and enableDnsHostnames of every VPC read (one call per VPC and attribute). */
export async function readVpcDnsAttributes(ctx: CollectContext): Promise<void> {
  const {calls, clients, sdk: {ec2}, snapshot: s} = ctx
  await mapLimit(Object.values(s.vpcs ?? {}).flatMap(v => (['enableDnsSupport', 'enableDnsHostnames'] as const).map(a => [v, a] as const)),
    CONCURRENCY, async ([v, attr]) => {
      const out = await calls.call('vpcs', 'ec2:DescribeVpcAttribute',
        () => send(clients.ec2, new ec2.DescribeVpcAttributeCommand({VpcId: v.id, Attribute: attr})), {resourceIds: [v.id]})
      const value = attr === 'enableDnsSupport' ? out?.EnableDnsSupport?.Value : out?.EnableDnsHostnames?.Value
      if (value !== undefined) v[attr] = value
    })
}

/** Each VPC's DNS servers, from its DHCP option set (`default` means the Amazon-provided DNS, no call needed). */
export async function readDhcpOptions(ctx: CollectContext, dhcpIds: string[]): Promise<void> {
  const {calls, clients, sdk: {ec2}, snapshot: s} = ctx
  if (!dhcpIds.length) {
    for (const v of Object.values(s.vpcs ?? {})) if (v.dhcpOptionsId === 'default') v.domainNameServers = ['AmazonProvidedDNS']
    return
  }
  const out = await calls.call('vpcs', 'ec2:DescribeDhcpOptions', () => send(clients.ec2, new ec2.DescribeDhcpOptionsCommand({
    Filters: [{Name: 'dhcp-options-id', Values: dhcpIds}],
  })), {resourceIds: dhcpIds})
  const servers = new Map<string, string[]>()
  for (const o of out?.DhcpOptions ?? []) {
    const conf = (o.DhcpConfigurations ?? []).find(c => c.Key === 'domain-name-servers')
    servers.set(o.DhcpOptionsId ?? '', uniq((conf?.Values ?? []).map(x => x.Value)))
  }
  for (const v of Object.values(s.vpcs ?? {})) {
    if (v.dhcpOptionsId === 'default') v.domainNameServers = ['AmazonProvidedDNS']
    else if (v.dhcpOptionsId && servers.has(v.dhcpOptionsId)) v.domainNameServers = servers.get(v.dhcpOptionsId)
  }
}

/** AMI ids per ec2:DescribeImages call: a cluster runs a handful, so this is one call. */
const IMAGE_BATCH = 200

/** The names of the instances' AMIs (one batched ec2:DescribeImages), into `found.imageNames`. */
export async function readImages(ctx: CollectContext, imageIds: string[]): Promise<void> {
  const {calls, clients, sdk: {ec2}, found} = ctx
  await Promise.all(chunk(imageIds, IMAGE_BATCH).map(async batch => {
    // NOTE: a failure is a gap of the instances part (the AMIs are the instances' images), naming ec2:DescribeImages
    // and the AMI ids; the instances themselves were read.
    const r = await calls.call('instances', 'ec2:DescribeImages', () => send(clients.ec2, new ec2.DescribeImagesCommand({ImageIds: batch})), {
      resourceIds: batch,
      // NOTE: a deregistered AMI fails the whole call with InvalidAMIID.*: its instances' image stays unknown.
      onError: code => code.startsWith('InvalidAMIID.') ? {value: undefined as never} : 'gap',
    })
    for (const img of r?.Images ?? []) if (img.ImageId && img.Name) found.imageNames.set(img.ImageId, img.Name)
  }))
}

/**
 * Each UserData's image: the kind its instances' AMI names say (src/core/images.ts), when they all say the same
 * known kind. Instances on different or unknown images leave it unset, so the checks say unknown, never fail.
 */
export function imagesOfUserData(ctx: CollectContext): void {
  for (const ud of ctx.found.userData.values()) {
    const names = ud.instanceIds.map(id => ctx.snapshot.instances?.[id]?.imageId).map(ami => ami === undefined ? undefined : ctx.found.imageNames.get(ami))
    if (names.length === 0 || names.some(n => n === undefined)) continue
    const kinds = uniq(names.map(n => imageKindOf(n)))
    if (kinds.length === 1 && kinds[0] !== 'unknown') ud.image = {kind: kinds[0], name: uniq(names).join(', ')}
  }
}

/** Records one UserData script (decoded) and points the instances that booted with it at it. */
export function recordUserData(ctx: CollectContext, id: string, source: UserData['source'], base64: string | undefined, instanceIds: string[]): void {
  ctx.found.userData.set(id, {id, source, instanceIds, text: base64 ? decodeUserData(base64) : ''})
  for (const iid of instanceIds) {
    const inst = ctx.snapshot.instances?.[iid]
    if (inst) inst.userDataId = id
  }
}

/** Where each instance's UserData is read from: its launch template version, or (outside any Auto Scaling group) its own attribute. */
export function userDataSources(instances: Instance[]): {byTemplate: Map<string, Map<string, string[]>>; byAttribute: string[]} {
  const byTemplate = new Map<string, Map<string, string[]>>()
  const byAttribute: string[] = []
  for (const i of instances) {
    if (i.launchTemplate) {
      const versions = byTemplate.get(i.launchTemplate.id) ?? new Map<string, string[]>()
      versions.set(i.launchTemplate.version, [...(versions.get(i.launchTemplate.version) ?? []), i.id])
      byTemplate.set(i.launchTemplate.id, versions)
    } else if (!i.autoScalingGroupName) {
      byAttribute.push(i.id)
    }
  }
  return {byTemplate, byAttribute}
}

/** UserData of the launch template versions instances were launched from (one call per template, all its versions). */
export async function readLaunchTemplateUserData(ctx: CollectContext, byTemplate: Map<string, Map<string, string[]>>): Promise<void> {
  const {calls, clients, sdk: {ec2}} = ctx
  await mapLimit([...byTemplate], CONCURRENCY, async ([ltId, versions]) => {
    const vs = [...versions.keys()]
    const r = await paginate(t => calls.call('userData', 'ec2:DescribeLaunchTemplateVersions',
      () => send(clients.ec2, new ec2.DescribeLaunchTemplateVersionsCommand({LaunchTemplateId: ltId, Versions: vs, NextToken: t})),
      {resourceIds: [ltId]}), p => p.LaunchTemplateVersions, p => p.NextToken)
    for (const v of r.items) {
      const version = String(v.VersionNumber ?? '')
      const ids = versions.get(version) ?? (v.DefaultVersion ? versions.get('$Default') : undefined) ?? []
      recordUserData(ctx, `launch-template:${ltId}:${version}`, {type: 'launch-template', id: ltId, version}, v.LaunchTemplateData?.UserData, ids)
    }
  })
}

/** UserData from each instance's own userData attribute (one call per instance). */
export async function fetchInstanceUserData(ctx: CollectContext, ids: string[]): Promise<void> {
  const {calls, clients, sdk: {ec2}} = ctx
  await mapLimit(ids, CONCURRENCY, async id => {
    const out = await calls.call('userData', 'ec2:DescribeInstanceAttribute',
      () => send(clients.ec2, new ec2.DescribeInstanceAttributeCommand({InstanceId: id, Attribute: 'userData'})), {resourceIds: [id]})
    if (out) recordUserData(ctx, `instance:${id}`, {type: 'instance', id}, out.UserData?.Value, [id])
  })
}
