/**
 * The mount target's security groups must admit TCP 2049 from every client, by a reference to one of the client's
 * groups or by a CIDR containing its private IP. It is evaluated per instance, because a CIDR that covers one subnet
 * but not another breaks only some hosts. When nothing admits the client, the mount hangs for about two minutes and
 * then fails with `mount.nfs4: Connection timed out` (efs-utils with TLS: "connection reset by peer"); ECS tasks stop
 * with `ResourceInitializationError: failed to invoke EFS utils commands`.
 */
import {defineCheck, fail, pass, unknown} from '../../core/define-check.js'
import {res} from '../_lib/scope.js'
import {clientIps, noMountTarget, nfsPairs} from '../_lib/nfs-pairs.js'
import {describeUnresolved, evaluateSgs} from '../_lib/security-groups.js'

export const mountTargetSgAllowsNfs = defineCheck({
  id: 'network/mount-target-sg-allows-nfs',
  title: 'Mount-target security groups admit TCP 2049 from every container instance',
  severity: 'error',
  description: 'Without an inbound TCP 2049 rule matching the instance, the mount hangs and fails with `mount.nfs4: Connection timed out`.',
  remediation: 'Add an inbound TCP 2049 rule to the mount-target security group whose source is the instances\' security group.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/network-access.html',
  needs: ['containerInstances', 'instances', 'mountTargets', 'securityGroups', 'subnets'],
  run(s) {
    return nfsPairs(s).map(p => {
      const {fs, instance: i, mt} = p
      if (!mt) return noMountTarget(p)
      const r = res.instance(i)
      const ev = {fileSystemId: fs.id, mountTargetId: mt.id, mountTargetSecurityGroups: mt.securityGroupIds, instanceSecurityGroups: i.securityGroupIds, privateIp: i.privateIp}
      if (!mt.securityGroupIds) {
        return unknown(r, `Security groups of mount target ${mt.id} were not read (elasticfilesystem:DescribeMountTargetSecurityGroups / ec2:DescribeNetworkInterfaces), so access from ${i.id} is unknown.`, {evidence: ev})
      }
      const ips = clientIps(i, mt)
      const v = evaluateSgs(mt.securityGroupIds, s.securityGroups ?? {}, 'ingress', {ips, groupIds: i.securityGroupIds})
      if (v.status === 'allowed') {
        return pass(r, `${mt.id} (${v.allowedBy!.groupId}) admits TCP 2049 from ${i.id} via ${v.allowedBy!.source}.`, {evidence: {...ev, allowedBy: v.allowedBy}})
      }
      if (v.status === 'unknown') {
        return unknown(r, `No rule on ${mt.securityGroupIds.join(', ')} (${mt.id}) is known to admit ${i.id} (${ips.join(', ')}); could not evaluate ${describeUnresolved(v)}.`, {evidence: {...ev, ...v}})
      }
      const mtSg = mt.securityGroupIds[0] ?? '<mount-target-sg>'
      const clientSg = i.securityGroupIds[0] ?? '<instance-sg>'
      return fail(r, `Mount target ${mt.id} (${mt.securityGroupIds.join(', ') || 'no security groups'}) does not admit TCP 2049 from ${i.id} (${ips.join(', ') || 'no IP'}, ${i.securityGroupIds.join(', ') || 'no security groups'}): mounts time out.`,
        {summary: `Allow TCP 2049 into ${mtSg} from the instances' security group ${clientSg}.`,
          command: `aws ec2 authorize-security-group-ingress --group-id ${mtSg} --protocol tcp --port 2049 --source-group ${clientSg}`},
        {evidence: ev})
    })
  },
})
