/**
 * Network ACLs are stateless: when the instance and its mount target sit in different subnets, both subnets' ACLs
 * must pass TCP 2049 one way and the return traffic the other way (first matching rule number wins). The return
 * leg goes to the client's source port: the Linux NFS client uses a privileged port (665–1023) unless mounted with
 * `noresvport` (efs-utils always adds it), so the usual "1024-65535" return rule silently breaks plain NFS mounts.
 * A drop looks exactly like a security-group problem: `mount.nfs4: Connection timed out`, and `nc -z <ip> 2049`
 * times out too. Same-subnet traffic never crosses an ACL. For awsvpc services with `efsVolumeConfiguration` the
 * client is the task ENI, which can take any address of its subnet, so an ACL entry must cover the whole task subnet;
 * in `lint`, declared hosts (their Auto Scaling group subnets) are evaluated against declared mount-target subnets.
 */
import {defineCheck, fail, pass, passFor, skipped, unknown} from '../../core/define-check.js'
import {memo} from '../../core/memo.js'
import type {Outcome, Resource} from '../../core/types.js'
import type {Instance, MountTarget, NetworkAcl, Snapshot} from '../../model/snapshot.js'
import {efsVolumesOf, mountsIn, mountsOfFs, mountUsesNoresvport, userDataOf} from '../_lib/mount-usage.js'
import {userDataById} from '../_lib/usage.js'
import {evaluateNacl, evaluateNaclRange, formatPorts, naclForSubnet, type PortRange} from '../_lib/nacl.js'
import {perServedPair} from '../_lib/nfs-pairs.js'
import {perTaskClientSubnet, templateClients} from '../_lib/task-clients.js'
import {ambiguousHost, isTemplateMode, sameAz, type TemplateHost} from '../_lib/template-network.js'
import {shellCommand} from '../../core/shell.js'

const EPHEMERAL: PortRange = [32768, 60999] // Linux default ip_local_port_range (noresvport, TLS proxy)
const PRIVILEGED: PortRange = [665, 1023] // sunrpc min/max_resvport defaults (no noresvport)

/** true/false when the snapshot shows how this instance mounts the file system; undefined when it cannot tell. */
function noresvport(s: Snapshot, fsId: string, i: Instance): boolean | undefined {
  const ud = userDataOf(s, i)
  // NOTE: the answer depends on the script and the file system only: once per pair of them in a run, not per instance.
  const cache = memo(s, 'noresvport', () => new Map<string, boolean | undefined>())
  const key = `${ud?.id ?? ''}\u0000${fsId}`
  if (cache.has(key)) return cache.get(key)
  const mounts = ud ? mountsOfFs(s, fsId, [ud]) : []
  const v = mounts.length ? mounts.every(mountUsesNoresvport) : efsVolumesOf(s, fsId).length > 0 ? true : undefined
  cache.set(key, v)
  return v
}

/** One direction of one subnet's ACL: `peerCidr` is the remote end's range (a whole subnet, or a /32) the fix allows. */
interface RangeLeg { acl: NetworkAcl; subnetId: string; egress: boolean; peerCidr: string; ports: PortRange; what: string }

/** An instance leg is evaluated for the instance's own address `peerIp`; its fix still allows the whole `peerCidr`. */
interface Leg extends RangeLeg { peerIp: string }

interface RangeBlock { leg: RangeLeg; rule: number | '*'; ports: PortRange; partialCidrs: string[] }

const returnRanges = (nrp: boolean | undefined): PortRange[] => (nrp === true ? [EPHEMERAL] : nrp === false ? [PRIVILEGED] : [EPHEMERAL, PRIVILEGED])
const rangeKind = (r: PortRange): string => (r === PRIVILEGED ? 'privileged source ports (mount without noresvport)' : 'ephemeral source ports (noresvport/efs-utils)')

/**
 * A free rule number just before the blocking `rule` (or before the implicit deny) in the leg's direction, and not one
 * of `taken` (numbers already given to other new entries there).
 */
function ruleNumberBefore(leg: RangeLeg, rule: number | '*', taken: Iterable<number> = []): number {
  const used = new Set([...leg.acl.entries.filter(e => e.egress === leg.egress).map(e => e.ruleNumber), ...taken])
  let n = (rule === '*' ? 32767 : rule) - 1
  while (n > 1 && used.has(n)) n--
  return n
}

