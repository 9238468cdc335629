/**
 * The small inventory `efsdoctor mount --instance …` needs when no cluster is named: the instances, their subnets
 * (AZ ids), their VPCs' DNS settings and the file system's mount targets. Same snapshot shapes and gap rules as the
 * full collector; a failed call leaves a gap and the mount plan falls back (IP, or efs-utils' own resolution).
 */
import {UsageError} from '../core/errors.js'
import {resolveEndpoint, sdk, send, type AwsClients} from './aws-clients.js'
import {Calls} from './call.js'
import * as map from './map.js'
import {SNAPSHOT_SCHEMA_VERSION, type Snapshot} from '../model/snapshot.js'

/** The IAM actions this collector calls (all also in INVENTORY_ACTIONS). */
export const COLLECT_FOR_MOUNT_ACTIONS: readonly string[] = [
  'ec2:DescribeInstances', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ec2:DescribeVpcAttribute', 'ec2:DescribeDhcpOptions',
  'elasticfilesystem:DescribeMountTargets',
]

export async function collectForMount(clients: Pick<AwsClients, 'ec2' | 'efs'>, opts: {
  instanceIds: string[]
  fileSystemId: string
  region?: string
}): Promise<Snapshot> {
  const [ec2, efs, endpoint] = await Promise.all([sdk.ec2(), sdk.efs(), resolveEndpoint(clients.efs)])
  const calls = new Calls({region: opts.region, endpoint})
  const s: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION, collectedAt: new Date().toISOString(), tool: {name: 'efsdoctor', version: '0'},
    scope: {source: 'aws', region: opts.region, fileSystems: [{id: opts.fileSystemId, reasons: ['--file-system']}]},
    gaps: [],
  }
  const [described, mts] = await Promise.all([
    calls.call('instances', 'ec2:DescribeInstances',
      () => send(clients.ec2, new ec2.DescribeInstancesCommand({InstanceIds: opts.instanceIds})), {
        onError: code => {
          if (code === 'InvalidInstanceID.NotFound' || code === 'InvalidInstanceID.Malformed') {
            throw new UsageError(`instance not found: ${opts.instanceIds.join(', ')} (${code})`)
          }
          return 'gap'
        },
      }),
    calls.call('mountTargets', 'elasticfilesystem:DescribeMountTargets',
      () => send(clients.efs, new efs.DescribeMountTargetsCommand({FileSystemId: opts.fileSystemId})), {
        onError: code => {
          if (code === 'FileSystemNotFound') throw new UsageError(`file system ${opts.fileSystemId} not found (FileSystemNotFound)`)
          return 'gap'
        },
      }),
  ])
  if (mts) s.mountTargets = (mts.MountTargets ?? []).map(map.mountTarget)
  if (described) {
    s.instances = {}
    for (const r of described.Reservations ?? []) for (const i of r.Instances ?? []) s.instances[i.InstanceId ?? ''] = map.instance(i)
  }
  const instances = Object.values(s.instances ?? {})
  const subnetIds = [...new Set(instances.map(i => i.subnetId).filter((x): x is string => Boolean(x)))]
  const vpcIds = [...new Set(instances.map(i => i.vpcId).filter((x): x is string => Boolean(x)))]
  const [subnets, vpcs] = await Promise.all([
    subnetIds.length ? calls.call('subnets', 'ec2:DescribeSubnets', () => send(clients.ec2, new ec2.DescribeSubnetsCommand({SubnetIds: subnetIds}))) : undefined,
    vpcIds.length ? calls.call('vpcs', 'ec2:DescribeVpcs', () => send(clients.ec2, new ec2.DescribeVpcsCommand({VpcIds: vpcIds}))) : undefined,
  ])
  if (subnets) s.subnets = Object.fromEntries((subnets.Subnets ?? []).map(x => [x.SubnetId ?? '', map.subnet(x)]))
  if (vpcs) {
    s.vpcs = Object.fromEntries((vpcs.Vpcs ?? []).map(x => [x.VpcId ?? '', map.vpc(x)]))
    await Promise.all(Object.values(s.vpcs).flatMap(v => [
      (['enableDnsSupport', 'enableDnsHostnames'] as const).map(async attr => {
        const out = await calls.call('vpcs', 'ec2:DescribeVpcAttribute',
          () => send(clients.ec2, new ec2.DescribeVpcAttributeCommand({VpcId: v.id, Attribute: attr})), {resourceIds: [v.id]})
        const value = attr === 'enableDnsSupport' ? out?.EnableDnsSupport?.Value : out?.EnableDnsHostnames?.Value
        if (value !== undefined) v[attr] = value
      }),
      (async () => {
        if (!v.dhcpOptionsId || v.dhcpOptionsId === 'default') return
        const out = await calls.call('vpcs', 'ec2:DescribeDhcpOptions',
          () => send(clients.ec2, new ec2.DescribeDhcpOptionsCommand({DhcpOptionsIds: [v.dhcpOptionsId!]})), {resourceIds: [v.id]})
        const conf = out?.DhcpOptions?.[0]?.DhcpConfigurations?.find(c => c.Key === 'domain-name-servers')
        if (conf) v.domainNameServers = (conf.Values ?? []).map(x => x.Value ?? '').filter(Boolean)
      })(),
    ].flat()))
  }
  s.gaps = calls.gaps
  return s
}
