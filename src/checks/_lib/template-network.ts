/**
 * Template-mode (`efsdoctor lint`) helpers for the network checks: which hosts a template launches (launch templates,
 * launch configurations, instances) with their security groups and subnets, and whether a set of template security
 * groups lets TCP 2049 through to or from a peer. Ids are logical ids. Anything the template cannot show (a group
 * or subnet from a parameter or import, a CIDR from a function) makes the answer `unknown`, never `allowed`.
 */
import {unknown} from '../../core/define-check.js'
import {memo} from '../../core/memo.js'
import type {Outcome} from '../../core/types.js'
import type {Snapshot} from '../../model/snapshot.js'
import {mountedOnlyElsewhere, templateHostFileSystems} from './usage.js'
import {NFS_PORT, parseCidr, ruleCoversTcpPort} from './security-groups.js'

/** Linting a template: no live instances, so the checks evaluate declared hosts against declared mount targets. */
export const isTemplateMode = (s: Snapshot): boolean =>
  s.scope.source === 'template' && s.template !== undefined && s.containerInstances === undefined && s.instances === undefined

export interface TemplateHost {
  /** Launch template / launch configuration / instance logical id (a service's for its awsvpc tasks). */
  id: string
  /** Who the clients are, in words: `hosts of <id>`, or `tasks of service <id>` (their ENIs are the NFS clients). */
  who: string
  groupIds: string[]
  /**
   * Subnets its hosts launch in: those of the Auto Scaling groups that launch it, and those an instance names itself;
   * empty when neither is in the template.
   */
  subnetIds: string[]
  /**
   * The file systems (logical ids) its hosts mount, from its UserData (usage.ts); the template's only file system when
   * the UserData names none it can resolve; undefined when that leaves several candidates (see ambiguousHost).
   */
  fileSystems?: string[]
}

/** The template's hosts, each paired with the file systems it uses: never every host × every file system. */
export function templateHosts(s: Snapshot): TemplateHost[] {
  return memo(s, 'templateHosts', () => {
    const asgsOf = new Map<string, string[]>()
    for (const a of s.autoScalingGroups ?? []) {
      for (const id of new Set([a.launchTemplate?.id, a.launchConfigurationName])) if (id) asgsOf.set(id, [...(asgsOf.get(id) ?? []), ...a.subnetIds])
    }
    const declared = templateFileSystemIds(s)
    return Object.entries(s.template?.hostSecurityGroups ?? {}).map(([id, groupIds]) => {
      const used = templateHostFileSystems(s, id)
      // NOTE: a host whose UserData mounts nothing, while another host's mounts the file system, is no client of it.
      const fileSystems = used ?? (mountedOnlyElsewhere(s, id) ? [] : declared.length <= 1 ? declared : undefined)
      const subnetIds = [...new Set([...asgsOf.get(id) ?? [], ...s.template?.hostSubnets?.[id] ?? []])]
      return {id, who: `hosts of ${id}`, groupIds, subnetIds, ...(fileSystems ? {fileSystems} : {})}
    })
  })
}

/** Every file system the template declares or its mount targets name. */
export function templateFileSystemIds(s: Snapshot): string[] {
  return [...new Set([...(s.template?.fileSystems ?? []).map(f => f.id), ...(s.template?.mountTargets ?? []).map(mt => mt.fileSystemId)])]
}

/** A host whose file system cannot be told among several: one `unknown` naming the candidates, never a guess. */
export function ambiguousHost(s: Snapshot, h: TemplateHost, what: string): Outcome {
  const c = templateFileSystemIds(s)
  const list = c.length > 10 ? `${c.slice(0, 10).join(', ')} and ${c.length - 10} more` : c.join(', ')
  return unknown({type: 'cloudformation-resource', id: h.id}, `Which file system the ${h.who} mount is not known from the template (its UserData names none that efsdoctor can resolve), so ${what} is not evaluated; candidates: ${list}.`,
    {evidence: {host: h.id, candidates: c}, key: {host: h.id}})
}