/**
 * The rule number a fix gives an entry: free in its ACL and direction, before the blocking rule, and not one an
 * earlier fix of this run gave another entry there (rule numbers are unique per ACL and direction: a second
 * `create-network-acl-entry` with the same number fails with NetworkAclEntryAlreadyExists). The same entry gets the
 * same number wherever it is suggested. One table per check run.
 */
function fixRuleNumber(s: Snapshot, leg: RangeLeg, rule: number | '*'): number {
  const given = memo(s, 'naclFixRuleNumbers', () => new Map<string, Map<string, number>>())
  const side = `${leg.acl.id}\0${leg.egress}`
  const mine = given.get(side) ?? given.set(side, new Map()).get(side)!
  const entry = `${leg.peerCidr}\0${leg.ports.join('-')}`
  let n = mine.get(entry)
  if (n === undefined) mine.set(entry, n = ruleNumberBefore(leg, rule, mine.values()))
  return n
}

function fixCommand(s: Snapshot, b: RangeBlock): string {
  const leg = b.leg
  return shellCommand(['aws', 'ec2', 'create-network-acl-entry', '--network-acl-id', leg.acl.id, leg.egress ? '--egress' : '--ingress',
    '--rule-number', String(fixRuleNumber(s, leg, b.rule)), '--protocol', 'tcp', '--port-range', `From=${leg.ports[0]},To=${leg.ports[1]}`,
    '--cidr-block', leg.peerCidr, '--rule-action', 'allow'])
}

function legs(s: Snapshot, i: Instance, mt: MountTarget, ca: NetworkAcl, ma: NetworkAcl, ranges: PortRange[]): Leg[] {
  const cIp = i.privateIp!
  const mIp = mt.ipAddress!
  const cCidr = s.subnets?.[i.subnetId!]?.cidr ?? `${cIp}/32`
  const mCidr = `${mIp}/32`
  const out: Leg[] = [
    {acl: ca, subnetId: i.subnetId!, egress: true, peerIp: mIp, peerCidr: mCidr, ports: [2049, 2049], what: `outbound TCP 2049 to ${mIp}`},
    {acl: ma, subnetId: mt.subnetId, egress: false, peerIp: cIp, peerCidr: cCidr, ports: [2049, 2049], what: `inbound TCP 2049 from ${cIp}`},
  ]
  for (const r of ranges) {
    out.push({acl: ma, subnetId: mt.subnetId, egress: true, peerIp: cIp, peerCidr: cCidr, ports: r, what: `return traffic to ${cIp} ports ${formatPorts(r)}, ${rangeKind(r)}`})
    out.push({acl: ca, subnetId: i.subnetId!, egress: false, peerIp: mIp, peerCidr: mCidr, ports: r, what: `return traffic from ${mIp} to ports ${formatPorts(r)}, ${rangeKind(r)}`})
  }
  return out
}

/** Evaluates every leg over its whole peer range: the blocked ones, and why any could not be evaluated. */
function evaluateRangeLegs(legs: RangeLeg[]): {blocked: RangeBlock[]; unresolved: string[]} {
  const blocked: RangeBlock[] = []
  const unresolved: string[] = []
  for (const leg of legs) {
    const v = evaluateNaclRange(leg.acl, leg.egress, leg.peerCidr, leg.ports)
    if (v.status === 'blocked') blocked.push({leg, rule: v.rule, ports: v.ports, partialCidrs: v.partialCidrs})
    else if (v.status === 'unknown') unresolved.push(`${leg.what}: ${v.reason}`)
  }
  return {blocked, unresolved}
}

/** `acl (subnet) rule N drops …`, naming allow entries that cover only part of the peer subnet. */
function describeBlock(b: RangeBlock, peerSubnet?: {id: string; cidr: string}): string {
  const ports = b.ports[0] !== b.leg.ports[0] || b.ports[1] !== b.leg.ports[1] ? ` (ports ${formatPorts(b.ports)})` : ''
  const partial = b.partialCidrs.length && peerSubnet
    ? ` (${b.partialCidrs.join(', ')} cover${b.partialCidrs.length > 1 ? '' : 's'} only part of subnet ${peerSubnet.id} (${peerSubnet.cidr}), and its addresses can be anywhere in it)`
    : ''
  return `${b.leg.acl.id} (${b.leg.subnetId}) rule ${b.rule} drops ${b.leg.what}${ports}${partial}`
}

