/**
 * Clients that mount by the EFS DNS name (efs-utils by file-system id, the ECS volume plugin, or an
 * `fs-….efs.<region>.amazonaws.com` name in UserData/fstab) need the VPC's Amazon resolver: `enableDnsSupport` and
 * `enableDnsHostnames` on, and DHCP options that use AmazonProvidedDNS (or a custom resolver that forwards
 * `efs.<region>.amazonaws.com` to it). Otherwise every mount fails with
 * `mount.nfs: Failed to resolve server fs-….efs.<region>.amazonaws.com: Name or service not known`, even though the
 * mount targets exist. IP-only mounts do not care, so they pass with a note.
 */
import {defineCheck, fail, pass, unknown} from '../../core/define-check.js'
import type {Outcome, Resource} from '../../core/types.js'
import {tdLabel, type Snapshot} from '../../model/snapshot.js'
import {efsVolumesOf, mountsIn, mountsOfFs} from '../_lib/mount-usage.js'
import {activeInstances} from '../_lib/scope.js'
import {isTemplateMode, templateFileSystemIds} from '../_lib/template-network.js'
import {templateClients} from '../_lib/task-clients.js'
import {shellAnd, shellCommand} from '../../core/shell.js'

/** Why we think clients resolve the EFS DNS name; `byIpOnly` when the snapshot shows only IP mounts. */
function dnsUsage(s: Snapshot): {reasons: string[]; byIpOnly: boolean} {
  const reasons: string[] = []
  let ipMounts = 0
  for (const {id} of s.scope.fileSystems) {
    for (const v of efsVolumesOf(s, id)) reasons.push(`task definition ${tdLabel(v.taskDefinition)} volume "${v.volume.name}" (efs-utils resolves ${id} by DNS)`)
    for (const m of mountsOfFs(s, id)) {
      if (m.byDnsName) reasons.push(`UserData ${m.userDataId} line ${m.line} mounts ${m.host} by DNS name`)
      else ipMounts++
    }
  }
  // NOTE: task definitions that were not read may hold efsVolumeConfiguration volumes (resolved by DNS), so "IP only"
  // needs them seen.
  return {reasons, byIpOnly: reasons.length === 0 && ipMounts > 0 && s.taskDefinitions !== undefined}
}

/**
 * Lint: mounts in template UserData name the file system by `${FileSystem}` / an EFS DNS name rather than `fs-…`,
 * so any efs-utils mount or `.efs.` host counts as by name; the VPCs are those of the hosts' and mount targets' subnets.
 * `undeclared`: the subnets of hosts and mount targets the template does not declare (parameters, imports); `mounts`:
 * how many mounts the template's UserData makes.
 */
function templateDnsUsage(s: Snapshot): {reasons: string[]; byIpOnly: boolean; vpcIds: string[]; undeclared: string[]; mounts: number} {
  const u = dnsUsage(s)
  let ipMounts = 0
  const mounts = (s.userData ?? []).flatMap(u => mountsIn(s, u))
  for (const m of mounts) {
    if (m.byDnsName && (m.type === 'efs' || m.host.includes('.efs.'))) u.reasons.push(`UserData ${m.userDataId} line ${m.line} mounts ${m.host} by DNS name`)
    else if (!m.byDnsName) ipMounts++
  }
  const subnetIds = [...new Set([...templateClients(s).flatMap(h => h.subnetIds), ...(s.template?.mountTargets ?? []).map(mt => mt.subnetId)])]
  const vpcIds = [...new Set(subnetIds.map(id => s.subnets?.[id]?.vpcId).filter((v): v is string => v !== undefined))]
  const reasons = [...new Set(u.reasons)]
  return {reasons, byIpOnly: reasons.length === 0 && ipMounts > 0, vpcIds, undeclared: subnetIds.filter(id => !s.subnets?.[id]), mounts: mounts.length}
}

