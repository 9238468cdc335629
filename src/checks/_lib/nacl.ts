/**
 * Pure network-ACL evaluation: rules in rule-number order, first match wins, one direction at a time, over a port
 * *range* (return traffic goes to whatever source port the client picked, so every port in the range must pass).
 */
import type {NaclEntry, NetworkAcl, Snapshot} from '../../inventory/snapshot.js'
import {cidrContains} from './security-groups.js'

export type PortRange = [number, number]

/** The ACL associated with a subnet; a subnet with no association data uses its VPC's default ACL. */
export function naclForSubnet(s: Snapshot, subnetId: string): NetworkAcl | undefined {
  const acls = s.networkAcls ?? []
  const vpcId = s.subnets?.[subnetId]?.vpcId
  return acls.find(a => a.subnetIds.includes(subnetId)) ?? acls.find(a => a.isDefault && (!vpcId || a.vpcId === vpcId))
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