/**
 * awsvpc task clients: the task ENI (any address of the task subnet) against the mount target in the subnet's AZ.
 * NOTE: efsVolumeConfiguration volumes are mounted through efs-utils, which always adds noresvport, so only the
 * ephemeral return range applies.
 */
function fromTaskClients(s: Snapshot): Outcome[] {
  return perTaskClientSubnet(s, (c, subnet, mt, r) => {
    const svc = c.service.name
    const ev = {service: svc, fileSystemId: c.fsId, subnet: subnet.id, subnetCidr: subnet.cidr, mountTargetId: mt.id}
    if (subnet.id === mt.subnetId) return pass(r, `Tasks of service ${svc} in ${subnet.id} share the subnet of ${mt.id}: network ACLs do not apply.`, {evidence: ev})
    const ca = naclForSubnet(s, subnet.id)
    const ma = naclForSubnet(s, mt.subnetId)
    if (!subnet.cidr || !mt.ipAddress || !ca || !ma) {
      const missing = [!subnet.cidr && `CIDR of ${subnet.id}`, !mt.ipAddress && 'mount-target IP', !ca && `ACL of ${subnet.id}`, !ma && `ACL of ${mt.subnetId}`].filter(Boolean)
      return unknown(r, `Cannot evaluate network ACLs between the tasks of service ${svc} in ${subnet.id} and ${mt.id} (${mt.subnetId}): missing ${missing.join(', ')}.`, {evidence: ev})
    }
    const mIp = mt.ipAddress
    const mCidr = `${mIp}/32`
    const tasks = `tasks in ${subnet.id} (${subnet.cidr})`
    const kind = 'ephemeral source ports (efs-utils uses noresvport)'
    const legs: RangeLeg[] = [
      {acl: ca, subnetId: subnet.id, egress: true, peerCidr: mCidr, ports: [2049, 2049], what: `outbound TCP 2049 to ${mIp}`},
      {acl: ma, subnetId: mt.subnetId, egress: false, peerCidr: subnet.cidr, ports: [2049, 2049], what: `inbound TCP 2049 from ${tasks}`},
      {acl: ma, subnetId: mt.subnetId, egress: true, peerCidr: subnet.cidr, ports: EPHEMERAL, what: `return traffic to ${tasks} ports ${formatPorts(EPHEMERAL)}, ${kind}`},
      {acl: ca, subnetId: subnet.id, egress: false, peerCidr: mCidr, ports: EPHEMERAL, what: `return traffic from ${mIp} to ports ${formatPorts(EPHEMERAL)}, ${kind}`},
    ]
    const {blocked, unresolved} = evaluateRangeLegs(legs)
    const aclEv = {...ev, clientAcl: ca.id, mountTargetAcl: ma.id, noresvport: true}
    if (blocked.length === 0 && unresolved.length === 0) {
      return pass(r, `Network ACLs ${ca.id} and ${ma.id} pass NFS between the tasks of service ${svc} in ${subnet.id} and ${mt.id} both ways.`, {evidence: aclEv})
    }
    if (blocked.length === 0) return unknown(r, `Network ACLs between the tasks of service ${svc} in ${subnet.id} and ${mt.id} could not be fully evaluated: ${unresolved.join('; ')}.`, {evidence: aclEv})
    const why = blocked.map(b => describeBlock(b, {id: subnet.id, cidr: subnet.cidr!}))
    return fail(r, `NFS between the tasks of service ${svc} (awsvpc) in subnet ${subnet.id} and ${mt.id} is blocked: ${why.join('; ')}. Its EFS volumes fail to mount (ResourceInitializationError).`,
      {summary: `Add network-ACL allow entries covering the whole task subnet ${subnet.id} (${subnet.cidr}), numbered before the blocking rules.`,
        command: [...new Set(blocked.map(b => fixCommand(s, b)))].join(' && ')},
      {evidence: {...aclEv, blocked: blocked.map(b => ({acl: b.leg.acl.id, rule: b.rule, egress: b.leg.egress, ports: b.ports, partialCidrs: b.partialCidrs}))}})
  })
}

