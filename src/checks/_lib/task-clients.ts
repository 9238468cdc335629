/**
 * awsvpc task clients: for a task definition in `awsvpc` mode (EC2 or Fargate) with an `efsVolumeConfiguration`
 * volume, the ECS agent / volume plugin mounts EFS inside the task's network namespace, so the NFS client is the task
 * ENI — the service's awsvpcConfiguration subnets and security groups, not the container instance's. Host bind
 * mounts (`host.sourcePath`) are still mounted by the instance whatever the network mode, so they do not count here.
 */
import {keyed, skipped, unknown} from '../../core/define-check.js'
import {memo} from '../../core/memo.js'
import type {Outcome, Resource} from '../../core/types.js'
import type {MountTarget, SecurityGroup, Service, Snapshot, Subnet, TaskDefinition} from '../../model/snapshot.js'
import {fileSystemRefs, mountTargetInAz} from './scope.js'
import {NFS_PORT, ruleCoversTcpPort} from './security-groups.js'
import {taskDefinitionOf, tdId} from './task-definitions.js'
import {cidrRelation, templateHosts, type TemplateHost} from './template-network.js'

export interface TaskClient {
  service: Service
  taskDefinition: TaskDefinition
  fsId: string
  /** From the service's awsvpcConfiguration; empty when the service recorded none. */
  subnetIds: string[]
  securityGroupIds: string[]
}

const runsInAwsvpc = (svc: Service, td: TaskDefinition): boolean =>
  td.networkMode === 'awsvpc' || svc.launchType === 'FARGATE' || (td.requiresCompatibilities ?? []).includes('FARGATE')

/** One entry per (service, file system in scope) whose task ENI is the NFS client. */
export function awsvpcTaskClients(s: Snapshot): TaskClient[] {
  const inScope = new Set(fileSystemRefs(s).map(fs => fs.id))
  const out: TaskClient[] = []
  for (const service of s.services ?? []) {
    const td = taskDefinitionOf(s, service)
    if (!td || !runsInAwsvpc(service, td)) continue
    const fsIds = [...new Set(td.volumes.map(v => v.efsVolumeConfiguration?.fileSystemId).filter((id): id is string => id !== undefined && inScope.has(id)))]
    for (const fsId of fsIds) {
      out.push({service, taskDefinition: td, fsId, subnetIds: service.subnetIds ?? [], securityGroupIds: service.securityGroupIds ?? []})
    }
  }
  return out
}

export const serviceRes = (svc: Service): Resource => ({type: 'ecs-service', id: svc.name, arn: svc.arn?.startsWith('arn:') ? svc.arn : undefined})

export interface SubnetSgVerdict {
  status: 'allowed' | 'partial' | 'blocked' | 'unknown'
  allowedBy?: {groupId: string; source: string}
  /** Port-matching CIDR rules that contain only part of the subnet. */
  partialCidrs: string[]
  /** What could not be evaluated, in words. */
  unresolved: string[]
}

/**
 * Does any of `groupIds` admit TCP 2049 from every address of a subnet whose ENIs carry `peerGroupIds`? A group
 * reference to one of the peer's groups admits them all; a CIDR must contain the whole subnet CIDR, because task IPs
 * can be anywhere in it. `unknown` only when nothing admitted them and something could not be evaluated.
 */
export function evaluateIngressFromSubnet(
  groupIds: readonly string[],
  groups: Readonly<Record<string, SecurityGroup>>,
  peer: {groupIds: string[]; subnetCidr?: string; subnetIpv6Cidrs?: string[]},
): SubnetSgVerdict {
  const partialCidrs: string[] = []
  const unresolved: string[] = []
  for (const gid of groupIds) {
    const sg = groups[gid]
    if (!sg) {
      unresolved.push(`security group ${gid} is missing from the snapshot (ec2:DescribeSecurityGroups)`)
      continue
    }
    for (const rule of sg.ingress) {
      if (!ruleCoversTcpPort(rule, NFS_PORT)) continue
      const byGroup = rule.groupIds.find(g => peer.groupIds.includes(g))
      if (byGroup) return {status: 'allowed', allowedBy: {groupId: gid, source: byGroup}, partialCidrs: [], unresolved: []}
      const subnetCidrs = [peer.subnetCidr, ...(peer.subnetIpv6Cidrs ?? [])].filter((c): c is string => Boolean(c))
      for (const c of [...rule.ipv4Cidrs, ...rule.ipv6Cidrs]) {
        if (!peer.subnetCidr) {
          unresolved.push(`CIDR ${c} on ${gid} cannot be compared: the subnet's CIDR is not known`)
          continue
        }
        const rel = subnetCidrs.map(sc => cidrRelation(c, sc))
        if (rel.includes('covers')) return {status: 'allowed', allowedBy: {groupId: gid, source: c}, partialCidrs: [], unresolved: []}
        if (rel.includes('partial')) partialCidrs.push(c)
        else if (rel.includes('unknown')) unresolved.push(`CIDR ${c} on ${gid} could not be parsed`)
      }
      unresolved.push(...rule.prefixListIds.map(p => `prefix list ${p} on ${gid} whose entries were not collected`))
    }
  }
  const status = unresolved.length ? 'unknown' : partialCidrs.length ? 'partial' : 'blocked'
  return {status, partialCidrs, unresolved}
}

