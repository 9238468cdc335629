/**
 * The file system's DNS name must resolve on the host, to the mount target in the host's own AZ. It resolves only
 * where that AZ has a mount target and the VPC has DNS support and hostnames on; otherwise mounts fail with
 * `Failed to resolve "fs-….efs.<region>.amazonaws.com"`. Facts are cross-checked with the control plane so the
 * finding names the real cause (a missing mount target rather than "DNS").
 */
import {defineCheck, fail, passFor, skipped, unknown} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import {fsIdIn, perProbedHost} from '../_lib/host.js'
import {mountTargetForInstance, mountTargetsOf, scopedFileSystems} from '../_lib/scope.js'
import {shellAnd, shellCommand} from '../../core/shell.js'

export const dnsResolves = defineCheck({
  id: 'host/dns-resolves',
  title: 'The file system DNS name resolves on the host, to the mount target in its AZ',
  severity: 'error',
  description: 'Mounts by fs id or DNS name fail with `Failed to resolve "fs-….efs.<region>.amazonaws.com"` when the name does not resolve: no mount target in the AZ, VPC DNS off, or a custom resolver.',
  remediation: 'Create a mount target in the instance AZ, turn on enableDnsSupport and enableDnsHostnames, and make the VPC resolver (AmazonProvidedDNS) answer; or mount by mount-target IP.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/troubleshooting-efs-mounting.html',
  needs: ['hostFacts'],
  run(s) {
    const scoped = scopedFileSystems(s)
    return perProbedHost(s, (i, f, r) => {
      const out: Outcome[] = []
      if (f.dns.length === 0) {
        return scoped.length > 0
          ? unknown(r, `The probe on ${i.id} was not asked to resolve any file system DNS name.`)
          : skipped(r, `No file system in scope to resolve on ${i.id}.`)
      }
      for (const d of f.dns) {
        const fsId = fsIdIn(d.name)
        const mt = fsId ? mountTargetForInstance(s, fsId, i) : undefined
        const ev = {name: d.name, status: d.status, ipv4: d.ipv4, ipv6: d.ipv6, mountTargetId: mt?.id, mountTargetIp: mt?.ipAddress}
        const key = {dnsName: d.name}
        if (d.status === 'ok') {
          const ips = [...d.ipv4, ...d.ipv6]
          if (mt?.ipAddress && !ips.includes(mt.ipAddress)) {
            out.push(fail(r, `${d.name} resolves on ${i.id} to ${ips.join(', ')}, not to ${mt.id} (${mt.ipAddress}) in ${i.azName ?? 'its AZ'}: a stale /etc/hosts entry or a resolver override; mounts go to another AZ or to a deleted mount target.`,
              {summary: `Remove the override (grep ${fsId} /etc/hosts) or point it at ${mt.ipAddress}.`}, {evidence: ev, key, severity: 'warning'}))
          } else {
            out.push(passFor(s, r, () => `${d.name} resolves on ${i.id} to ${ips.join(', ')}${mt ? ` (${mt.id})` : ''}.`, () => ({evidence: ev, key})))
          }
          continue
        }
        const how = d.status === 'timeout' ? 'did not resolve in time' : 'does not resolve'
        if (fsId && s.mountTargets && !mt) {
          const others = mountTargetsOf(s, fsId).filter(x => x.lifeCycleState === 'available')
          const sgs = [...new Set(others.flatMap(x => x.securityGroupIds ?? []))]
          out.push(fail(r, `${d.name} ${how} on ${i.id} because ${fsId} has no available mount target in ${i.azName ?? 'its AZ'} (subnet ${i.subnetId ?? '?'}); the name only resolves in AZs with a mount target.`,
            {summary: `Create a mount target for ${fsId} in ${i.azName ?? 'the instance AZ'} (see efs/mount-target-per-az).`,
              command: shellCommand(['aws', 'efs', 'create-mount-target', '--file-system-id', fsId, '--subnet-id', i.subnetId ?? '<subnet-id>', ...(sgs.length ? ['--security-groups', ...sgs] : [])])},
            {evidence: ev, key}))
          continue
        }
        const vpc = i.vpcId ? s.vpcs?.[i.vpcId] : undefined
        const off = [vpc?.enableDnsSupport === false ? 'enableDnsSupport' : '', vpc?.enableDnsHostnames === false ? 'enableDnsHostnames' : ''].filter(Boolean)
        if (vpc && off.length > 0) {
          out.push(fail(r, `${d.name} ${how} on ${i.id}: ${off.join(' and ')} ${off.length > 1 ? 'are' : 'is'} off on ${vpc.id} (see network/vpc-dns).`,
            {summary: `Turn on ${off.join(' and ')} on ${vpc.id}.`,
              command: shellAnd(off.map(a => ['aws', 'ec2', 'modify-vpc-attribute', '--vpc-id', vpc.id, `--${a === 'enableDnsSupport' ? 'enable-dns-support' : 'enable-dns-hostnames'}`, '{"Value":true}']))},
            {evidence: ev, key}))
          continue
        }
        out.push(fail(r, `${d.name} ${how} on ${i.id} although ${mt ? `${mt.id} serves its AZ` : 'the control plane looks right'}: the host resolver is not answering for it (custom DNS servers in /etc/resolv.conf or DHCP options, or the mount target was created in the last 90 seconds).`,
          {summary: `Make the host use the VPC resolver (AmazonProvidedDNS, 169.254.169.253) or forward ${'efs.<region>.amazonaws.com'} to it; as a stopgap mount by IP${mt?.ipAddress ? ` (mounttargetip=${mt.ipAddress})` : ''}.`},
          {evidence: ev, key}))
      }
      return out
    })
  },
})