/** Lint: a subnet's ACL only when the template shows it (an association, or the default ACL of a template VPC). */
function templateNacl(s: Snapshot, subnetId: string): NetworkAcl | undefined {
  const subnet = s.subnets?.[subnetId]
  if (!subnet) return undefined
  const acls = s.networkAcls ?? []
  return acls.find(a => a.subnetIds.includes(subnetId)) ?? acls.find(a => a.isDefault && a.vpcId === subnet.vpcId)
}

/** The logical id a template ACL finding points at: the ACL, or the VPC for its default ACL. */
const aclLogicalId = (aclId: string): string => /^\$\{([^}.]+)\.DefaultNetworkAcl\}$/.exec(aclId)?.[1] ?? aclId
const cfn = (id: string): Resource => ({type: 'cloudformation-resource', id})

/** The AWS::EC2::NetworkAclEntry that lets a blocked leg through, numbered just before the blocking rule. */
function templateEntry(b: RangeBlock): string {
  const n = ruleNumberBefore(b.leg, b.rule)
  const acl = /^\$\{([^}.]+)\.DefaultNetworkAcl\}$/.test(b.leg.acl.id) ? `!GetAtt ${aclLogicalId(b.leg.acl.id)}.DefaultNetworkAcl` : `!Ref ${b.leg.acl.id}`
  return `an AWS::EC2::NetworkAclEntry {NetworkAclId: ${acl}, RuleNumber: ${n}, Protocol: 6, RuleAction: allow, Egress: ${b.leg.egress}, ` +
    `CidrBlock: ${b.leg.peerCidr}, PortRange: {From: ${b.leg.ports[0]}, To: ${b.leg.ports[1]}}}`
}

/** Return-port ranges the hosts of a template launch template need, from its UserData (as for instances). */
function templateRanges(s: Snapshot, fsId: string, h: TemplateHost): {ranges: PortRange[]; nrp: boolean | undefined} {
  const ud = userDataById(s, h.id)
  // NOTE: template UserData names the file system as `${FileSystem}.efs.${AWS::Region}…` (its logical id).
  const mounts = ud ? mountsIn(s, ud).filter(m => m.fsId === fsId || m.host.split('.')[0].replace(/^\$\{([^}]+)\}$/, '$1') === fsId) : []
  const nrp = mounts.length ? mounts.every(mountUsesNoresvport) : efsVolumesOf(s, fsId).length > 0 ? true : undefined
  return {nrp, ranges: returnRanges(nrp)}
}

type TemplatePair = {status: 'pass' | 'fail' | 'unknown'; message: string; blocked: RangeBlock[]; acl?: string}

function templatePair(s: Snapshot, hostSubnet: string, hostCidr: string, mt: {id: string; subnetId: string}, ranges: PortRange[]): TemplatePair {
  if (hostSubnet === mt.subnetId) return {status: 'pass', message: `${hostSubnet} is also the subnet of ${mt.id}: network ACLs do not apply`, blocked: []}
  const ca = templateNacl(s, hostSubnet)
  const ma = templateNacl(s, mt.subnetId)
  const mCidr = s.subnets?.[mt.subnetId]?.cidr
  if (!ca || !ma || !mCidr || mCidr.includes('${')) {
    const missing = [!ca && `the network ACL of ${hostSubnet}`, !ma && `the network ACL of ${mt.subnetId}`, (!mCidr || mCidr.includes('${')) && `the CIDR of ${mt.subnetId}`].filter(Boolean)
    return {status: 'unknown', message: `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not known from the template`, blocked: []}
  }
  const hosts = `hosts in ${hostSubnet} (${hostCidr})`
  const mts = `${mt.id} in ${mt.subnetId} (${mCidr})`
  const legs: RangeLeg[] = [
    {acl: ca, subnetId: hostSubnet, egress: true, peerCidr: mCidr, ports: [2049, 2049], what: `outbound TCP 2049 to ${mts}`},
    {acl: ma, subnetId: mt.subnetId, egress: false, peerCidr: hostCidr, ports: [2049, 2049], what: `inbound TCP 2049 from ${hosts}`},
  ]
  for (const r of ranges) {
    legs.push({acl: ma, subnetId: mt.subnetId, egress: true, peerCidr: hostCidr, ports: r, what: `return traffic to ${hosts} ports ${formatPorts(r)}, ${rangeKind(r)}`})
    legs.push({acl: ca, subnetId: hostSubnet, egress: false, peerCidr: mCidr, ports: r, what: `return traffic from ${mts} to ports ${formatPorts(r)}, ${rangeKind(r)}`})
  }
  const {blocked, unresolved} = evaluateRangeLegs(legs)
  const peerOf = (b: RangeBlock) => (b.leg.peerCidr === hostCidr ? {id: hostSubnet, cidr: hostCidr} : {id: mt.subnetId, cidr: mCidr})
  if (blocked.length) return {status: 'fail', message: blocked.map(b => describeBlock(b, peerOf(b))).join('; '), blocked, acl: blocked[0].leg.acl.id}
  if (unresolved.length) return {status: 'unknown', message: unresolved.join('; '), blocked: []}
  return {status: 'pass', message: `${ca.id} and ${ma.id} pass NFS between ${hosts} and ${mts} both ways`, blocked: []}
}

