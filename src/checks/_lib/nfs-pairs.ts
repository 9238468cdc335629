/**
 * The (file system, active instance, mount target that serves it) triples the network checks evaluate, and the
 * shared outcomes for the cases they all handle the same way.
 */
import {asKept, skipped} from '../../core/define-check.js'
import {memo} from '../../core/memo.js'
import type {Outcome, Resource} from '../../core/types.js'
import type {FileSystem, Instance, MountTarget, Snapshot} from '../../model/snapshot.js'
import {activeInstances, fileSystemRefs, instanceAzId, mountTargetInAz, res} from './scope.js'
import {instanceFileSystems} from './usage.js'

export interface NfsPair {
  fs: FileSystem
  instance: Instance
  /** The available mount target in the instance's AZ, if any. */
  mt?: MountTarget
}

/**
 * The (file system, instance) pairs that are used (see usage.ts): never every instance × every file system. Computed
 * once per check run (the network checks share it); callers must not change it.
 */
export function nfsPairs(s: Snapshot): readonly NfsPair[] {
  return memo(s, 'nfsPairs', () => {
    const active = activeInstances(s).map(({instance}) => {
      const azId = instanceAzId(s, instance)
      return {instance, uses: instanceFileSystems(s, instance), az: {azId, azName: instance.azName}, azKey: `${azId ?? ''} ${instance.azName ?? ''}`}
    })
    const out: NfsPair[] = []
    for (const fs of fileSystemRefs(s)) {
      // NOTE: the mount target depends only on the AZ: looked up once per (file system, AZ), not per instance.
      const byAz = new Map<string, MountTarget | undefined>()
      for (const {instance, uses, az, azKey} of active) {
        if (!uses.has(fs.id)) continue
        if (!byAz.has(azKey)) byAz.set(azKey, mountTargetInAz(s, fs.id, az))
        out.push({fs, instance, mt: byAz.get(azKey)})
      }
    }
    return out
  })
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
  return nfsPairs(s).map(p => {
    // NOTE: the outcome was just made for this pair, so the key is set on it rather than on a copy (one per pair).
    const o = p.mt ? each(p.fs, p.instance, p.mt, res.instance(p.instance)) : noMountTarget(p)
    o.key = {fileSystem: p.fs.id, ...o.key}
    return asKept(s, o)
  })
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