/**
 * One outcome per (awsvpc task client, service subnet), like perServedPair for instances: unknown when the service's
 * awsvpc subnets or groups were not recorded or a subnet was not read; skipped (efs/mount-target-per-az owns it) when
 * no available mount target serves the subnet's AZ; else what `each` says about the subnet and its mount target.
 * Keyed by file system and task subnet.
 */
export function perTaskClientSubnet(s: Snapshot, each: (c: TaskClient, subnet: Subnet, mt: MountTarget, r: Resource) => Outcome): Outcome[] {
  return awsvpcTaskClients(s).flatMap(c => {
    const r = serviceRes(c.service)
    const who = `Service ${c.service.name} (${tdId(c.taskDefinition)}, awsvpc: its task ENIs are the NFS clients of ${c.fsId})`
    const ev = {service: c.service.name, taskDefinition: tdId(c.taskDefinition), fileSystemId: c.fsId, taskSubnets: c.subnetIds, taskSecurityGroups: c.securityGroupIds}
    const missing = [c.subnetIds.length ? '' : 'subnets', c.securityGroupIds.length ? '' : 'security groups'].filter(Boolean)
    if (missing.length) {
      return [unknown(r, `${who}: its awsvpcConfiguration ${missing.join(' and ')} were not recorded (ecs:DescribeServices networkConfiguration), so NFS access from its tasks cannot be evaluated.`, {evidence: ev, key: {fileSystem: c.fsId}})]
    }
    const pairOutcome = (subnetId: string): Outcome => {
      const subnet = s.subnets?.[subnetId]
      if (!subnet) return unknown(r, `${who}: task subnet ${subnetId} is not in the snapshot (ec2:DescribeSubnets), so its AZ and CIDR are unknown.`, {evidence: {...ev, subnet: subnetId}})
      const mt = mountTargetInAz(s, c.fsId, subnet)
      if (!mt) {
        return skipped(r, `Tasks of service ${c.service.name} in subnet ${subnetId} (${subnet.azId ?? subnet.azName ?? 'AZ unknown'}) have no available mount target of ${c.fsId} in their AZ; see efs/mount-target-per-az.`,
          {evidence: {...ev, subnet: subnetId}})
      }
      return each(c, subnet, mt, r)
    }
    return c.subnetIds.map(subnetId => keyed(pairOutcome(subnetId), {fileSystem: c.fsId, subnet: subnetId}))
  })
}

/**
 * The template's NFS clients: its hosts (templateHosts), and each service whose tasks run in awsvpc mode (Fargate, or
 * EC2 with networkMode awsvpc) with an efsVolumeConfiguration volume: their task ENIs mount EFS, with the service's
 * awsvpcConfiguration security groups and subnets (task-clients.ts). Without them a Fargate-only template had no
 * client, and the network checks had nothing to judge.
 */
export function templateClients(s: Snapshot): TemplateHost[] {
  return memo(s, 'templateClients', () => {
    const services = new Map<string, TemplateHost>()
    for (const c of awsvpcTaskClients(s)) {
      const id = c.service.arn ?? c.service.name
      const known = services.get(id)
      if (known) known.fileSystems = [...new Set([...known.fileSystems ?? [], c.fsId])]
      else services.set(id, {id, who: `tasks of service ${id}`, groupIds: c.securityGroupIds, subnetIds: c.subnetIds, fileSystems: [c.fsId]})
    }
    return [...templateHosts(s), ...services.values()]
  })
}