/** Mount targets (of `fsIds` only, when given) grouped by their security-group set (one finding per set, not per AZ). */
export function mountTargetsBySgs(s: Snapshot, fsIds?: readonly string[]): {groupIds: string[]; mountTargetIds: string[]; subnetIds: string[]}[] {
  const out = new Map<string, {groupIds: string[]; mountTargetIds: string[]; subnetIds: string[]}>()
  const all = s.template?.mountTargets ?? []
  const byFs = memo(s, 'templateMountTargetsByFs', () => {
    const m = new Map<string, typeof all>()
    for (const mt of all) m.set(mt.fileSystemId, [...(m.get(mt.fileSystemId) ?? []), mt])
    return m
  })
  for (const mt of fsIds ? fsIds.flatMap(id => byFs.get(id) ?? []) : all) {
    const key = [...mt.securityGroupIds].sort().join(' ')
    const e = out.get(key) ?? out.set(key, {groupIds: mt.securityGroupIds, mountTargetIds: [], subnetIds: []}).get(key)!
    e.mountTargetIds.push(mt.id)
    e.subnetIds.push(mt.subnetId)
  }
  return [...out.values()]
}

/** A set of security groups as one stable key value (sorted; `none` for no groups). */
export const sgSetKey = (groupIds: readonly string[]): string => [...groupIds].sort().join(' ') || 'none'

const isPlaceholder = (v: string): boolean => v.includes('${')

/** A literal CIDR, or `${Vpc.CidrBlock}` / `${Subnet.CidrBlock}` of a VPC or subnet declared with a literal one. */
export function resolveCidr(s: Snapshot, cidr: string): string | undefined {
  const m = /^\$\{([^}.]+)\.CidrBlock\}$/.exec(cidr)
  if (m) return s.vpcs?.[m[1]]?.cidrs[0] ?? s.subnets?.[m[1]]?.cidr
  return isPlaceholder(cidr) ? undefined : cidr
}

/** How a rule CIDR relates to a subnet CIDR: the whole subnet inside it, none of it, part of it, or not comparable. */
export function cidrRelation(rule: string, subnet: string): 'covers' | 'disjoint' | 'partial' | 'unknown' {
  // NOTE: parsed once per process (parseCidr): lint compares the same few CIDRs for every host of a template.
  const r = parseCidr(rule)
  const sn = parseCidr(subnet)
  if (!r || !sn) return 'unknown'
  const [ra, rb] = r
  const [sa, sb] = sn
  if (ra.kind() !== sa.kind()) return 'disjoint'
  if (sb >= rb && sa.match([ra, rb])) return 'covers'
  return ra.match([sa, sb]) ? 'partial' : 'disjoint'
}

export interface TemplatePeer {
  /** The other end's security groups (logical ids, or placeholders when not in the template). */
  groupIds: string[]
  /** The subnets the other end lives in. */
  subnetIds: string[]
}

export interface TemplateVerdict {
  status: 'allowed' | 'blocked' | 'unknown'
  allowedBy?: {groupId: string; source: string}
  /** What could not be evaluated, in words. */
  unresolved: string[]
  /** Peer subnets no CIDR rule covers (when CIDR rules exist). */
  uncoveredSubnets: string[]
}

/**
 * Do `groupIds` (template groups) allow TCP 2049 in `direction` for `peer`? A group reference must name one of the
 * peer's groups; CIDR rules must cover every peer subnet's CIDR (`partial` overlap counts as not covered when
 * `partialIs` is 'blocked', as for many hosts spread over a subnet; 'unknown' for a single address).
 */
