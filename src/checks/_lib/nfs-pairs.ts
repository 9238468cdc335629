/**
 * The (file system, active instance, mount target that serves it) triples the network checks evaluate, and the
 * shared outcomes for the cases they all handle the same way.
 */
import {keyed, skipped} from '../../core/define-check.js'
import type {Outcome, Resource} from '../../core/types.js'
import type {FileSystem, Instance, MountTarget, Snapshot} from '../../model/snapshot.js'
import {activeInstances, fileSystemRefs, mountTargetForInstance, res} from './scope.js'
import {instanceFileSystems} from './usage.js'

export interface NfsPair {
  fs: FileSystem
  instance: Instance
  /** The available mount target in the instance's AZ, if any. */
  mt?: MountTarget
}

/** The (file system, instance) pairs that are used (see usage.ts): never every instance × every file system. */
export function nfsPairs(s: Snapshot): NfsPair[] {
  const active = activeInstances(s).map(({instance}) => ({instance, uses: instanceFileSystems(s, instance)}))
  return fileSystemRefs(s).flatMap(fs => active.filter(a => a.uses.has(fs.id))
    .map(({instance}) => ({fs, instance, mt: mountTargetForInstance(s, fs.id, instance)})))
}

/** Outcome for an instance with no mount target in its AZ: not this check's finding (efs/mount-target-per-az owns it). */
export const noMountTarget = (p: NfsPair): Outcome =>
  skipped(res.instance(p.instance), `${p.instance.id} has no available mount target of ${p.fs.id} in its AZ; see efs/mount-target-per-az.`,
    {evidence: {fileSystemId: p.fs.id}})

/**
 * One outcome per (file system, active instance): `noMountTarget` where no mount target serves the instance's AZ,
 * else what `each` says about the pair (given the instance resource), in nfsPairs order; keyed by the file system.
 */
export function perServedPair(s: Snapshot, each: (fs: FileSystem, instance: Instance, mt: MountTarget, r: Resource) => Outcome): Outcome[] {
  return nfsPairs(s).map(p => keyed(p.mt ? each(p.fs, p.instance, p.mt, res.instance(p.instance)) : noMountTarget(p), {fileSystem: p.fs.id}))
}

/** The IPs a client uses towards a mount target: IPv4, plus IPv6 when both ends have it. */
export function clientIps(instance: Instance, mt: MountTarget): string[] {
  const v4 = instance.privateIp && (mt.ipAddress || !mt.ipv6Address) ? [instance.privateIp] : []
  const v6 = mt.ipv6Address ? instance.ipv6Addresses ?? [] : []
  return [...v4, ...v6]
}

export function mountTargetIps(mt: MountTarget): string[] {
  return [mt.ipAddress, mt.ipv6Address].filter((x): x is string => Boolean(x))
}
