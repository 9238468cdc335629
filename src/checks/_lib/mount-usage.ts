/**
 * Pure helpers that read how clients mount EFS from what the snapshot holds: fstab lines and `mount` commands in
 * UserData text, and task definitions' efsVolumeConfiguration. Line-based and deliberately forgiving: a line we do
 * not understand is ignored, and callers treat "no mount found" as "not known", never as a pass.
 */
import {pushTo} from '../../core/group.js'
import {memo} from '../../core/memo.js'
import type {EfsVolumeConfiguration, Instance, MountTarget, Snapshot, TaskDefinition, TaskVolume, UserData} from '../../model/snapshot.js'
import {inInstanceAz, mountTargetForInstance, mountTargetIps, mountTargetsOf} from './scope.js'
import {parseDevice, parseUd} from './user-data.js'
import {deviceFileSystem, deviceIndex, userDataOf} from './usage.js'

export interface MountUse {
  /** 1-based line in the UserData text. */
  line: number
  /** The host part of the device: an fs id, an EFS DNS name or an IP. */
  host: string
  fsId?: string
  /** 'efs' (efs-utils), 'nfs4', 'nfs', or undefined when the line did not say. */
  type?: string
  options: string[]
  /** The client resolves a DNS name at mount time (efs-utils by fs id, or an EFS DNS name). */
  byDnsName: boolean
  userDataId: string
}

/** Mounts named in one UserData script (fstab entries, `mount` commands, cloud-config `mounts:`), via the shared parser. */
export function parseMounts(u: UserData): MountUse[] {
  const parsed = parseUd(u)
  const raw = [
    ...parsed.fstab.map(f => ({line: f.line, device: f.device, type: f.fsType, options: f.options})),
    ...parsed.mounts.filter(m => m.kind !== 'all' && m.device).map(m => ({line: m.line, device: m.device!, type: m.fsType, options: m.options})),
  ]
  return raw.flatMap(({line, device, type, options}): MountUse[] => {
    const d = parseDevice(device)
    if (!d.ip && !d.fsId && !d.dnsName?.includes('.efs.')) return []
    const host = d.ip ?? d.dnsName ?? d.fsId!
    const fsId = d.fsId && /^fs-[0-9a-f]+$/.test(d.fsId) ? d.fsId : undefined
    const byDnsName = !d.ip && !options.some(o => o.startsWith('mounttargetip='))
    return [{line, host, fsId, type: type?.toLowerCase(), options, byDnsName, userDataId: u.id}]
  }).sort((a, b) => a.line - b.line)
}

export const mountUsesTls = (m: MountUse): boolean => m.type === 'efs' && m.options.includes('tls')
export const mountUsesIam = (m: MountUse): boolean => m.type === 'efs' && m.options.includes('iam')
/** efs-utils always adds noresvport; plain NFS needs it spelled out. */
export const mountUsesNoresvport = (m: MountUse): boolean => m.type === 'efs' || m.options.includes('noresvport')

/** parseMounts, once per script in a check run (a snapshot `runChecks` memoizes; see core/memo.ts). */
export function mountsIn(s: Snapshot, u: UserData): readonly MountUse[] {
  const cache = memo(s, 'mountsIn', () => new Map<UserData, MountUse[]>())
  let mounts = cache.get(u)
  if (!mounts) cache.set(u, mounts = parseMounts(u))
  return mounts
}

/** Mounts of `fsId` in all UserData (or in `scripts`): by fs id / DNS name, or by the IP of one of its mount targets. */
export function mountsOfFs(s: Snapshot, fsId: string, scripts?: readonly UserData[]): MountUse[] {
  if (!scripts) return [...(mountsByFs(s).get(fsId) ?? [])]
  const ips = new Set(mountTargetsOf(s, fsId).flatMap(mountTargetIps))
  return scripts.flatMap(u => mountsIn(s, u)).filter(m => m.fsId === fsId || (!m.fsId && ips.has(m.host)))
}

/** Every script's mounts grouped by the file system they name (fs id, or a mount target's IP): one pass over all UserData. */
function mountsByFs(s: Snapshot): Map<string, MountUse[]> {
  return memo(s, 'mountsByFs', () => {
    const byIp = new Map<string, string>()
    for (const mt of s.mountTargets ?? []) for (const ip of mountTargetIps(mt)) if (!byIp.has(ip)) byIp.set(ip, mt.fileSystemId)
    // NOTE: lint: `${FileSystem}:/` names the template's file system (deviceFileSystem resolves the logical id).
    const templateIndex = s.scope.source === 'template' ? deviceIndex(s) : undefined
    const out = new Map<string, MountUse[]>()
    for (const u of s.userData ?? []) {
      for (const m of mountsIn(s, u)) {
        const fsId = m.fsId ?? byIp.get(m.host) ?? (templateIndex ? deviceFileSystem(s, m.host, templateIndex) : undefined)
        if (fsId === undefined) continue
        pushTo(out, fsId, m)
      }
    }
    return out
  })
}

