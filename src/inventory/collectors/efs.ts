/** EFS: file systems, their mount targets, file-system policies and access points. */
import {UsageError} from '../../core/errors.js'
import {send} from '../aws-clients.js'
import {mapLimit, paginate} from '../call.js'
import * as map from '../map.js'
import type {Snapshot} from '../../model/snapshot.js'
import {CONCURRENCY, type CollectContext, type FsDetails} from './context.js'

/**
 * Candidate file systems into `found.fileSystems`: the named ones one by one (a missing one ends the run), else every
 * file system in the region.
 */
export async function readFileSystems(ctx: CollectContext): Promise<void> {
  const {calls, clients, sdk: {efs}, found, explicitFileSystems: explicit} = ctx
  if (explicit.length) {
    await mapLimit(explicit, CONCURRENCY, async id => {
      const out = await calls.call('fileSystems', 'elasticfilesystem:DescribeFileSystems',
        () => send(clients.efs, new efs.DescribeFileSystemsCommand({FileSystemId: id})), {
          resourceIds: [id],
          onError: code => {
            if (code === 'FileSystemNotFound') throw new UsageError(`file system ${id} not found in ${ctx.region ?? 'the configured region'}`)
            return 'gap'
          },
        })
      for (const f of out?.FileSystems ?? []) found.fileSystems.set(f.FileSystemId ?? id, map.fileSystem(f))
      if (out) found.fileSystemsListed = true
    })
  } else {
    const r = await paginate(
      m => calls.call('fileSystems', 'elasticfilesystem:DescribeFileSystems',
        () => send(clients.efs, new efs.DescribeFileSystemsCommand({Marker: m, MaxItems: 100}))),
      p => p.FileSystems, p => p.NextMarker)
    for (const f of r.items) found.fileSystems.set(f.FileSystemId ?? '', map.fileSystem(f))
    found.fileSystemsListed = !r.failedFirst
  }
}

/** Mount targets of each file system into `found.mountTargetsByFs` (a file system that has gone has none). */
export async function fetchMountTargets(ctx: CollectContext, fsIds: string[]): Promise<void> {
  const {calls, clients, sdk: {efs}, found} = ctx
  await mapLimit(fsIds, CONCURRENCY, async fsId => {
    const r = await paginate(
      m => calls.call('mountTargets', 'elasticfilesystem:DescribeMountTargets',
        () => send(clients.efs, new efs.DescribeMountTargetsCommand({FileSystemId: fsId, Marker: m})), {
          resourceIds: [fsId],
          onError: code => (code === 'FileSystemNotFound' ? {value: {MountTargets: [], $metadata: {}}} : 'gap'),
        }),
      p => p.MountTargets, p => p.NextMarker)
    if (!r.failedFirst) found.mountTargetsByFs.set(fsId, r.items.map(map.mountTarget))
  })
}

/**
 * The snapshot's file systems and mount targets, limited to the scope; each mount target carries the security
 * groups of its network interface when they were read.
 */
export function recordFileSystemsInScope(ctx: CollectContext, scoped: string[]): void {
  const {snapshot: s, found} = ctx
  if (found.fileSystemsListed || found.fileSystems.size) s.fileSystems = scoped.flatMap(id => found.fileSystems.get(id) ?? [])
  const fetchedMts = scoped.filter(id => found.mountTargetsByFs.has(id))
  if (fetchedMts.length || !scoped.length) {
    s.mountTargets = fetchedMts.flatMap(id => found.mountTargetsByFs.get(id)!).map(m => {
      const groups = m.networkInterfaceId ? found.eniGroups.get(m.networkInterfaceId) : undefined
      return groups ? {...m, securityGroupIds: groups} : m
    })
  }
}

/** The scoped file systems known to exist. */
const existing = (ctx: CollectContext, ids: string[]): string[] =>
  ids.filter(id => !ctx.found.fileSystemsListed || ctx.found.fileSystems.has(id))

/** The policy and access points of one file system, read once however often they are asked for. */
function detailsOf(ctx: CollectContext, id: string): Promise<FsDetails> {
  const {calls, clients, sdk: {efs}, found} = ctx
  let details = found.fsDetails.get(id)
  if (!details) {
    details = Promise.all([
      calls.call('fileSystemPolicies', 'elasticfilesystem:DescribeFileSystemPolicy',
        () => send(clients.efs, new efs.DescribeFileSystemPolicyCommand({FileSystemId: id})), {
          resourceIds: [id],
          onError: code => (code === 'PolicyNotFound' ? {value: {Policy: undefined, $metadata: {}}} : 'gap'),
        }),
      paginate(t => calls.call('accessPoints', 'elasticfilesystem:DescribeAccessPoints',
        () => send(clients.efs, new efs.DescribeAccessPointsCommand({FileSystemId: id, NextToken: t})), {resourceIds: [id]}),
      p => p.AccessPoints, p => p.NextToken),
    ]).then(([policy, accessPoints]) => ({policy, accessPoints}))
    found.fsDetails.set(id, details)
  }
  return details
}

/**
 * Starts the reads of readPoliciesAndAccessPoints early, for file systems sure to be in scope (so they overlap other
 * calls instead of taking a round of their own at the end). Only for those: a read records its failure as a gap.
 */
export async function prefetchPoliciesAndAccessPoints(ctx: CollectContext, surelyScoped: string[]): Promise<void> {
  await mapLimit(existing(ctx, surelyScoped), CONCURRENCY, id => detailsOf(ctx, id))
}

/** File-system policy (null when there is none) and access points of each scoped file system known to exist. */
export async function readPoliciesAndAccessPoints(ctx: CollectContext, scoped: string[]): Promise<void> {
  const {snapshot: s} = ctx
  const ids = existing(ctx, scoped)
  const policies: NonNullable<Snapshot['fileSystemPolicies']> = {}
  const accessPoints: NonNullable<Snapshot['accessPoints']> = []
  let policyOk = ids.length === 0
  let apOk = ids.length === 0
  await mapLimit(ids, CONCURRENCY, async id => {
    const {policy, accessPoints: aps} = await detailsOf(ctx, id)
    if (policy) {
      policies[id] = policy.Policy ?? null
      policyOk = true
    }
    if (!aps.failedFirst) apOk = true
    accessPoints.push(...aps.items.map(map.accessPoint))
  })
  if (policyOk) s.fileSystemPolicies = policies
  if (apOk) s.accessPoints = accessPoints
}
