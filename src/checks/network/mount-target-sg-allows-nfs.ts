/**
 * The mount target's security groups must admit TCP 2049 from every client, by a reference to one of the client's
 * groups or by a CIDR containing its private IP. It is evaluated per instance, because a CIDR that covers one subnet
 * but not another breaks only some hosts. When nothing admits the client, the mount hangs for about two minutes and
 * then fails with `mount.nfs4: Connection timed out` (efs-utils with TLS: "connection reset by peer"); ECS tasks stop
 * with `ResourceInitializationError: failed to invoke EFS utils commands`. For awsvpc services with
 * `efsVolumeConfiguration` (EC2 or Fargate) the client is the task ENI, so the service's task security groups and
 * subnets are evaluated too: an SG reference to a task group, or a CIDR containing the whole task subnet.
 */
import {defineCheck, fail, pass, passFor, unknown} from '../../core/define-check.js'
import {clientIps, perServedPair} from '../_lib/nfs-pairs.js'
import {describeUnresolved, snapshotSgVerdict} from '../_lib/security-groups.js'
import {evaluateIngressFromSubnet, perTaskClientSubnet, templateClients} from '../_lib/task-clients.js'
import {ambiguousHost, evaluateTemplateSgs, isTemplateMode, mountTargetsBySgs, sgResource, sgSetKey} from '../_lib/template-network.js'
import type {Outcome} from '../../core/types.js'
import type {Snapshot} from '../../model/snapshot.js'
import {shellCommand} from '../../core/shell.js'

/** Lint: each host resource against the security-group sets of the mount targets of the file systems it mounts. */
function fromTemplate(s: Snapshot): Outcome[] {
  return templateClients(s).flatMap(h => !h.fileSystems ? [ambiguousHost(s, h, 'mount-target ingress')] : mountTargetsBySgs(s, h.fileSystems).map(mts => {
    const r = sgResource(s, mts.groupIds, {type: 'efs-mount-target', id: mts.mountTargetIds[0]})
    const who = `mount target${mts.mountTargetIds.length > 1 ? 's' : ''} ${mts.mountTargetIds.join(', ')} (${mts.groupIds.join(', ') || 'no security groups'})`
    const ev = {mountTargets: mts.mountTargetIds, mountTargetSecurityGroups: mts.groupIds, host: h.id, hostSecurityGroups: h.groupIds, hostSubnets: h.subnetIds}
    const key = {host: h.id, mountTargetSecurityGroups: sgSetKey(mts.groupIds)}
    const v = evaluateTemplateSgs(s, mts.groupIds, 'ingress', {groupIds: h.groupIds, subnetIds: h.subnetIds})
    if (v.status === 'allowed') return pass(r, `${v.allowedBy!.groupId} admits TCP 2049 from the ${h.who} via ${v.allowedBy!.source} (${who}).`, {evidence: {...ev, allowedBy: v.allowedBy}, key})
    if (v.status === 'unknown') return unknown(r, `Whether ${who} admit TCP 2049 from the ${h.who} (${h.groupIds.join(', ') || 'no security groups'}) is not known from the template: ${v.unresolved.join('; ')}.`, {evidence: {...ev, unresolved: v.unresolved}, key})
    const mtSg = r.type === 'security-group' ? r.id : '<EfsSecurityGroup>'
    const hostSg = h.groupIds[0] ?? '<HostSecurityGroup>'
    const subnets = v.uncoveredSubnets.length ? ` (no rule covers subnet${v.uncoveredSubnets.length > 1 ? 's' : ''} ${v.uncoveredSubnets.join(', ')})` : ''
    return fail(r, `${who} admit no TCP 2049 from the ${h.who} (${h.groupIds.join(', ') || 'no security groups'})${subnets}: mounts will time out.`,
      {summary: `Add a SecurityGroupIngress {IpProtocol: tcp, FromPort: 2049, ToPort: 2049, SourceSecurityGroupId: !Ref ${hostSg}} to ${mtSg} (or an AWS::EC2::SecurityGroupIngress resource with GroupId: !Ref ${mtSg}).`},
      {evidence: ev, key})
  }))
}