/**
 * Lint: each host (launch template / configuration) in each of its Auto Scaling group subnets against the mount target
 * of each file system it mounts (usage.ts) in that subnet's AZ. When the AZ cannot be proven, every candidate must pass or the answer is unknown.
 */
function fromTemplate(s: Snapshot): Outcome[] {
  const mountTargets = s.template?.mountTargets ?? []
  const withMts = new Set(mountTargets.map(mt => mt.fileSystemId))
  return templateClients(s).flatMap(h => !h.fileSystems ? [ambiguousHost(s, h, 'the network ACL path')] : h.fileSystems.filter(id => withMts.has(id)).flatMap(fsId => {
    const {ranges, nrp} = templateRanges(s, fsId, h)
    const note = nrp === undefined ? ' Whether the hosts mount with noresvport is not known from the template, so both return-port ranges must pass.' : ''
    if (!h.subnetIds.length) return [unknown(cfn(h.id), `The subnets the ${h.who} run in are not known from the template (${h.who.startsWith('tasks') ? 'the service names none' : 'no Auto Scaling group here launches it, and it names no subnet itself'}), so network ACLs towards ${fsId} cannot be evaluated.`, {key: {fileSystem: fsId}})]
    return h.subnetIds.map(subnetId => {
      const ev = {host: h.id, fileSystemId: fsId, subnet: subnetId, noresvport: nrp ?? 'unknown'}
      const key = {host: h.id, fileSystem: fsId, subnet: subnetId}
      const cidr = s.subnets?.[subnetId]?.cidr
      if (!cidr || cidr.includes('${')) return unknown(cfn(h.id), `Network ACLs for ${h.who} in ${subnetId} cannot be evaluated: the subnet ${s.subnets?.[subnetId] ? 'has no literal CIDR' : 'is not defined'} in the template.`, {evidence: ev, key})
      const candidates = mountTargets.filter(mt => mt.fileSystemId === fsId && sameAz(s, subnetId, mt.subnetId) !== false)
      const definite = candidates.filter(mt => sameAz(s, subnetId, mt.subnetId) === true)
      if (!candidates.length) return skipped(cfn(h.id), `The ${h.who} in ${subnetId} have no mount target of ${fsId} in their AZ; see efs/mount-target-per-az.`, {evidence: ev, key})
      const pool = definite.length ? definite : candidates
      const results = pool.map(mt => ({mt, v: templatePair(s, subnetId, cidr, mt, ranges)}))
      const sure = definite.length > 0
      const failed = results.find(x => x.v.status === 'fail')
      if (failed && sure) {
        const v = failed.v
        return fail(cfn(aclLogicalId(v.acl!)), `NFS between the ${h.who} in ${subnetId} and ${failed.mt.id} (${fsId}) is blocked: ${v.message}.${note}`,
          {summary: `Add ${[...new Set(v.blocked.map(templateEntry))].join(' and ')}` +
            (ranges.includes(PRIVILEGED) ? ', or mount with noresvport (efs-utils does) so a 1024-65535 return rule suffices' : '') + '.'},
          {evidence: {...ev, mountTargetId: failed.mt.id, blocked: v.blocked.map(b => ({acl: b.leg.acl.id, rule: b.rule, egress: b.leg.egress, ports: b.ports, partialCidrs: b.partialCidrs}))}, key})
      }
      if (results.every(x => x.v.status === 'pass')) {
        return pass(cfn(h.id), `Network ACLs pass NFS for ${h.who} in ${subnetId}: ${results.map(x => x.v.message).join('; ')}.`, {evidence: {...ev, mountTargets: pool.map(mt => mt.id)}, key})
      }
      const why = results.filter(x => x.v.status !== 'pass').map(x => `${x.mt.id}: ${x.v.message}`)
      const az = sure ? '' : ` The template does not prove which of ${pool.map(mt => mt.id).join(', ')} shares the AZ of ${subnetId}.`
      return unknown(cfn(h.id), `Network ACLs between the ${h.who} in ${subnetId} and ${fsId} could not be confirmed: ${why.join('; ')}.${az}${note}`, {evidence: {...ev, mountTargets: pool.map(mt => mt.id)}, key})
    })
  }))
}

