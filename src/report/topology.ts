/**
 * The picture the HTML and Markdown (Mermaid) reports draw, as a graph: one column per Availability Zone holding the
 * hosts (grouped by subnet and security groups; one node for the group when it has more than a few instances), their
 * subnet and its NACL, the mount target's security group and the mount target; the file systems below every column
 * and the task definitions that use them below those.
 *
 * Each link carries the findings of the check that judges it and takes the worst status among them:
 * hosts → subnet = the hosts' security-group egress; subnet → mount-target SG = the NACLs; mount-target SG → mount
 * target = its ingress; mount target → file system = the mount target's own checks; file system → task definition =
 * the task definition's volume checks. A link that no finding judged is `none` ("not evaluated"), never `pass`.
 * Ignored findings are listed but do not colour anything.
 */
import type {Finding, Report} from '../core/types.js'
import {tdLabel, type Snapshot} from '../model/snapshot.js'
import {byText} from '../core/order.js'

export type TopoStatus = 'fail' | 'unknown' | 'pass' | 'none'
export type NodeKind = 'hosts' | 'subnet' | 'mount-target-sg' | 'mount-target' | 'file-system' | 'task-definition'

export interface TopoNode {
  id: string
  kind: NodeKind
  /** First line is the title; the rest are details. Raw text (escape before output). */
  lines: string[]
  /** Key of the AZ column, or undefined for the file systems and task definitions below the columns. */
  column?: string
  /** Indexes into report.findings. */
  findings: number[]
  status: TopoStatus
  /** When status is fail: whether an error-severity finding fails here (red), or only warnings and info (amber). */
  failsWithError?: boolean
}

export interface TopoEdge {
  id: string
  from: string
  to: string
  /** What the link stands for, e.g. "NFS egress from the hosts' security groups". */
  meaning: string
  findings: number[]
  status: TopoStatus
  /** When status is fail: whether an error-severity finding fails here (red), or only warnings and info (amber). */
  failsWithError?: boolean
  /** Ids of the checks that failed on this link (what a red edge is labelled with). */
  failing: string[]
}

export interface TopoColumn {
  key: string
  label: string
}

export interface Topology {
  columns: TopoColumn[]
  nodes: TopoNode[]
  edges: TopoEdge[]
  /** How many host nodes stand for more than one instance. */
  aggregated: number
}

/** Groups with more instances than this are drawn as one node ("37 instances in subnet-…"). */
export const GROUP_ABOVE = 3

const EGRESS = ['network/client-sg-egress-nfs']
const NACL = ['network/nacl-allows-nfs']
const INGRESS = ['network/mount-target-sg-allows-nfs']
const PER_AZ = 'efs/mount-target-per-az'

interface MountTargetView {id: string; fileSystemId: string; subnetId: string; groupIds?: string[]; ip?: string}
interface HostUnit {subjects: string[]; lines: string[]; subnetId?: string; groupIds: string[]; az?: {id?: string; name?: string}}

const RANK: Record<TopoStatus, number> = {fail: 3, unknown: 2, pass: 1, none: 0}

export function worstStatus(findings: readonly Finding[], indexes: Iterable<number>): TopoStatus {
  let worst: TopoStatus = 'none'
  for (const i of indexes) {
    const f = findings[i]
    if (!f || f.ignored || f.status === 'skipped') continue
    if (RANK[f.status] > RANK[worst]) worst = f.status
  }
  return worst
}

/** Whether one of the findings at `indexes` is a failure of severity error (not ignored). */
export function failsWithError(findings: readonly Finding[], indexes: Iterable<number>): boolean {
  for (const i of indexes) {
    const f = findings[i]
    if (f && !f.ignored && f.status === 'fail' && f.severity === 'error') return true
  }
  return false
}

const evidence = (f: Finding, key: string): unknown => (f.evidence as Record<string, unknown> | undefined)?.[key]
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const list = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined)

/** A finding about one mount target only when its evidence names that one (or names none). */
function aboutMountTarget(f: Finding, mtId: string): boolean {
  const one = str(evidence(f, 'mountTargetId'))
  if (one) return one === mtId
  const many = list(evidence(f, 'mountTargets'))
  return many ? many.includes(mtId) : true
}

/** A finding about one subnet only when its evidence names that one (or names none). */
function aboutSubnet(f: Finding, subnetId: string | undefined): boolean {
  const one = str(evidence(f, 'subnet'))
  return !one || one === subnetId
}

