/**
 * A real TCP connect from the host to port 2049 of the mount target in its AZ. It separates network problems
 * (security groups, NACLs, routes, host firewall: `mount.nfs4: Connection timed out`) from authorization problems
 * (`access denied by server`), whatever the rules appear to say.
 */
import {defineCheck, fail, passFor, skipped, unknown} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import {ownAzTcp, perProbedHost} from '../_lib/host.js'
import {shellCommand} from '../../core/shell.js'

export const port2049Reachable = defineCheck({
  id: 'host/port-2049-reachable',
  title: 'The host can open TCP 2049 to the mount target in its AZ',
  severity: 'error',
  description: 'When the connect times out, mounts hang for about two minutes and fail with `Connection timed out`; an existing mount hangs.',
  remediation: 'Allow TCP 2049 from the instance security group in the mount-target security group, allow it out of the instance group, and check the NACLs of both subnets (return traffic too).',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/network-access.html',
  needs: ['hostFacts'],
  run(s) {
    const mts = s.mountTargets ?? []
    return perProbedHost(s, (i, f, r) => {
      const out: Outcome[] = []
      // NOTE: the probe connects to every mount target of the run; only those of this instance's AZ count here.
      const {tcp, served} = ownAzTcp(s, i, f)
      if (tcp.length === 0) {
        return served.length > 0
          ? unknown(r, `The probe on ${i.id} did not connect to ${served.map(mt => `${mt.id} (${mt.ipAddress ?? '?'})`).join(', ')}, the mount target of its AZ.`)
          : skipped(r, `No mount target serves ${i.id}'s AZ, so there is nothing to connect to (see efs/mount-target-per-az).`)
      }
      for (const t of tcp) {
        const mt = mts.find(m => m.ipAddress === t.ip || m.ipv6Address === t.ip)
        const name = mt ? `${mt.id} (${t.ip})` : t.ip
        const ev = {ip: t.ip, port: t.port, status: t.status, mountTargetId: mt?.id, instanceSecurityGroups: i.securityGroupIds,
          mountTargetSecurityGroups: mt?.securityGroupIds}
        if (t.status === 'open') {
          out.push(passFor(s, r, () => `${i.id} connects to ${name} on TCP ${t.port}.`, () => ({evidence: ev, key: {ip: t.ip}})))
        } else if (t.status === 'timeout') {
          const mtSg = mt?.securityGroupIds?.[0]
          const hostSg = i.securityGroupIds[0]
          out.push(fail(r, `TCP ${t.port} from ${i.id} to ${name} times out: packets are dropped by a security group (${mt?.securityGroupIds?.join(', ') ?? 'mount target'} inbound, ${i.securityGroupIds.join(', ') || 'instance'} outbound), a NACL, or a route. Mounts fail with "Connection timed out".`,
            {summary: `Allow TCP ${t.port} from ${hostSg ?? 'the instance security group'} in ${mtSg ?? 'the mount-target security group'}; then check network/nacl-allows-nfs and network/client-sg-egress-nfs.`,
              command: mtSg && hostSg ? shellCommand(['aws', 'ec2', 'authorize-security-group-ingress', '--group-id', mtSg, '--protocol', 'tcp', '--port', String(t.port), '--source-group', hostSg]) : undefined},
            {evidence: ev, key: {ip: t.ip}}))
        } else if (t.status === 'refused') {
          out.push(fail(r, `TCP ${t.port} from ${i.id} to ${name} is refused (a reset came back): ${mt ? 'a host firewall rule (iptables/nftables REJECT) is likely' : `${t.ip} is not a mount target of this file system`}.`,
            {summary: mt ? `Look for a REJECT rule on ${i.id}: sudo iptables -S OUTPUT; sudo nft list ruleset.` : 'Mount by the file system DNS name or the IP of the mount target in this AZ.'},
            {evidence: ev, key: {ip: t.ip}}))
        } else {
          out.push(unknown(r, `The connect from ${i.id} to ${name} could not be tried on the host.`, {evidence: ev, key: {ip: t.ip}}))
        }
      }
      return out
    })
  },
})