function fromTemplate(s: Snapshot) {
  const usage = templateDnsUsage(s)
  // NOTE: a template with no file system, mount target or EFS mount (a bastion stack) asks nothing of DNS: skipped.
  if (templateFileSystemIds(s).length === 0 && usage.reasons.length === 0 && usage.mounts === 0) return []
  // NOTE: subnets from parameters or imports (`${Select:0:Subnets}`, `${ImportValue:…}`) are one finding, not one per
  // subnet: their VPC (one, as a file system's mount targets share it) is simply not in the template.
  const outside: Outcome[] = usage.undeclared.length === 0 ? [] : [usage.byIpOnly
    ? pass(TEMPLATE(s), 'Hosts mount by mount-target IP only (per UserData), so VPC DNS settings do not affect them.')
    : unknown(TEMPLATE(s), `The VPC of subnet${usage.undeclared.length > 1 ? 's' : ''} ${listSubnets(usage.undeclared)} is not declared in this template (${usage.undeclared.length > 1 ? 'they come' : 'it comes'} from a parameter, condition or import), so its DNS settings are not known.`,
      {evidence: {subnets: usage.undeclared}})]
  return [...outside, ...usage.vpcIds.map(id => {
    const r: Resource = {type: 'vpc', id}
    const vpc = s.vpcs?.[id]
    if (usage.byIpOnly) return pass(r, 'Hosts mount by mount-target IP only (per UserData), so VPC DNS settings do not affect them.')
    if (!vpc) return unknown(r, `VPC ${id} is not declared in this template, so its DNS settings are not known.`)
    const who = usage.reasons.length ? ` Hosts resolve the EFS name: ${usage.reasons.slice(0, 3).join('; ')}${usage.reasons.length > 3 ? '; …' : ''}.` : ' How hosts mount is not known from the template, so DNS is assumed.'
    const ev = {enableDnsSupport: vpc.enableDnsSupport, enableDnsHostnames: vpc.enableDnsHostnames, dhcpOptionsId: vpc.dhcpOptionsId, domainNameServers: vpc.domainNameServers, dnsUsage: usage.reasons}
    const off = (['enableDnsSupport', 'enableDnsHostnames'] as const).filter(k => vpc[k] === false)
    if (off.length) {
      const prop = (k: string) => (k === 'enableDnsSupport' ? 'EnableDnsSupport' : 'EnableDnsHostnames')
      return fail(r, `VPC ${id} has ${off.map(k => `${prop(k)} false${k === 'enableDnsHostnames' ? ' (the CloudFormation default when unset)' : ''}`).join(' and ')}: EFS DNS names will not resolve (\`Failed to resolve\`).${who}`,
        {summary: `Set ${off.map(k => `${prop(k)}: true`).join(' and ')} on ${id} (or mount by mount-target IP).`}, {evidence: ev})
    }
    const dns = vpc.domainNameServers
    if (dns && !dns.some(d => d.toLowerCase() === 'amazonprovideddns')) {
      return fail(r, `VPC ${id} uses DHCP options ${vpc.dhcpOptionsId ?? ''} with custom DNS servers (${dns.join(', ')}): they must forward efs.<region>.amazonaws.com to the VPC resolver, or mounts by name fail.${who}`,
        {summary: `Add AmazonProvidedDNS to DomainNameServers of ${vpc.dhcpOptionsId ?? 'the DHCP options'}, or confirm the resolver forwards efs.<region>.amazonaws.com to the VPC resolver.`}, {severity: 'warning', evidence: ev})
    }
    const missing = [vpc.enableDnsSupport === undefined && 'EnableDnsSupport', vpc.enableDnsHostnames === undefined && 'EnableDnsHostnames', dns === undefined && `DNS servers of DHCP options ${vpc.dhcpOptionsId ?? ''}`].filter(Boolean)
    if (missing.length) return unknown(r, `VPC ${id}: ${missing.join(', ')} not known from the template (parameter, condition or import).`, {evidence: ev})
    return pass(r, `VPC ${id} has EnableDnsSupport and EnableDnsHostnames true and uses AmazonProvidedDNS.${who}`, {evidence: ev})
  })]
}

const TEMPLATE = (s: Snapshot): Resource => ({type: 'cloudformation-resource', id: s.scope.template ?? 'template'})
const listSubnets = (ids: readonly string[]): string => ids.length > 6 ? `${ids.slice(0, 6).join(', ')} and ${ids.length - 6} more` : ids.join(', ')