/** Live: each awsvpc task client against the mount target in each of its subnets' AZ. */
function fromTaskClients(s: Snapshot): Outcome[] {
  return perTaskClientSubnet(s, (c, subnet, mt, r) => {
    const svc = c.service.name
    const taskSgs = c.securityGroupIds.join(', ')
    const ev = {service: svc, fileSystemId: c.fsId, subnet: subnet.id, subnetCidr: subnet.cidr, mountTargetId: mt.id,
      mountTargetSecurityGroups: mt.securityGroupIds, taskSecurityGroups: c.securityGroupIds}
    if (!mt.securityGroupIds) {
      return unknown(r, `Security groups of mount target ${mt.id} were not read (elasticfilesystem:DescribeMountTargetSecurityGroups / ec2:DescribeNetworkInterfaces), so access from the tasks of service ${svc} in ${subnet.id} is unknown.`, {evidence: ev})
    }
    const v6 = mt.ipv6Address ? subnet.ipv6Cidrs : undefined
    const v = evaluateIngressFromSubnet(mt.securityGroupIds, s.securityGroups ?? {}, {groupIds: c.securityGroupIds, subnetCidr: subnet.cidr, subnetIpv6Cidrs: v6})
    if (v.status === 'allowed') {
      return pass(r, `${mt.id} (${v.allowedBy!.groupId}) admits TCP 2049 from the task ENIs of service ${svc} (${taskSgs}) in ${subnet.id} via ${v.allowedBy!.source}.`, {evidence: {...ev, allowedBy: v.allowedBy}})
    }
    if (v.status === 'unknown') {
      return unknown(r, `No rule on ${mt.securityGroupIds.join(', ')} (${mt.id}) is known to admit the task ENIs of service ${svc} (${taskSgs}) in ${subnet.id}; could not evaluate: ${v.unresolved.join('; ')}.`, {evidence: {...ev, unresolved: v.unresolved}})
    }
    const mtSg = mt.securityGroupIds[0] ?? '<mount-target-sg>'
    const taskSg = c.securityGroupIds[0]
    const why = v.status === 'partial'
      ? `: ${v.partialCidrs.join(', ')} cover${v.partialCidrs.length > 1 ? '' : 's'} only part of subnet ${subnet.id} (${subnet.cidr}), and task IPs can be anywhere in it`
      : ''
    return fail(r, `Mount target ${mt.id} (${mt.securityGroupIds.join(', ') || 'no security groups'}) does not admit TCP 2049 from the task ENIs of service ${svc} (awsvpc, ${taskSgs}) in subnet ${subnet.id}${why}: its EFS volumes fail to mount (ResourceInitializationError).`,
      {summary: `Allow TCP 2049 into ${mtSg} from the task security group ${taskSg} of service ${svc} (for awsvpc tasks the instance's group does not count).`,
        command: shellCommand(['aws', 'ec2', 'authorize-security-group-ingress', '--group-id', mtSg, '--protocol', 'tcp', '--port', '2049', '--source-group', taskSg])},
      {evidence: {...ev, partialCidrs: v.partialCidrs}})
  })
}

export const mountTargetSgAllowsNfs = defineCheck({
  id: 'network/mount-target-sg-allows-nfs',
  title: 'Mount-target security groups admit TCP 2049 from every container instance',
  severity: 'error',
  description: 'Without an inbound TCP 2049 rule matching the client (the instance, or the task ENI for awsvpc tasks with EFS volumes), the mount hangs and fails with `mount.nfs4: Connection timed out`. Each instance is judged against the mount target of its AZ, or the one its UserData mounts by IP (`10.0.1.25:/`, `mounttargetip=`) wherever that is.',
  remediation: 'Add an inbound TCP 2049 rule to the mount-target security group whose source is the instances\' security group (for awsvpc tasks with EFS volumes: the task security group).',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/network-access.html',
  needs: ['containerInstances', 'instances', 'mountTargets', 'securityGroups', 'subnets'],
  templateNeeds: [],
  run(s) {
    if (isTemplateMode(s)) return fromTemplate(s)
    const instances = perServedPair(s, (fs, i, mt, r) => {
      const ev = {fileSystemId: fs.id, mountTargetId: mt.id, mountTargetSecurityGroups: mt.securityGroupIds, instanceSecurityGroups: i.securityGroupIds, privateIp: i.privateIp}
      if (!mt.securityGroupIds) {
        return unknown(r, `Security groups of mount target ${mt.id} were not read (elasticfilesystem:DescribeMountTargetSecurityGroups / ec2:DescribeNetworkInterfaces), so access from ${i.id} is unknown.`, {evidence: ev})
      }
      const ips = clientIps(i, mt)
      const v = snapshotSgVerdict(s, mt.securityGroupIds, 'ingress', {ips, groupIds: i.securityGroupIds})
      if (v.status === 'allowed') {
        return passFor(s, r, () => `${mt.id} (${v.allowedBy!.groupId}) admits TCP 2049 from ${i.id} via ${v.allowedBy!.source}.`, () => ({evidence: {...ev, allowedBy: v.allowedBy}}))
      }
      if (v.status === 'unknown') {
        return unknown(r, `No rule on ${mt.securityGroupIds.join(', ')} (${mt.id}) is known to admit ${i.id} (${ips.join(', ')}); could not evaluate ${describeUnresolved(v)}.`, {evidence: {...ev, ...v}})
      }
      const mtSg = mt.securityGroupIds[0] ?? '<mount-target-sg>'
      const clientSg = i.securityGroupIds[0] ?? '<instance-sg>'
      return fail(r, `Mount target ${mt.id} (${mt.securityGroupIds.join(', ') || 'no security groups'}) does not admit TCP 2049 from ${i.id} (${ips.join(', ') || 'no IP'}, ${i.securityGroupIds.join(', ') || 'no security groups'}): mounts time out.`,
        {summary: `Allow TCP 2049 into ${mtSg} from the instances' security group ${clientSg}.`,
          command: shellCommand(['aws', 'ec2', 'authorize-security-group-ingress', '--group-id', mtSg, '--protocol', 'tcp', '--port', '2049', '--source-group', clientSg])},
        {evidence: ev})
    })
    return [...instances, ...fromTaskClients(s)]
  },
})
