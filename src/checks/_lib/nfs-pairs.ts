/**
 * The (file system, active instance, mount target that serves it) triples the network checks evaluate, and the
 * shared outcomes for the cases they all handle the same way.
 */
import {asKept, COUNTED_PASS, skipped, unknown} from '../../core/define-check.js'
import {memo} from '../../core/memo.js'
import type {Outcome, Resource} from '../../core/types.js'
import type {FileSystem, Instance, MountTarget, Snapshot} from '../../model/snapshot.js'
import {activeInstances, fileSystemRefs, instanceAzId, mountTargetInAz, res} from './scope.js'
import {instanceFileSystems} from './usage.js'
import {mountTargetsNamed, mountTargetUsedBy} from './mount-usage.js'

export interface NfsPair {
  fs: FileSystem
  instance: Instance
  /** The mount target the instance's traffic goes to: the available one in its AZ, or the one it mounts by IP. */
  mt?: MountTarget
  /** The instance's UserData names `mt` itself (by IP or AZ), in another AZ: see mountTargetUsedBy. */
  named?: boolean
  /** Mount targets in other AZs the UserData names by IP, when which one this instance uses cannot be told. */
  candidates?: readonly MountTarget[]
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
        if (mountTargetsNamed(s, instance, fs.id).length > 0) {
          out.push({fs, instance, ...mountTargetUsedBy(s, fs.id, instance)})
          continue
        }
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

const where = (mt: MountTarget): string => `${mt.id} (${[mt.ipAddress, mt.azName ?? mt.azId].filter(Boolean).join(', ')})`

/** Outcome for an instance whose UserData mounts one of several mount targets in other AZs by IP. */
const unknownMountTarget = (p: NfsPair, candidates: readonly MountTarget[]): Outcome =>
  unknown(res.instance(p.instance), `${p.instance.id}'s UserData names mount targets of ${p.fs.id} itself: one of ${candidates.map(where).join(', ')}, none in its own AZ, and which one it uses cannot be told, so the network path to it is not evaluated.`,
    {evidence: {fileSystemId: p.fs.id, mountTargets: candidates.map(mt => mt.id)}})

/**
 * One outcome per (file system, active instance): `noMountTarget` where no mount target serves the instance, else
 * what `each` says about the pair (given the instance resource), in nfsPairs order; keyed by the file system. A pair
 * whose mount target the UserData names by IP in another AZ says so in its message.
 */
export function perServedPair(s: Snapshot, each: (fs: FileSystem, instance: Instance, mt: MountTarget, r: Resource) => Outcome): Outcome[] {
  return nfsPairs(s).map(p => {
    // NOTE: the outcome was just made for this pair, so the key and message are set on it rather than on a copy.
    const o = p.mt ? each(p.fs, p.instance, p.mt, res.instance(p.instance)) : p.candidates ? unknownMountTarget(p, p.candidates) : noMountTarget(p)
    if (o === COUNTED_PASS) return o
    if (p.named && p.mt && o.message) o.message += ` (${p.instance.id}'s UserData mounts ${p.fs.id} through ${where(p.mt)}, which it names itself, not through the mount target of its own AZ.)`
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

export {mountTargetIps} from './scope.js'