export const vpcDns = defineCheck({
  id: 'network/vpc-dns',
  title: 'The VPC resolves EFS DNS names (DNS support, DNS hostnames, Amazon resolver)',
  severity: 'error',
  description: 'With VPC DNS support or hostnames off, or a resolver that does not forward to Amazon DNS, mounts by name fail with `Failed to resolve server fs-….efs.<region>.amazonaws.com`.',
  remediation: 'Enable enableDnsSupport and enableDnsHostnames on the VPC and use AmazonProvidedDNS in its DHCP options (or forward efs.<region>.amazonaws.com to the VPC resolver); or mount by mount-target IP.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/mounting-fs-mount-cmd-dns-name.html',
  needs: ['vpcs', 'containerInstances', 'instances'],
  templateNeeds: [],
  run(s) {
    if (isTemplateMode(s)) return fromTemplate(s)
    const region = s.scope.region ?? '<region>'
    const usage = dnsUsage(s)
    const vpcIds = [...new Set(activeInstances(s).map(({instance: i}) => i.vpcId ?? s.subnets?.[i.subnetId ?? '']?.vpcId).filter((v): v is string => Boolean(v)))]
    return vpcIds.map(id => {
      const r: Resource = {type: 'vpc', id}
      const vpc = s.vpcs?.[id]
      if (usage.byIpOnly) return pass(r, `Clients mount by mount-target IP only (per UserData), so VPC DNS settings do not affect them.`)
      if (!vpc) return unknown(r, `VPC ${id} was not described (ec2:DescribeVpcs), so its DNS settings are unknown.`)
      const who = usage.reasons.length ? ` Clients resolve the EFS name: ${usage.reasons.slice(0, 3).join('; ')}${usage.reasons.length > 3 ? '; …' : ''}.` : ' How clients mount is not known from the snapshot, so DNS is assumed.'
      const ev = {enableDnsSupport: vpc.enableDnsSupport, enableDnsHostnames: vpc.enableDnsHostnames, dhcpOptionsId: vpc.dhcpOptionsId, domainNameServers: vpc.domainNameServers, dnsUsage: usage.reasons}
      const off = (['enableDnsSupport', 'enableDnsHostnames'] as const).filter(k => vpc[k] === false)
      if (off.length) {
        const flag = (k: string) => (k === 'enableDnsSupport' ? '--enable-dns-support' : '--enable-dns-hostnames')
        return fail(r, `VPC ${id} has ${off.map(k => `${k}=false`).join(' and ')}: EFS DNS names do not resolve (\`Failed to resolve\`).${who}`,
          {summary: `Turn on ${off.join(' and ')} for ${id} (or mount by mount-target IP).`,
            command: shellAnd(off.map(k => ['aws', 'ec2', 'modify-vpc-attribute', '--vpc-id', id, flag(k), '{"Value":true}']))},
          {evidence: ev})
      }
      const dns = vpc.domainNameServers
      if (dns && !dns.some(d => d.toLowerCase() === 'amazonprovideddns')) {
        return fail(r, `VPC ${id} uses custom DNS servers (${dns.join(', ')}) from ${vpc.dhcpOptionsId ?? 'its DHCP options'}: they must forward efs.${region}.amazonaws.com to the VPC resolver, or mounts by name fail.${who}`,
          {summary: `Confirm the custom resolver forwards efs.${region}.amazonaws.com to the Amazon resolver (VPC CIDR base + 2), or add AmazonProvidedDNS to the DHCP options.`,
            command: shellCommand(['aws', 'ec2', 'describe-dhcp-options', '--dhcp-options-ids', vpc.dhcpOptionsId ?? '<dopt-id>'])},
          {severity: 'warning', evidence: ev})
      }
      const missing = [vpc.enableDnsSupport === undefined && 'enableDnsSupport (ec2:DescribeVpcAttribute)', vpc.enableDnsHostnames === undefined && 'enableDnsHostnames (ec2:DescribeVpcAttribute)', dns === undefined && 'DHCP domain-name-servers (ec2:DescribeDhcpOptions)'].filter(Boolean)
      if (missing.length) return unknown(r, `VPC ${id}: could not read ${missing.join(', ')}.`, {evidence: ev})
      return pass(r, `VPC ${id} has DNS support and hostnames on and uses AmazonProvidedDNS.${who}`, {evidence: ev})
    })
  },
})
