/**
 * The instance's own security groups must let TCP 2049 out to its mount target. Default groups allow all egress,
 * but hardened ones often allow only 443; then the mount times out exactly as if the mount-target group were wrong
 * (`mount.nfs4: Connection timed out`). Only the client side's egress matters: security groups are stateful, and the
 * mount target's own egress rules are never consulted, so they are not checked.
 */
import {defineCheck, fail, pass, unknown} from '../../core/define-check.js'
import {res} from '../_lib/scope.js'
import {mountTargetIps, noMountTarget, nfsPairs} from '../_lib/nfs-pairs.js'
import {describeUnresolved, evaluateSgs} from '../_lib/security-groups.js'

export const clientSgEgressNfs = defineCheck({
  id: 'network/client-sg-egress-nfs',
  title: 'Container-instance security groups allow outbound TCP 2049 to the mount target',
  severity: 'error',
  description: 'A client security group without egress to TCP 2049 makes mounts hang and fail with `mount.nfs4: Connection timed out`.',
  remediation: 'Add an egress rule for TCP 2049 to the mount-target security group on the instances\' security group.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/network-access.html',
  needs: ['containerInstances', 'instances', 'mountTargets', 'securityGroups', 'subnets'],
  run(s) {
    return nfsPairs(s).map(p => {
      const {fs, instance: i, mt} = p
      if (!mt) return noMountTarget(p)
      const r = res.instance(i)
      const ips = mountTargetIps(mt)
      const ev = {fileSystemId: fs.id, mountTargetId: mt.id, mountTargetIps: ips, instanceSecurityGroups: i.securityGroupIds}
      const v = evaluateSgs(i.securityGroupIds, s.securityGroups ?? {}, 'egress', {ips, groupIds: mt.securityGroupIds})
      if (v.status === 'allowed') {
        return pass(r, `${i.id} may send TCP 2049 to ${mt.id} (${v.allowedBy!.groupId} egress to ${v.allowedBy!.source}).`, {evidence: {...ev, allowedBy: v.allowedBy}})
      }
      if (v.status === 'unknown') {
        return unknown(r, `No egress rule on ${i.securityGroupIds.join(', ')} is known to reach ${mt.id} (${ips.join(', ') || 'IP unknown'}) from ${i.id}; could not evaluate ${describeUnresolved(v)}.`, {evidence: {...ev, ...v}})
      }
      const clientSg = i.securityGroupIds[0] ?? '<instance-sg>'
      const target = mt.securityGroupIds?.[0]
      const peer = target ? `UserIdGroupPairs=[{GroupId=${target}}]` : `IpRanges=[{CidrIp=${mt.ipAddress ?? '<mount-target-ip>'}/32}]`
      return fail(r, `Security groups ${i.securityGroupIds.join(', ') || '(none)'} of ${i.id} allow no outbound TCP 2049 to ${mt.id} (${ips.join(', ')}): mounts time out.`,
        {summary: `Allow egress TCP 2049 from ${clientSg} to ${target ?? `the mount target IP ${mt.ipAddress ?? ''}`}.`,
          command: `aws ec2 authorize-security-group-egress --group-id ${clientSg} --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,${peer}'`},
        {evidence: ev})
    })
  },
})
