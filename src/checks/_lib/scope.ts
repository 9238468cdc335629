/** Shared, pure helpers for checks: which instances are in scope, how resources are named. */
import {pushTo} from '../../core/group.js'
import {memo} from '../../core/memo.js'
import type {Resource} from '../../core/types.js'
import type {ContainerInstance, FileSystem, Instance, MountTarget, Snapshot} from '../../model/snapshot.js'

/**
 * Container instances the later checks evaluate: ACTIVE with the agent connected, and a known EC2 instance. One list
 * per check run (callers must not change it).
 */
export function activeInstances(s: Snapshot): readonly {ci: ContainerInstance; instance: Instance}[] {
  return memo(s, 'activeInstances', () => {
    const out: {ci: ContainerInstance; instance: Instance}[] = []
    for (const ci of s.containerInstances ?? []) {
      const instance = s.instances?.[ci.ec2InstanceId]
      if (ci.status === 'ACTIVE' && ci.agentConnected && instance && instance.state === 'running') out.push({ci, instance})
    }
    return out
  })
}

/**
 * The file systems in scope that were found (lookups that failed are reported by efs/file-system-exists). One list
 * per check run (callers must not change it).
 */
export function scopedFileSystems(s: Snapshot): readonly FileSystem[] {
  return memo(s, 'scopedFileSystems', () => {
    const ids = new Set(s.scope.fileSystems.map(f => f.id))
    return (s.fileSystems ?? []).filter(fs => ids.has(fs.id))
  })
}

/**
 * The file systems in scope for checks that only need their ids (network paths, host facts): the described ones,
 * or — when DescribeFileSystems itself failed — bare ids from the scope, so those checks still run. One list per check
 * run (callers must not change it).
 */
export function fileSystemRefs(s: Snapshot): readonly FileSystem[] {
  if (s.fileSystems !== undefined) return scopedFileSystems(s)
  return memo(s, 'fileSystemRefs', () => s.scope.fileSystems.map(f => ({id: f.id, lifeCycleState: 'unknown'})))
}

const NO_MOUNT_TARGETS: readonly MountTarget[] = []

/** The mount targets of a file system, from one index per check run (callers must not change the list). */
export function mountTargetsOf(s: Snapshot, fsId: string): readonly MountTarget[] {
  const byFs = memo(s, 'mountTargetsByFs', () => {
    const m = new Map<string, MountTarget[]>()
    for (const mt of s.mountTargets ?? []) {
      pushTo(m, mt.fileSystemId, mt)
    }
    return m
  })
  return byFs.get(fsId) ?? NO_MOUNT_TARGETS
}

/** AZ id of an instance, from its subnet (AZ names are shuffled per account; ids are not). */
export function instanceAzId(s: Snapshot, instance: Instance): string | undefined {
  return instance.subnetId ? s.subnets?.[instance.subnetId]?.azId : undefined
}

/**
 * The available mount target of `fsId` in an AZ: same AZ id, falling back to the AZ name when either id is missing.
 * An AZ known by neither (both names missing too) matches nothing, never the first mount target.
 */
export function mountTargetInAz(s: Snapshot, fsId: string, az: {azId?: string; azName?: string}): MountTarget | undefined {
  return mountTargetsOf(s, fsId).find(mt => mt.lifeCycleState === 'available' && inAz(mt, az))
}

/** Whether a mount target is in an AZ: same AZ id, else the same AZ name when either id is missing; never by neither. */
const inAz = (mt: MountTarget, az: {azId?: string; azName?: string}): boolean =>
  az.azId && mt.azId ? mt.azId === az.azId : mt.azName !== undefined && mt.azName === az.azName

/** Whether a mount target is in an instance's AZ (its subnet's AZ id, else its AZ name). */
export const inInstanceAz = (s: Snapshot, mt: MountTarget, instance: Instance): boolean =>
  inAz(mt, {azId: instanceAzId(s, instance), azName: instance.azName})

export function mountTargetIps(mt: MountTarget): string[] {
  return [mt.ipAddress, mt.ipv6Address].filter((x): x is string => Boolean(x))
}

/** The available mount target that serves an instance (its subnet's AZ id, else its AZ name). */
export function mountTargetForInstance(s: Snapshot, fsId: string, instance: Instance): MountTarget | undefined {
  return mountTargetInAz(s, fsId, {azId: instanceAzId(s, instance), azName: instance.azName})
}

export const res = {
  instance: (i: Instance): Resource => ({type: 'ec2-instance', id: i.id}),
  fileSystem: (fs: FileSystem): Resource => ({type: 'efs-file-system', id: fs.id, arn: fs.arn}),
  mountTarget: (mt: MountTarget): Resource => ({type: 'efs-mount-target', id: mt.id}),
  cluster: (s: Snapshot): Resource => ({type: 'ecs-cluster', id: s.cluster?.name ?? s.scope.cluster ?? 'cluster', arn: s.cluster?.arn}),
}
