/**
 * The instance's own security groups must let TCP 2049 out to its mount target. Default groups allow all egress,
 * but hardened ones often allow only 443; then the mount times out exactly as if the mount-target group were wrong
 * (`mount.nfs4: Connection timed out`). Only the client side's egress matters: security groups are stateful, and the
 * mount target's own egress rules are never consulted, so they are not checked. For awsvpc services with
 * `efsVolumeConfiguration` (EC2 or Fargate) the client is the task ENI, so the task security groups' egress is
 * checked towards the mount target in each task subnet's AZ as well.
 */
import {defineCheck, fail, pass, passFor, unknown} from '../../core/define-check.js'
import {mountTargetIps, perServedPair} from '../_lib/nfs-pairs.js'
import {describeUnresolved, evaluateSgs, snapshotSgVerdict} from '../_lib/security-groups.js'
import {perTaskClientSubnet, templateClients} from '../_lib/task-clients.js'
import {ambiguousHost, evaluateTemplateSgs, isTemplateMode, mountTargetsBySgs, sgResource, sgSetKey} from '../_lib/template-network.js'
import type {Outcome} from '../../core/types.js'
import type {Snapshot} from '../../model/snapshot.js'
import {shellCommand} from '../../core/shell.js'

/**
 * Lint: each host resource's groups against the group sets of the mount targets of the file systems it mounts. A template group with no egress listed (or
 * an empty list) has CloudFormation's allow-all egress rule; only a listed egress rule restricts it.
 */
function fromTemplate(s: Snapshot): Outcome[] {
  return templateClients(s).flatMap(h => !h.fileSystems ? [ambiguousHost(s, h, 'host egress')] : mountTargetsBySgs(s, h.fileSystems).map(mts => {
    const r = sgResource(s, h.groupIds, {type: 'cloudformation-resource', id: h.id})
    const ev = {host: h.id, hostSecurityGroups: h.groupIds, mountTargets: mts.mountTargetIds, mountTargetSecurityGroups: mts.groupIds}
    const key = {host: h.id, mountTargetSecurityGroups: sgSetKey(mts.groupIds)}
    const to = `mount target${mts.mountTargetIds.length > 1 ? 's' : ''} ${mts.mountTargetIds.join(', ')}`
    // NOTE: a mount target's address is one IP in its subnet, so a CIDR covering only part of the subnet is unknown.
    const v = evaluateTemplateSgs(s, h.groupIds, 'egress', {groupIds: mts.groupIds, subnetIds: [...new Set(mts.subnetIds)]}, 'unknown')
    if (v.status === 'allowed') return pass(r, `${v.allowedBy!.groupId} (${h.who}) may send TCP 2049 to ${to} via ${v.allowedBy!.source}.`, {evidence: {...ev, allowedBy: v.allowedBy}, key})
    if (v.status === 'unknown') return unknown(r, `Whether the ${h.who} (${h.groupIds.join(', ') || 'no security groups'}) may send TCP 2049 to ${to} is not known from the template: ${v.unresolved.join('; ') || 'a CIDR covers only part of a mount-target subnet'}.`, {evidence: {...ev, unresolved: v.unresolved}, key})
    const hostSg = r.type === 'security-group' ? r.id : '<HostSecurityGroup>'
    const mtSg = mts.groupIds[0] ?? '<EfsSecurityGroup>'
    return fail(r, `Egress rules of ${h.groupIds.join(', ') || '(no groups)'} (${h.who}) allow no TCP 2049 to ${to}${v.uncoveredSubnets.length ? ` in ${v.uncoveredSubnets.join(', ')}` : ''}: mounts will time out.`,
      {summary: `Add a SecurityGroupEgress {IpProtocol: tcp, FromPort: 2049, ToPort: 2049, DestinationSecurityGroupId: !Ref ${mtSg}} to ${hostSg} (or an AWS::EC2::SecurityGroupEgress resource with GroupId: !Ref ${hostSg}).`},
      {evidence: ev, key})
  }))
}

