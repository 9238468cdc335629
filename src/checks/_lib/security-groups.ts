/**
 * Pure security-group and CIDR helpers for the NFS checks: does a set of groups admit (or let out) TCP 2049 to/from a
 * peer, and which rule did it. Security groups are allow-only and OR-ed, so one matching rule is enough.
 */
import ipaddr from 'ipaddr.js'
import {memo as runMemo} from '../../core/memo.js'
import type {SecurityGroup, SgRule, Snapshot} from '../../model/snapshot.js'

export const NFS_PORT = 2049

/** True when the rule's protocol and port range cover TCP `port` ('-1' = all traffic, ports ignored). */
export function ruleCoversTcpPort(rule: Pick<SgRule, 'protocol' | 'fromPort' | 'toPort'>, port = NFS_PORT): boolean {
  const p = rule.protocol.toLowerCase()
  if (p === '-1' || p === 'all') return true
  if (p !== 'tcp' && p !== '6') return false
  // NOTE: a tcp rule without ports does not occur in the API; treat it as all ports rather than guess a block.
  if (rule.fromPort === undefined || rule.toPort === undefined) return true
  if (rule.fromPort === -1 && rule.toPort === -1) return true
  return rule.fromPort <= port && port <= rule.toPort
}

type Addr = ipaddr.IPv4 | ipaddr.IPv6

// NOTE: the network checks compare the same few CIDRs and addresses for every instance pair; each string is parsed
// once per process (null = does not parse). Bounded so a hostile snapshot cannot grow them without limit.
const MEMO_MAX = 100_000
const cidrMemo = new Map<string, [Addr, number] | null>()
const ipMemo = new Map<string, Addr | null>()

function memo<T>(cache: Map<string, T | null>, key: string, parse: (s: string) => T): T | null {
  let v = cache.get(key)
  if (v === undefined) {
    try {
      v = parse(key)
    } catch {
      v = null
    }
    if (cache.size >= MEMO_MAX) cache.clear()
    cache.set(key, v)
  }
  return v
}

const parseIp = (ip: string): Addr | null => memo(ipMemo, ip, s => ipaddr.parse(s))
/** A CIDR parsed once per process; null when it does not parse. */
export const parseCidr = (cidr: string): [Addr, number] | null => memo(cidrMemo, cidr, s => ipaddr.parseCIDR(s))

/** True when `ip` lies inside `cidr`. Mismatched families or unparsable input → false (never throws). */
export function cidrContains(cidr: string, ip: string): boolean {
  const range = parseCidr(cidr)
  let addr = parseIp(ip)
  if (!range || !addr) return false
  if (addr.kind() === 'ipv6' && range[0].kind() === 'ipv4' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address()
  }
  if (addr.kind() !== range[0].kind()) return false
  return addr.match(range)
}

/** The other end of the connection. `groupIds` undefined = its groups are not known; `ips` empty = its addresses are not known. */
export interface Peer {
  ips: string[]
  groupIds?: string[]
}

export interface SgVerdict {
  status: 'allowed' | 'blocked' | 'unknown'
  /** The rule that let the traffic through: group and source (sg id, CIDR or 'all traffic'). */
  allowedBy?: {groupId: string; source: string}
  /** Groups named on the ENI but absent from the snapshot. */
  missingGroupIds: string[]
  /** Prefix lists on port-matching rules whose entries we cannot resolve. */
  unresolvedPrefixLists: string[]
  /** Port-matching group references we could not compare because the peer's groups are unknown. */
  unresolvedGroupRefs: string[]
  /** Port-matching CIDRs we could not compare because the peer's IPs are unknown (`peer.ips` empty). */
  unresolvedCidrs: string[]
}

/**
 * Does any of `groupIds` allow TCP `port` in `direction` for `peer`? Ingress: peer is the source; egress: the
 * destination. `unknown` only when nothing allowed it and something could not be evaluated.
 */
