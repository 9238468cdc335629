/**
 * Pure network-ACL evaluation: rules in rule-number order, first match wins, one direction at a time, over a port
 * *range* (return traffic goes to whatever source port the client picked, so every port in the range must pass).
 */
import {memo} from '../../core/memo.js'
import type {NaclEntry, NetworkAcl, Snapshot} from '../../model/snapshot.js'
import {cidrContains, parseCidr} from './security-groups.js'

export type PortRange = [number, number]

/** The ACL associated with a subnet; a subnet with no association data uses its VPC's default ACL. */
export function naclForSubnet(s: Snapshot, subnetId: string): NetworkAcl | undefined {
  const cache = memo(s, 'naclForSubnet', () => new Map<string, NetworkAcl | undefined>())
  if (cache.has(subnetId)) return cache.get(subnetId)
  const acls = s.networkAcls ?? []
  const vpcId = s.subnets?.[subnetId]?.vpcId
  const acl = acls.find(a => a.subnetIds.includes(subnetId)) ?? acls.find(a => a.isDefault && (!vpcId || a.vpcId === vpcId))
  cache.set(subnetId, acl)
  return acl
}

export type NaclVerdict =
  | {allowed: true}
  /** `rule` is the rule number that denies (or '*' for the implicit final deny); `ports` the ports it drops. */
  | {allowed: false; rule: number | '*'; ports: PortRange}

function entryMatches(e: NaclEntry, egress: boolean, ip: string): boolean {
  if (e.egress !== egress) return false
  if (e.protocol !== '-1' && e.protocol !== '6' && e.protocol.toLowerCase() !== 'tcp') return false
  const cidr = ip.includes(':') ? e.ipv6Cidr : e.cidr
  return cidr !== undefined && cidrContains(cidr, ip)
}

/**
 * Does `acl` let TCP traffic to/from `peerIp` (the remote end: destination on egress, source on ingress) through
 * for every destination port in `ports`?
 */
export function evaluateNacl(acl: NetworkAcl, egress: boolean, peerIp: string, ports: PortRange): NaclVerdict {
  let remaining: PortRange[] = [ports]
  const entries = acl.entries.filter(e => entryMatches(e, egress, peerIp)).sort((a, b) => a.ruleNumber - b.ruleNumber)
  for (const e of entries) {
    const [lo, hi] = e.protocol === '-1' || !e.portRange ? [0, 65535] : [e.portRange.from, e.portRange.to]
    const next: PortRange[] = []
    for (const [a, b] of remaining) {
      const x = Math.max(a, lo)
      const y = Math.min(b, hi)
      if (x > y) {
        next.push([a, b])
        continue
      }
      if (e.action === 'deny') return {allowed: false, rule: e.ruleNumber, ports: [x, y]}
      if (a < x) next.push([a, x - 1])
      if (y < b) next.push([y + 1, b])
    }
    remaining = next
    if (remaining.length === 0) return {allowed: true}
  }
  return {allowed: false, rule: '*', ports: remaining[0]}
}

export const formatPorts = ([a, b]: PortRange): string => (a === b ? `${a}` : `${a}-${b}`)

/** Verdict for a peer address *range* (a whole subnet, or one address as a /32). */
export type NaclRangeVerdict =
  | {status: 'allowed'}
  /**
   * Some (address, port) of the range reaches a deny: `rule` (or '*') and the ports it drops; `partialCidrs` are allow
   * entries that matched the ports but covered only part of the range, so they cannot count as allowing it.
   */
  | {status: 'blocked'; rule: number | '*'; ports: PortRange; partialCidrs: string[]}
  /** An entry the evaluation reached could not be read (a value from a parameter or function). */
  | {status: 'unknown'; reason: string}

type Span = [bigint, bigint]
interface Box { a: Span; p: PortRange }

/** [first, last] address of a CIDR as numbers, with its family; undefined when it does not parse. */
function cidrSpan(cidr: string): {v6: boolean; span: Span} | undefined {
  const parsed = parseCidr(cidr)
  if (!parsed) return undefined
  const [addr, bits] = parsed
  const bytes = addr.toByteArray()
  const width = bytes.length * 8
  const n = bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n)
  const host = (1n << BigInt(width - bits)) - 1n
  return {v6: addr.kind() === 'ipv6', span: [n & ~host, (n & ~host) | host]}
}

const unresolved = (v: string | undefined): boolean => v !== undefined && v.includes('${')

/** The parts of `b` outside `i` (i ⊆ b): below/above in addresses, then below/above in ports. */
function minus(b: Box, i: Box): Box[] {
  const out: Box[] = []
  if (b.a[0] < i.a[0]) out.push({a: [b.a[0], i.a[0] - 1n], p: b.p})
  if (i.a[1] < b.a[1]) out.push({a: [i.a[1] + 1n, b.a[1]], p: b.p})
  if (b.p[0] < i.p[0]) out.push({a: i.a, p: [b.p[0], i.p[0] - 1]})
  if (i.p[1] < b.p[1]) out.push({a: i.a, p: [i.p[1] + 1, b.p[1]]})
  return out
}

/**
 * Like evaluateNacl, but for every address of `peerCidr` (the remote end: a subnet whose hosts or task ENIs can have
 * any of its addresses) and every port in `ports`: first match per (address, port), so an entry whose CIDR holds only
 * part of the range allows only that part. Exact: the still-undecided (address, port) set is kept as boxes.
 */
export function evaluateNaclRange(acl: NetworkAcl, egress: boolean, peerCidr: string, ports: PortRange): NaclRangeVerdict {
  const peer = cidrSpan(peerCidr)
  if (!peer) return {status: 'unknown', reason: `the address range ${peerCidr} is not known`}
  let remaining: Box[] = [{a: peer.span, p: ports}]
  const partialCidrs: string[] = []
  const entries = acl.entries.filter(e => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber)
  for (const e of entries) {
    if (unresolved(e.protocol) || unresolved(e.cidr) || unresolved(e.ipv6Cidr)) {
      return {status: 'unknown', reason: `${acl.id} rule ${e.ruleNumber} is not known offline`}
    }
    if (e.protocol !== '-1' && e.protocol !== '6' && e.protocol.toLowerCase() !== 'tcp') continue
    const cidr = peer.v6 ? e.ipv6Cidr : e.cidr
    if (cidr === undefined) continue
    const es = cidrSpan(cidr)
    if (!es) return {status: 'unknown', reason: `${acl.id} rule ${e.ruleNumber} has a CIDR that does not parse (${cidr})`}
    if (es.v6 !== peer.v6) continue
    const [lo, hi] = e.protocol === '-1' || !e.portRange ? [0, 65535] : [e.portRange.from, e.portRange.to]
    const next: Box[] = []
    for (const b of remaining) {
      const i: Box = {a: [b.a[0] > es.span[0] ? b.a[0] : es.span[0], b.a[1] < es.span[1] ? b.a[1] : es.span[1]], p: [Math.max(b.p[0], lo), Math.min(b.p[1], hi)]}
      if (i.a[0] > i.a[1] || i.p[0] > i.p[1]) {
        next.push(b)
        continue
      }
      if (e.action === 'deny') return {status: 'blocked', rule: e.ruleNumber, ports: i.p, partialCidrs}
      if (es.span[0] > peer.span[0] || es.span[1] < peer.span[1]) partialCidrs.push(cidr)
      next.push(...minus(b, i))
    }
    remaining = next
    if (remaining.length === 0) return {status: 'allowed'}
  }
  return {status: 'blocked', rule: '*', ports: remaining[0].p, partialCidrs: [...new Set(partialCidrs)]}
}
