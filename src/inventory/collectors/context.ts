/**
 * What every collector shares during one collection: clients and SDK modules, the cluster and region, the snapshot
 * under construction, the call recorder (its gaps are the snapshot's gaps), scope notes, and the working state one
 * step fills and a later step reads. Collectors add to `snapshot` and `found`; collect.ts decides when each runs.
 */
import {UsageError} from '../../core/errors.js'
import type {AwsClients} from '../aws-clients.js'
import type {AccessPointDescription} from '@aws-sdk/client-efs'
import type {Calls} from '../call.js'
import type {FileSystem, MountTarget, Snapshot, UserData} from '../../model/snapshot.js'

export interface Sdk {
  ecs: typeof import('../sdk/ecs.js')
  ec2: typeof import('../sdk/ec2.js')
  efs: typeof import('../sdk/efs.js')
  asg: typeof import('../sdk/auto-scaling.js')
}

/** Working state that outlives one step (not part of the snapshot as such). */
export interface Found {
  /** Every file system read, in scope or not yet known to be. */
  fileSystems: Map<string, FileSystem>
  /** DescribeFileSystems answered, so a file system missing from `fileSystems` does not exist. */
  fileSystemsListed: boolean
  /** Mount targets per file system; absent when the call for that file system failed. */
  mountTargetsByFs: Map<string, MountTarget[]>
  /** Security groups of each mount-target network interface. */
  eniGroups: Map<string, string[]>
  /** UserData by id (`instance:…`, `launch-template:…:…`, `launch-configuration:…`). */
  userData: Map<string, UserData>
  /** AMI id → its name (ec2:DescribeImages), for the image each UserData's hosts run. */
  imageNames: Map<string, string>
  /** File-system id → its policy and access-point reads, started once (efs.readPoliciesAndAccessPoints). */
  fsDetails: Map<string, Promise<FsDetails>>
}

/** What DescribeFileSystemPolicy and DescribeAccessPoints answered for one file system (undefined: the call failed). */
export interface FsDetails {
  policy: {Policy?: string} | undefined
  accessPoints: {items: AccessPointDescription[]; failedFirst: boolean}
}

export interface CollectContext {
  clients: AwsClients
  sdk: Sdk
  cluster: string
  region: string | undefined
  /** File systems named with --file-system, deduplicated; empty means infer them. */
  explicitFileSystems: string[]
  calls: Calls
  snapshot: Snapshot
  notes: string[]
  found: Found
}

/** Concurrent calls per fan-out (per id, per launch template, …). */
export const CONCURRENCY = 10

export const clusterNotFound = (ctx: CollectContext): UsageError =>
  new UsageError(`cluster "${ctx.cluster}" not found in ${ctx.region ?? 'the configured region'}`)

/** onError for calls naming the cluster: a missing cluster ends the run, anything else is a gap. */
export const clusterMissing = (ctx: CollectContext) => (code: string): 'gap' => {
  if (code === 'ClusterNotFoundException') throw clusterNotFound(ctx)
  return 'gap'
}

/**
 * Marks a promise that is started now and awaited later as handled, so a fatal error (which every in-flight call
 * may hit at once) is not also reported as an unhandled rejection while an earlier await has already failed.
 */
export function settled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined)
  return p
}

export const uniq = <T>(xs: Iterable<T | undefined>): T[] => [...new Set([...xs].filter((x): x is T => x !== undefined && x !== ''))]