export function evaluateTemplateSgs(s: Snapshot, groupIds: readonly string[], direction: 'ingress' | 'egress', peer: TemplatePeer,
  partialIs: 'blocked' | 'unknown' = 'blocked'): TemplateVerdict {
  const groups = s.securityGroups ?? {}
  const unresolved: string[] = []
  const ruleCidrs: string[] = []
  const unresolvedCidrs: string[] = []
  const peerHasExternal = peer.groupIds.some(g => !groups[g])
  if (groupIds.length === 0) unresolved.push('no security groups are set, so the VPC default group (not in the template) applies')
  for (const gid of groupIds) {
    const sg = groups[gid]
    if (!sg) {
      unresolved.push(`security group ${gid} is not defined in this template`)
      continue
    }
    for (const rule of sg[direction]) {
      if (!ruleCoversTcpPort(rule, NFS_PORT)) continue
      const byGroup = rule.groupIds.find(g => peer.groupIds.includes(g))
      if (byGroup) return {status: 'allowed', allowedBy: {groupId: gid, source: byGroup}, unresolved: [], uncoveredSubnets: []}
      // NOTE: a group created by this template never equals an outside group, so an outside reference matters
      // only when the peer itself has a group from outside the template.
      if (peerHasExternal) unresolved.push(...rule.groupIds.map(g => `${gid} references ${g} while the peer also has groups not in the template`))
      unresolved.push(...rule.prefixListIds.map(p => `${gid} ${direction} uses ${p}, which the template does not resolve`))
      for (const c of [...rule.ipv4Cidrs, ...rule.ipv6Cidrs]) {
        const r = resolveCidr(s, c)
        if (r) ruleCidrs.push(r)
        else unresolvedCidrs.push(`${gid} ${direction} CIDR ${c}`)
      }
    }
  }
  const cidrRules = ruleCidrs.length + unresolvedCidrs.length > 0
  const uncoveredSubnets: string[] = []
  let cidrUnknown = unresolvedCidrs.length > 0
  let allCovered = cidrRules && peer.subnetIds.length > 0
  let allowedCidr: string | undefined
  if (cidrRules) {
    if (!peer.subnetIds.length) unresolved.push('the subnets of the other end are not known from the template')
    for (const id of peer.subnetIds) {
      const cidr = s.subnets?.[id]?.cidr
      const universal = ruleCidrs.find(c => /\/0$/.test(c) && (cidr === undefined || cidrRelation(c, cidr) === 'covers'))
      const rel = cidr ? ruleCidrs.map(c => [c, cidrRelation(c, cidr)] as const) : []
      const covering = universal ?? rel.find(([, r]) => r === 'covers')?.[0]
      if (covering) {
        allowedCidr ??= covering
        continue
      }
      allCovered = false
      if (!cidr) {
        unresolved.push(`subnet ${id} has no CIDR in the template`)
        cidrUnknown = true
      } else if (unresolvedCidrs.length || rel.some(([, r]) => r === 'unknown') || (partialIs === 'unknown' && rel.some(([, r]) => r === 'partial'))) {
        cidrUnknown = true
      } else {
        uncoveredSubnets.push(`${id} (${cidr})`)
      }
    }
    unresolved.push(...unresolvedCidrs.map(c => `${c} is not known from the template`))
  }
  if (allCovered && allowedCidr) {
    const gid = groupIds.find(g => [...(groups[g]?.[direction] ?? [])].some(r => ruleCoversTcpPort(r) && [...r.ipv4Cidrs, ...r.ipv6Cidrs].some(c => resolveCidr(s, c) === allowedCidr)))
    return {status: 'allowed', allowedBy: {groupId: gid ?? groupIds[0], source: allowedCidr}, unresolved: [], uncoveredSubnets: []}
  }
  // A subnet that is provably not covered is blocked only when nothing else could still admit it.
  const status = unresolved.length > 0 || (cidrUnknown && uncoveredSubnets.length === 0) ? 'unknown' : 'blocked'
  return {status, unresolved: [...new Set(unresolved)], uncoveredSubnets}
}

/** The template line-oriented resource for a set of security groups: the first group declared in the template. */
export const sgResource = (s: Snapshot, groupIds: readonly string[], fallback: {type: 'efs-mount-target' | 'cloudformation-resource'; id: string}) => {
  const declared = groupIds.find(g => s.securityGroups?.[g])
  return declared ? {type: 'security-group' as const, id: declared} : fallback
}

/** `{"Fn::Select": [i, {"Fn::GetAZs": region}]}` → [i, region] when it has that exact shape. */
function selectGetAzs(expr: string | undefined): [number, string] | undefined {
  if (!expr) return undefined
  try {
    const sel = (JSON.parse(expr) as Record<string, unknown>)['Fn::Select']
    if (!Array.isArray(sel) || sel.length !== 2 || !/^\d+$/.test(String(sel[0]))) return undefined
    const azs = sel[1] as Record<string, unknown> | null
    if (!azs || typeof azs !== 'object' || Object.keys(azs).length !== 1 || !('Fn::GetAZs' in azs)) return undefined
    return [Number(sel[0]), JSON.stringify(azs['Fn::GetAZs'])]
  } catch {
    return undefined
  }
}

/**
 * Are two template subnets in the same AZ? true/false only when provable: the same subnet, literal AZ names, or
 * `!Select [i, !GetAZs r]` with the same `r` (same i → same AZ; different i → different AZs, as GetAZs lists each
 * AZ once). Otherwise undefined.
 */
export function sameAz(s: Snapshot, a: string, b: string): boolean | undefined {
  if (a === b) return true
  const [sa, sb] = [s.subnets?.[a], s.subnets?.[b]]
  if (sa?.azName && sb?.azName) return sa.azName === sb.azName
  const exprs = s.template?.subnetAzExpressions ?? {}
  const [ea, eb] = [exprs[a], exprs[b]]
  if (ea !== undefined && ea === eb) return true
  const [pa, pb] = [selectGetAzs(ea), selectGetAzs(eb)]
  if (pa && pb && pa[1] === pb[1]) return pa[0] === pb[0]
  return undefined
}