export {userDataOf} from './usage.js'

const NO_MOUNT_TARGETS: readonly MountTarget[] = []

/**
 * The mount targets of `fsId` that a UserData script names itself, in the order first named: by IP (a device
 * `10.0.1.25:/`, or efs-utils' `mounttargetip=`), or by AZ (the AZ-specific DNS name `eu-west-1a.fs-….efs.…`, or
 * efs-utils' `az=eu-west-1a`). Empty when it mounts by file-system id or plain DNS name, which the client resolves to
 * the mount target of its own AZ. Worked out once per script per check run.
 */
export function mountTargetsNamedIn(s: Snapshot, u: UserData | undefined, fsId: string): readonly MountTarget[] {
  if (!u) return NO_MOUNT_TARGETS
  const byScript = memo(s, 'mountTargetsNamed', () => new Map<UserData, Map<string, MountTarget[]>>())
  let named = byScript.get(u)
  if (!named) {
    const byIp = memo(s, 'mountTargetsByIp', () => {
      const m = new Map<string, MountTarget>()
      for (const mt of s.mountTargets ?? []) for (const ip of mountTargetIps(mt)) if (!m.has(ip)) m.set(ip, mt)
      return m
    })
    const out = new Map<string, MountTarget[]>()
    const add = (mt: MountTarget | undefined) => { if (mt && !out.get(mt.fileSystemId)?.includes(mt)) pushTo(out, mt.fileSystemId, mt) }
    const inAz = (fs: string | undefined, az: string | undefined) => fs && az ? mountTargetsOf(s, fs).find(mt => mt.azName === az) : undefined
    for (const m of mountsIn(s, u)) {
      const option = (key: string) => m.options.find(o => o.startsWith(`${key}=`))?.slice(key.length + 1)
      for (const ip of [m.host, option('mounttargetip')]) add(ip === undefined ? undefined : byIp.get(ip))
      // NOTE: `eu-west-1a.fs-….efs.eu-west-1.amazonaws.com` (the label before the file-system id names an AZ), or az=.
      const labels = m.host.split('.')
      const azLabel = labels.length > 3 && labels[2] === 'efs' && isAzName(labels[0]) ? labels[0] : undefined
      add(inAz(m.fsId ?? labels[1], azLabel ?? option('az')))
    }
    byScript.set(u, named = out)
  }
  return named.get(fsId) ?? NO_MOUNT_TARGETS
}

/** `eu-west-1a`, `us-gov-west-1b`: letters, then words, then a digit and a letter (no regex: the text is the host's). */
function isAzName(label: string): boolean {
  const parts = label.split('-')
  const last = parts[parts.length - 1]
  return parts.length >= 3 && /^[a-z]{2}$/.test(parts[0]) && parts.slice(1, -1).every(p => /^[a-z]+$/.test(p)) && /^\d[a-z]$/.test(last)
}

/** mountTargetsNamedIn for the script an instance booted with. */
export const mountTargetsNamed = (s: Snapshot, instance: Instance, fsId: string): readonly MountTarget[] =>
  mountTargetsNamedIn(s, userDataOf(s, instance), fsId)

/**
 * Which mount target an instance's NFS traffic to `fsId` goes to. By default the available one in its AZ (what a
 * mount by file-system id or DNS name resolves to). When its UserData names mount targets itself (mountTargetsNamed)
 * and none in its AZ, the one it names (`named`), wherever it is: a host in eu-west-1b that mounts 10.20.1.25 or
 * eu-west-1a.fs-….efs.… needs that mount target's security group and NACLs to let it in, not those of its own AZ. When
 * it names several in other AZs (a script that picks one at boot), which one a host uses cannot be told: `mt` is
 * undefined and `candidates` lists them.
 */
export function mountTargetUsedBy(s: Snapshot, fsId: string, instance: Instance): {mt?: MountTarget; named?: boolean; candidates?: readonly MountTarget[]} {
  const own = mountTargetForInstance(s, fsId, instance)
  const named = mountTargetsNamed(s, instance, fsId)
  if (named.length === 0 || named.some(mt => inInstanceAz(s, mt, instance))) return {mt: own}
  if (named.length === 1) return {mt: named[0], named: true}
  return {candidates: named}
}

export interface EfsVolumeUse {taskDefinition: TaskDefinition; volume: TaskVolume; config: EfsVolumeConfiguration}

/** Task-definition volumes that mount `fsId` through the ECS volume plugin (efs-utils); indexed once per check run. */
export function efsVolumesOf(s: Snapshot, fsId: string): readonly EfsVolumeUse[] {
  const byFs = memo(s, 'efsVolumesByFs', () => {
    const out = new Map<string, EfsVolumeUse[]>()
    for (const td of s.taskDefinitions ?? []) {
      for (const v of td.volumes) {
        const config = v.efsVolumeConfiguration
        if (!config) continue
        pushTo(out, config.fileSystemId, {taskDefinition: td, volume: v, config})
      }
    }
    return out
  })
  return byFs.get(fsId) ?? []
}