function mountTargetsOf(s: Snapshot, inScope: Set<string>): MountTargetView[] {
  if (s.mountTargets) {
    return s.mountTargets.filter(m => inScope.has(m.fileSystemId))
      .map(m => ({id: m.id, fileSystemId: m.fileSystemId, subnetId: m.subnetId, groupIds: m.securityGroupIds, ip: m.ipAddress}))
  }
  return (s.template?.mountTargets ?? []).filter(m => inScope.has(m.fileSystemId))
    .map(m => ({id: m.id, fileSystemId: m.fileSystemId, subnetId: m.subnetId, groupIds: m.securityGroupIds}))
}

const groupLabel = (ids: string[], s: Snapshot) =>
  ids.length === 0 ? 'no security group' : ids.map(id => (s.securityGroups?.[id]?.name ? `${id} (${s.securityGroups[id].name})` : id)).join(', ')

/** Live hosts grouped by subnet + security groups; template hosts (launch templates) once per subnet they launch into. */
function hostUnits(s: Snapshot): HostUnit[] {
  const units: HostUnit[] = []
  if (s.instances || s.containerInstances) {
    const ids = s.containerInstances ? s.containerInstances.map(c => c.ec2InstanceId) : Object.keys(s.instances ?? {})
    const groups = new Map<string, string[]>()
    for (const id of ids) {
      const inst = s.instances?.[id]
      const key = JSON.stringify([inst?.subnetId ?? '', [...(inst?.securityGroupIds ?? [])].sort()])
      groups.set(key, [...(groups.get(key) ?? []), id])
    }
    for (const [key, members] of groups) {
      const [subnetId, groupIds] = JSON.parse(key) as [string, string[]]
      const first = s.instances?.[members[0]]
      const userData = [...new Set(members.map(id => s.instances?.[id]?.userDataId).filter((u): u is string => Boolean(u)))]
      const az = {name: first?.azName}
      const sgs = groupLabel(groupIds, s)
      if (members.length > GROUP_ABOVE) {
        const asgs = [...new Set(members.map(id => s.instances?.[id]?.autoScalingGroupName ?? ''))]
        const lines = [`${members.length} instances in ${subnetId || 'an unknown subnet'}`, `SG ${sgs}`]
        if (asgs.length === 1 && asgs[0]) lines.push(`Auto Scaling group ${asgs[0]}`)
        units.push({subjects: [...members, ...userData], lines, subnetId: subnetId || undefined, groupIds, az})
      } else {
        for (const id of members) {
          const inst = s.instances?.[id]
          units.push({subjects: [id, ...(inst?.userDataId ? [inst.userDataId] : [])], lines: [id, ...(inst?.privateIp ? [inst.privateIp] : []), `SG ${sgs}`],
            subnetId: subnetId || undefined, groupIds, az})
        }
      }
    }
  } else if (s.template) {
    for (const [host, groupIds] of Object.entries(s.template.hostSecurityGroups)) {
      const asgs = (s.autoScalingGroups ?? []).filter(a => a.launchTemplate?.id === host || a.launchConfigurationName === host)
      const subnets = [...new Set([...asgs.flatMap(a => a.subnetIds), ...s.template.hostSubnets?.[host] ?? []])]
      for (const subnetId of subnets.length ? subnets : [undefined]) {
        const lines = [`hosts from ${host}`, ...(asgs.length ? [`Auto Scaling group ${asgs.map(a => a.name).join(', ')}`] : []), `SG ${groupLabel(groupIds, s)}`]
        units.push({subjects: [host], lines, subnetId, groupIds})
      }
    }
  }
  for (const svc of s.services ?? []) {
    if (!svc.subnetIds?.length || !svc.securityGroupIds) continue
    for (const subnetId of svc.subnetIds) {
      units.push({subjects: [svc.name], lines: [`service ${svc.name} (awsvpc tasks)`, `SG ${groupLabel(svc.securityGroupIds, s)}`], subnetId, groupIds: svc.securityGroupIds})
    }
  }
  return units
}