export const naclAllowsNfs = defineCheck({
  id: 'network/nacl-allows-nfs',
  title: 'Network ACLs pass NFS between each instance (or awsvpc task subnet) and its mount target, both ways',
  severity: 'error',
  description: 'A network ACL that drops TCP 2049 or its return traffic makes mounts time out (`mount.nfs4: Connection timed out`) even with correct security groups.',
  remediation: 'Add allow entries for TCP 2049 and the return ports (1024-65535 with noresvport; 665-1023 without) on both subnets\' network ACLs, numbered before any deny.',
  docsUrl: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html',
  needs: ['containerInstances', 'instances', 'mountTargets', 'networkAcls', 'subnets'],
  templateNeeds: ['networkAcls'],
  run(s) {
    if (isTemplateMode(s)) return fromTemplate(s)
    const instances = perServedPair(s, (fs, i, mt, r) => {
      if (i.subnetId === mt.subnetId) return passFor(s, r, () => `${i.id} and ${mt.id} share subnet ${mt.subnetId}: network ACLs do not apply.`, () => ({evidence: {mountTargetId: mt.id}}))
      const ca = i.subnetId ? naclForSubnet(s, i.subnetId) : undefined
      const ma = naclForSubnet(s, mt.subnetId)
      if (!i.privateIp || !mt.ipAddress || !ca || !ma) {
        return unknown(r, `Cannot evaluate network ACLs between ${i.id} (${i.subnetId ?? '?'}) and ${mt.id} (${mt.subnetId}): missing ${[!i.privateIp && 'instance IP', !mt.ipAddress && 'mount-target IP', !ca && `ACL of ${i.subnetId ?? 'instance subnet'}`, !ma && `ACL of ${mt.subnetId}`].filter(Boolean).join(', ')}.`)
      }
      const nrp = noresvport(s, fs.id, i)
      const ranges = returnRanges(nrp)
      const blocked = legs(s, i, mt, ca, ma, ranges).flatMap((leg): RangeBlock[] => {
        const v = evaluateNacl(leg.acl, leg.egress, leg.peerIp, leg.ports)
        return v.allowed ? [] : [{leg, rule: v.rule, ports: v.ports, partialCidrs: []}]
      })
      const ev = {mountTargetId: mt.id, clientAcl: ca.id, mountTargetAcl: ma.id, noresvport: nrp ?? 'unknown'}
      if (blocked.length === 0) return passFor(s, r, () => `Network ACLs ${ca.id} and ${ma.id} pass NFS between ${i.id} and ${mt.id} both ways.`, () => ({evidence: ev}))
      const why = blocked.map(b => describeBlock(b))
      const note = nrp === undefined ? ' Whether clients use noresvport is not known from the snapshot, so both return-port ranges must pass.' : ''
      return fail(r, `NFS between ${i.id} and ${mt.id} is blocked: ${why.join('; ')}.${note}`,
        {summary: 'Add network-ACL allow entries numbered before the blocking rules' + (ranges.includes(PRIVILEGED) ? ', or mount with noresvport (efs-utils does) so the 1024-65535 return rule suffices' : '') + '.',
          command: [...new Set(blocked.map(b => fixCommand(s, b)))].join(' && ')},
        {evidence: {...ev, blocked: blocked.map(b => ({acl: b.leg.acl.id, rule: b.rule, egress: b.leg.egress, ports: b.ports}))}})
    })
    return [...instances, ...fromTaskClients(s)]
  },
})