/** Live: each awsvpc task client's security groups towards the mount target in each of its subnets' AZ. */
function fromTaskClients(s: Snapshot): Outcome[] {
  return perTaskClientSubnet(s, (c, subnet, mt, r) => {
    const svc = c.service.name
    const taskSgs = c.securityGroupIds.join(', ')
    const ips = mountTargetIps(mt)
    const ev = {service: svc, fileSystemId: c.fsId, subnet: subnet.id, mountTargetId: mt.id, mountTargetIps: ips, taskSecurityGroups: c.securityGroupIds}
    const v = evaluateSgs(c.securityGroupIds, s.securityGroups ?? {}, 'egress', {ips, groupIds: mt.securityGroupIds})
    if (v.status === 'allowed') {
      return pass(r, `Task ENIs of service ${svc} in ${subnet.id} may send TCP 2049 to ${mt.id} (${v.allowedBy!.groupId} egress to ${v.allowedBy!.source}).`, {evidence: {...ev, allowedBy: v.allowedBy}})
    }
    if (v.status === 'unknown') {
      return unknown(r, `No egress rule on the task security groups ${taskSgs} of service ${svc} is known to reach ${mt.id} (${ips.join(', ') || 'IP unknown'}) from ${subnet.id}; could not evaluate ${describeUnresolved(v)}.`, {evidence: {...ev, ...v}})
    }
    const taskSg = c.securityGroupIds[0]
    const target = mt.securityGroupIds?.[0]
    const peer = target ? `UserIdGroupPairs=[{GroupId=${target}}]` : `IpRanges=[{CidrIp=${mt.ipAddress ?? '<mount-target-ip>'}/32}]`
    return fail(r, `Task security groups ${taskSgs} of service ${svc} (awsvpc) allow no outbound TCP 2049 from subnet ${subnet.id} to mount target ${mt.id} (${ips.join(', ')}): its EFS volumes fail to mount (ResourceInitializationError).`,
      {summary: `Allow egress TCP 2049 from the task security group ${taskSg} of service ${svc} to ${target ?? `the mount target IP ${mt.ipAddress ?? ''}`}.`,
        command: shellCommand(['aws', 'ec2', 'authorize-security-group-egress', '--group-id', taskSg, '--ip-permissions', `IpProtocol=tcp,FromPort=2049,ToPort=2049,${peer}`])},
      {evidence: ev})
  })
}

export const clientSgEgressNfs = defineCheck({
  id: 'network/client-sg-egress-nfs',
  title: 'Container-instance security groups allow outbound TCP 2049 to the mount target',
  severity: 'error',
  description: 'A client security group (the instance\'s, or the task ENI\'s for awsvpc tasks with EFS volumes) without egress to TCP 2049 makes mounts hang and fail with `mount.nfs4: Connection timed out`.',
  remediation: 'Add an egress rule for TCP 2049 to the mount-target security group on the instances\' security group (for awsvpc tasks with EFS volumes: on the task security group).',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/network-access.html',
  needs: ['containerInstances', 'instances', 'mountTargets', 'securityGroups', 'subnets'],
  templateNeeds: [],
  run(s) {
    if (isTemplateMode(s)) return fromTemplate(s)
    const instances = perServedPair(s, (fs, i, mt, r) => {
      const ips = mountTargetIps(mt)
      const ev = {fileSystemId: fs.id, mountTargetId: mt.id, mountTargetIps: ips, instanceSecurityGroups: i.securityGroupIds}
      const v = snapshotSgVerdict(s, i.securityGroupIds, 'egress', {ips, groupIds: mt.securityGroupIds})
      if (v.status === 'allowed') {
        return passFor(s, r, () => `${i.id} may send TCP 2049 to ${mt.id} (${v.allowedBy!.groupId} egress to ${v.allowedBy!.source}).`, () => ({evidence: {...ev, allowedBy: v.allowedBy}}))
      }
      if (v.status === 'unknown') {
        return unknown(r, `No egress rule on ${i.securityGroupIds.join(', ')} is known to reach ${mt.id} (${ips.join(', ') || 'IP unknown'}) from ${i.id}; could not evaluate ${describeUnresolved(v)}.`, {evidence: {...ev, ...v}})
      }
      const clientSg = i.securityGroupIds[0] ?? '<instance-sg>'
      const target = mt.securityGroupIds?.[0]
      const peer = target ? `UserIdGroupPairs=[{GroupId=${target}}]` : `IpRanges=[{CidrIp=${mt.ipAddress ?? '<mount-target-ip>'}/32}]`
      return fail(r, `Security groups ${i.securityGroupIds.join(', ') || '(none)'} of ${i.id} allow no outbound TCP 2049 to ${mt.id} (${ips.join(', ')}): mounts time out.`,
        {summary: `Allow egress TCP 2049 from ${clientSg} to ${target ?? `the mount target IP ${mt.ipAddress ?? ''}`}.`,
          command: shellCommand(['aws', 'ec2', 'authorize-security-group-egress', '--group-id', clientSg, '--ip-permissions', `IpProtocol=tcp,FromPort=2049,ToPort=2049,${peer}`])},
        {evidence: ev})
    })
    return [...instances, ...fromTaskClients(s)]
  },
})
