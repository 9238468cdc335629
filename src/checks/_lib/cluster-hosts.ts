/**
 * Lint: which hosts a task definition runs on. A template may hold several clusters (one per stack), so a task
 * definition's host-path volumes are judged only against the hosts of the cluster its service runs on:
 * AWS::ECS::Service → Cluster → the launch templates / launch configurations whose UserData writes ECS_CLUSTER for that
 * cluster, or that a capacity provider of that cluster launches. With one cluster (or none) in the template every host
 * is that cluster's, as before. Anything else is ambiguous: the caller says `unknown` and lists the candidates.
 * Live snapshots are one cluster: every host.
 */
import {pushTo} from '../../core/group.js'
import {memo} from '../../core/memo.js'
import type {Service, Snapshot, TaskDefinition} from '../../model/snapshot.js'
import {tdId} from './task-definitions.js'
import {parseUd} from './user-data.js'

export type TaskHosts =
  /** Every host in the snapshot (live, or a template with at most one cluster). */
  | {kind: 'all'}
  /** These hosts (UserData ids) of the clusters its services run on. */
  | {kind: 'hosts'; hosts: string[]; clusters: string[]}
  /** Not known: why, and the hosts it may run on. */
  | {kind: 'ambiguous'; why: string; candidates: string[]}

const isTemplate = (s: Snapshot): boolean => s.scope.source === 'template' && s.template !== undefined

/** Template: the declared cluster an ECS_CLUSTER value names (`${Cluster2}`, or a cluster's literal name). */
export function templateClusterNamed(s: Snapshot, value: string): string | undefined {
  const byValue = memo(s, 'clustersByValue', () => {
    const m = new Map<string, string>()
    for (const c of s.template?.clusters ?? []) {
      m.set(`\${${c.id}}`, c.id)
      if (c.name && !m.has(c.name)) m.set(c.name, c.id)
    }
    return m
  })
  return byValue.get(value)
}

/** Template cluster logical id → the hosts (UserData ids) that join it; plus the hosts whose cluster is not known. */
function clusterHosts(s: Snapshot): {byCluster: Map<string, string[]>; unplaced: string[]} {
  return memo(s, 'clusterHosts', () => {
    const clusters = s.template?.clusters ?? []
    const byCluster = new Map<string, string[]>(clusters.map(c => [c.id, []]))
    const byProvider = new Map<string, string[]>()
    for (const c of clusters) for (const h of c.capacityProviderHosts) pushTo(byProvider, h, c.id)
    const unplaced: string[] = []
    for (const ud of s.userData ?? []) {
      const settings = parseUd(ud).ecsConfig.filter(x => x.key === 'ECS_CLUSTER')
      const value = settings[settings.length - 1]?.value
      const joined = new Set([...(value === undefined ? [] : [templateClusterNamed(s, value)]), ...(byProvider.get(ud.id) ?? [])].filter((x): x is string => x !== undefined))
      if (joined.size === 0) unplaced.push(ud.id)
      for (const c of joined) byCluster.get(c)!.push(ud.id)
    }
    return {byCluster, unplaced}
  })
}

/** The services that run a task definition (by its ARN or family:revision), from one index per check run. */
export function servicesRunning(s: Snapshot, td: TaskDefinition): Service[] {
  const byTd = memo(s, 'servicesByTaskDefinition', () => {
    const m = new Map<string, Service[]>()
    for (const svc of s.services ?? []) pushTo(m, svc.taskDefinitionArn, svc)
    return m
  })
  const ids = [...new Set([td.arn, tdId(td)])]
  return ids.flatMap(id => byTd.get(id) ?? [])
}

/** The hosts a task definition runs on (see the file comment). */
export function taskDefinitionHosts(s: Snapshot, td: TaskDefinition): TaskHosts {
  if (!isTemplate(s)) return {kind: 'all'}
  const declared = s.template?.clusters ?? []
  if (declared.length <= 1) return {kind: 'all'}
  const clusters = [...new Set(servicesRunning(s, td).map(svc => svc.cluster).filter((c): c is string => c !== undefined))]
  const {byCluster, unplaced} = clusterHosts(s)
  if (clusters.length === 0) {
    return {kind: 'ambiguous', why: `no service in the template runs it, so which of the ${declared.length} clusters (and hosts) it runs on is not known`, candidates: (s.userData ?? []).map(u => u.id)}
  }
  const missing = clusters.filter(c => !byCluster.get(c)?.length)
  if (missing.length) {
    const named = missing.map(c => byCluster.has(c) ? `cluster ${c}` : `${c} (not declared in this template)`).join(', ')
    return {kind: 'ambiguous', why: `no host in the template is known to join ${named} (no UserData writes ECS_CLUSTER for it and no capacity provider launches it)`, candidates: unplaced}
  }
  return {kind: 'hosts', hosts: [...new Set(clusters.flatMap(c => byCluster.get(c)!))], clusters}
}

/** "a, b, c and 7 more": a candidate list short enough for one message. */
export function listCandidates(ids: readonly string[], max = 10): string {
  if (ids.length === 0) return 'none in this template'
  return ids.length > max ? `${ids.slice(0, max).join(', ')} and ${ids.length - max} more` : ids.join(', ')
}