/** Builds the graph from the snapshot the report was made from; findings are referenced by index. */
export function buildTopology(report: Report, s: Snapshot): Topology {
  const findings = report.findings
  const bySubject = new Map<string, number[]>()
  const index = (key: unknown, i: number) => {
    if (typeof key !== 'string' || !key) return
    const at = bySubject.get(key)
    if (at) { if (at[at.length - 1] !== i) at.push(i) } else bySubject.set(key, [i])
  }
  findings.forEach((f, i) => {
    index(f.resource.id, i)
    index(evidence(f, 'host'), i)
    if (f.location?.logicalId) index(f.location.logicalId, i)
  })
  const about = (...keys: (string | undefined)[]) => [...new Set(keys.flatMap(k => (k ? bySubject.get(k) ?? [] : [])))]

  const fsIds = (s.scope.fileSystems ?? []).map(f => f.id)
  const inScope = new Set(fsIds)
  const mts = mountTargetsOf(s, inScope)
  const units = hostUnits(s)
  const clusterWide = findings.flatMap((f, i) => (f.resource.type === 'ecs-cluster' ? [i] : []))

  const subnetAz = (subnetId?: string) => {
    const sub = subnetId ? s.subnets?.[subnetId] : undefined
    return {id: sub?.azId, name: sub?.azName}
  }
  const columns = new Map<string, TopoColumn>()
  const columnOf = (subnetId: string | undefined, fallback?: {id?: string; name?: string}): string => {
    const az = subnetAz(subnetId)
    const id = az.id ?? fallback?.id
    const name = az.name ?? fallback?.name
    let key: string, label: string
    if (id || name) {
      // NOTE: the AZ id (euw1-az1) names the same place in every account; the name (eu-west-1a) is per account.
      key = `az:${id ?? name}`
      label = [id, name].filter(Boolean).join(' · ')
    } else if (subnetId) {
      key = `subnet:${subnetId}`
      label = s.template?.subnetAzExpressions?.[subnetId] ? `AZ of ${subnetId} (chosen at deploy)` : `AZ of ${subnetId} (not known)`
    } else {
      key = 'unknown'
      label = 'AZ not known'
    }
    if (!columns.has(key)) columns.set(key, {key, label})
    return key
  }
  // Ids of a mount target's AZ, so an instance-only AZ name still meets its mount target's AZ id.
  const mtColumn = new Map(mts.map(m => {
    const live = s.mountTargets?.find(x => x.id === m.id)
    return [m.id, columnOf(m.subnetId, {id: live?.azId, name: live?.azName})]
  }))

  const nodes = new Map<string, TopoNode>()
  const node = (id: string, kind: NodeKind, lines: string[], column: string | undefined, found: number[]) => {
    const existing = nodes.get(id)
    if (existing) return existing
    const n: TopoNode = {id, kind, lines, column, findings: found, status: 'none'}
    nodes.set(id, n)
    return n
  }
  const edges = new Map<string, {edge: TopoEdge; set: Set<number>}>()
  const link = (from: string, to: string, meaning: string, found: Iterable<number>) => {
    const id = `${from}>${to}`
    const e = edges.get(id) ?? edges.set(id, {edge: {id, from, to, meaning, findings: [], status: 'none', failing: []}, set: new Set()}).get(id)!
    for (const i of found) e.set.add(i)
  }

  for (const fsId of fsIds) {
    const fs = s.fileSystems?.find(f => f.id === fsId) ?? s.template?.fileSystems.find(f => f.id === fsId)
    node(`fs:${fsId}`, 'file-system', [`file system ${fsId}`, ...(fs?.name ? [fs.name] : [])], undefined, about(fsId))
  }
  for (const m of mts) {
    const col = mtColumn.get(m.id)!
    const groups = m.groupIds ?? []
    node(`mtsg:${m.id}`, 'mount-target-sg', [`mount target SG`, groups.length ? groupLabel(groups, s) : 'not known'], col, about(...groups))
    node(`mt:${m.id}`, 'mount-target', [`mount target ${m.id}`, [m.subnetId, m.ip].filter(Boolean).join(' · ')], col, about(m.id))
    const perAz = about(m.fileSystemId).filter(i => findings[i].checkId === PER_AZ && str(evidence(findings[i], 'mountTargetId')) === m.id)
    link(`mtsg:${m.id}`, `mt:${m.id}`, 'the mount target\'s security group lets NFS (TCP 2049) in', [])
    link(`mt:${m.id}`, `fs:${m.fileSystemId}`, 'the mount target is available for the file system', [...about(m.id), ...perAz])
  }

  units.forEach((u, n) => {
    const col = columnOf(u.subnetId, u.az)
    const hostFindings = about(...u.subjects).filter(i => aboutSubnet(findings[i], u.subnetId))
    const hostId = `hosts:${n}`
    node(hostId, 'hosts', u.lines, col, hostFindings)
    const subnetNode = `subnet:${u.subnetId ?? '?'}:${col}`
    const sub = u.subnetId ? s.subnets?.[u.subnetId] : undefined
    const acl = u.subnetId ? (s.networkAcls?.find(a => a.subnetIds.includes(u.subnetId!)) ?? s.networkAcls?.find(a => a.isDefault && a.vpcId === sub?.vpcId)) : undefined
    node(subnetNode, 'subnet', [`subnet ${u.subnetId ?? 'not known'}`, ...(sub?.cidr ? [sub.cidr] : []), `NACL ${acl?.id ?? 'not known'}`], col,
      about(u.subnetId, acl?.id))
    // NOTE: a check that could not look at all says so once, on the cluster; that verdict belongs on every link it judges.
    const of = (checks: string[]) => [...hostFindings, ...clusterWide].filter(i => checks.includes(findings[i].checkId))
    link(hostId, subnetNode, 'the hosts\' security groups let NFS (TCP 2049) out', of(EGRESS))
    for (const fsId of fsIds) {
      const here = mts.filter(m => m.fileSystemId === fsId && mtColumn.get(m.id) === col)
      const mt = here.find(m => m.subnetId === u.subnetId) ?? here[0]
      if (mt) {
        link(subnetNode, `mtsg:${mt.id}`, 'the NACLs of both subnets let NFS through, both ways', of(NACL).filter(i => aboutMountTarget(findings[i], mt.id)))
        link(`mtsg:${mt.id}`, `mt:${mt.id}`, 'the mount target\'s security group lets NFS (TCP 2049) in', of(INGRESS).filter(i => aboutMountTarget(findings[i], mt.id)))
      } else {
        const azId = subnetAz(u.subnetId).id ?? u.az?.id
        const perAz = about(fsId).filter(i => findings[i].checkId === PER_AZ && !str(evidence(findings[i], 'mountTargetId')) &&
          (str(evidence(findings[i], 'azId')) === azId || str(evidence(findings[i], 'subnet')) === u.subnetId ||
            (list(evidence(findings[i], 'asgSubnets')) ?? []).includes(u.subnetId ?? '')))
        link(subnetNode, `fs:${fsId}`, 'a mount target for the file system in this AZ', perAz)
      }
    }
  })

  for (const td of s.taskDefinitions ?? []) {
    const name = tdLabel(td)
    const uses = new Set<string>()
    for (const v of td.volumes) {
      if (v.efsVolumeConfiguration && inScope.has(v.efsVolumeConfiguration.fileSystemId)) uses.add(v.efsVolumeConfiguration.fileSystemId)
      if (v.host?.sourcePath) {
        const named = (s.scope.fileSystems ?? []).filter(f => f.reasons.some(r => r.startsWith(`task definition ${name} `) || r.startsWith(`task definition ${td.family}:`)))
        for (const f of named.length ? named : fsIds.length === 1 ? [{id: fsIds[0]}] : []) uses.add(f.id)
      }
    }
    if (uses.size === 0) continue
    const tdFindings = about(name, td.arn, td.location?.logicalId)
    const volumes = td.volumes.filter(v => v.efsVolumeConfiguration || v.host?.sourcePath).map(v => v.name)
    node(`td:${td.arn}`, 'task-definition', [`task definition ${name}`, `volume ${volumes.join(', ')}`], undefined, tdFindings)
    for (const fsId of uses) link(`fs:${fsId}`, `td:${td.arn}`, 'the task definition\'s volume reaches the file system', tdFindings)
  }

  const topoEdges = [...edges.values()].map(({edge, set}) => {
    edge.findings = [...set].sort((a, b) => a - b)
    edge.status = worstStatus(findings, edge.findings)
    if (edge.status === 'fail') edge.failsWithError = failsWithError(findings, edge.findings)
    edge.failing = [...new Set(edge.findings.filter(i => findings[i].status === 'fail' && !findings[i].ignored).map(i => findings[i].checkId))].sort()
    return edge
  })
  const order: NodeKind[] = ['hosts', 'subnet', 'mount-target-sg', 'mount-target', 'file-system', 'task-definition']
  const topoNodes = [...nodes.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind))
  for (const n of topoNodes) {
    n.status = worstStatus(findings, n.findings)
    if (n.status === 'fail') n.failsWithError = failsWithError(findings, n.findings)
  }
  const used = new Set(topoNodes.map(n => n.column))
  return {
    columns: [...columns.values()].filter(c => used.has(c.key)).sort((a, b) => byText(a.label, b.label)),
    nodes: topoNodes,
    edges: topoEdges,
    aggregated: topoNodes.filter(n => n.kind === 'hosts' && / instances in /.test(n.lines[0])).length,
  }
}