export function evaluateSgs(
  groupIds: readonly string[],
  groups: Readonly<Record<string, SecurityGroup>>,
  direction: 'ingress' | 'egress',
  peer: Peer,
  port = NFS_PORT,
): SgVerdict {
  const v: SgVerdict = {status: 'blocked', missingGroupIds: [], unresolvedPrefixLists: [], unresolvedGroupRefs: [], unresolvedCidrs: []}
  // NOTE: called once per (client, file system) pair, so the rule scan allocates nothing until it has an answer.
  const admits = (c: string): boolean => {
    for (const ip of peer.ips) if (cidrContains(c, ip)) return true
    return false
  }
  for (const gid of groupIds) {
    const sg = groups[gid]
    if (!sg) {
      v.missingGroupIds.push(gid)
      continue
    }
    for (const rule of sg[direction]) {
      if (!ruleCoversTcpPort(rule, port)) continue
      const byGroup = peer.groupIds ? rule.groupIds.find(g => peer.groupIds!.includes(g)) : undefined
      if (byGroup) return withStatus(v, 'allowed', {groupId: gid, source: byGroup})
      const cidr = rule.ipv4Cidrs.find(admits) ?? rule.ipv6Cidrs.find(admits)
      if (cidr) return withStatus(v, 'allowed', {groupId: gid, source: cidr})
      v.unresolvedPrefixLists.push(...rule.prefixListIds)
      if (!peer.groupIds) v.unresolvedGroupRefs.push(...rule.groupIds)
      if (!peer.ips.length) v.unresolvedCidrs.push(...rule.ipv4Cidrs, ...rule.ipv6Cidrs)
    }
  }
  const couldNotLook = v.missingGroupIds.length + v.unresolvedPrefixLists.length + v.unresolvedGroupRefs.length + v.unresolvedCidrs.length > 0
  return withStatus(v, couldNotLook ? 'unknown' : 'blocked')
}

/**
 * `{...v, status, allowedBy}` (same keys, same order), spelled out: a spread that overrides one of its keys takes
 * V8's slow path, a third of this function's time over the 6,000 calls of a 1,000-instance run.
 */
function withStatus(v: SgVerdict, status: SgVerdict['status'], allowedBy?: SgVerdict['allowedBy']): SgVerdict {
  const {missingGroupIds, unresolvedPrefixLists, unresolvedGroupRefs, unresolvedCidrs} = v
  return allowedBy
    ? {status, missingGroupIds, unresolvedPrefixLists, unresolvedGroupRefs, unresolvedCidrs, allowedBy}
    : {status, missingGroupIds, unresolvedPrefixLists, unresolvedGroupRefs, unresolvedCidrs}
}

/**
 * evaluateSgs over the snapshot's groups, once per check run for each question (groups, direction, peer): the network
 * checks ask the same one for many pairs, e.g. a mount target's egress question for every instance that uses it.
 * Callers must not change the verdict.
 */
export function snapshotSgVerdict(s: Snapshot, groupIds: readonly string[], direction: 'ingress' | 'egress', peer: Peer): SgVerdict {
  const cache = runMemo(s, 'sgVerdicts', () => new Map<string, SgVerdict>())
  const key = JSON.stringify([direction, groupIds, peer.ips, peer.groupIds ?? null])
  let v = cache.get(key)
  if (!v) cache.set(key, v = evaluateSgs(groupIds, s.securityGroups ?? {}, direction, peer))
  return v
}

/** One sentence naming what could not be evaluated, for unknown outcomes. */
export function describeUnresolved(v: SgVerdict): string {
  const parts: string[] = []
  if (v.missingGroupIds.length) parts.push(`security group(s) ${v.missingGroupIds.join(', ')} missing from the snapshot (ec2:DescribeSecurityGroups)`)
  if (v.unresolvedPrefixLists.length) parts.push(`prefix list(s) ${[...new Set(v.unresolvedPrefixLists)].join(', ')} whose entries were not collected`)
  if (v.unresolvedGroupRefs.length) parts.push(`rules referencing ${[...new Set(v.unresolvedGroupRefs)].join(', ')} while the peer's groups are unknown`)
  if (v.unresolvedCidrs.length) parts.push(`rules allowing ${[...new Set(v.unresolvedCidrs)].join(', ')} while the peer's IP address is unknown`)
  return parts.join('; ')
}
