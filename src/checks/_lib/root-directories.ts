/**
 * The directories that must exist on a file system for a task volume to mount: a volume's
 * efsVolumeConfiguration.rootDirectory (without an access point), or its access point's RootDirectory.Path. Shared by
 * host/root-directory-exists and the probe's inputs (src/remote/probe.ts), so the probe looks at exactly what the
 * check asks about.
 */
import type {ProbeFacts, ProbeMount, ProbeRootDir} from '../../model/probe-facts.js'
import type {AccessPoint, Instance, Snapshot, TaskDefinition, TaskVolume} from '../../model/snapshot.js'
import {FS_ID_RE} from '../../model/ids.js'
import {checkHostPath} from '../../core/host-path.js'
import {isNfs, notProbedReason} from './host.js'
import {activeInstances} from './scope.js'
import {deviceFileSystem, probeMountFsId} from './usage.js'
import {parseDevice} from './user-data.js'
import {trimSlash} from '../../core/trim.js'

export interface RootDirectoryNeed {
  td: TaskDefinition
  volume: TaskVolume
  fileSystemId: string
  /** Relative to the file system's root, without a trailing slash, e.g. /reports. */
  path: string
  /** Set when the path is the access point's RootDirectory.Path. */
  accessPoint?: AccessPoint
  /** Why the probe does not look at it (the path fails the allow-list); undefined when it does. */
  notProbed?: string
}

/** The probe looks at no more than this many fs-id:/path items (EFSD_ROOT_DIRS). */
export const MAX_ROOT_DIR_ITEMS = 40

/**
 * Every task volume whose mount needs a directory other than the file system's root to exist. Access points with
 * CreationInfo are included (EFS creates their directory on first use; the check says so). Volumes whose access point
 * was not found, or not read, are left out: ecs/efs-volume-configuration and the gaps report them.
 */
export function rootDirectoryNeeds(s: Snapshot): RootDirectoryNeed[] {
  const out: RootDirectoryNeed[] = []
  for (const td of s.taskDefinitions ?? []) {
    for (const volume of td.volumes) {
      const efs = volume.efsVolumeConfiguration
      if (!efs) continue
      const apId = efs.authorizationConfig?.accessPointId
      const accessPoint = apId ? s.accessPoints?.find(a => a.id === apId) : undefined
      if (apId && !accessPoint) continue
      const raw = accessPoint ? accessPoint.rootDirectory?.path : efs.rootDirectory
      const path = trimSlash(raw ?? '/')
      const fileSystemId = accessPoint?.fileSystemId ?? efs.fileSystemId
      if (path === '/' || path === '' || !FS_ID_RE.test(fileSystemId)) continue
      const checked = checkHostPath(path)
      const problem = checked.ok ? undefined : checked.reason === 'dots' ? 'has a . or .. part'
        : 'is not an absolute path of letters, digits, ".", "_" and "-"'
      out.push({td, volume, fileSystemId, path, ...(accessPoint ? {accessPoint} : {}),
        ...(problem ? {notProbed: `the path ${problem}, so the probe does not look at it`} : {})})
    }
  }
  return out
}

/** The `fs-id:/path` items the probe is given: every need it may look at, except directories EFS creates itself. */
export function rootDirectoryProbeItems(s: Snapshot): string[] {
  const items = rootDirectoryNeeds(s)
    .filter(n => !n.notProbed && !n.accessPoint?.rootDirectory?.creationInfo)
    .map(n => `${n.fileSystemId}:${n.path}`)
  return [...new Set(items)].sort().slice(0, MAX_ROOT_DIR_ITEMS)
}

/** How a probed host mounts a file system's root: the mount, or why none of its mounts can be used. */
export type RootMount = {mount: ProbeMount} | {why: string}

/**
 * The host's mounts of `fsId`'s root (source `…:/`, not the ECS agent's per-task mounts) that go through no access
 * point; for a TLS mount (127.0.0.1) that is read from the efs-utils state file, and one whose state file could not be
 * read is not used. Each unusable mount of the file system comes back with the reason.
 */
export function rootMounts(s: Snapshot, f: ProbeFacts, fsId: string): RootMount[] {
  const out: RootMount[] = []
  for (const m of f.mounts) {
    if (!isNfs(m.fstype)) continue
    const device = parseDevice(m.source)
    if ((deviceFileSystem(s, m.source) ?? probeMountFsId(f.efsStateFiles, m)) !== fsId) continue
    if (device.path !== '/') continue
    if (/^\/var\/lib\/(ecs|docker)\//.test(m.target)) continue
    if (device.ip === '127.0.0.1') {
      const port = m.options.find(o => o.startsWith('port='))?.slice(5)
      const state = f.efsStateFiles.find(name => name.endsWith(`.${port}`))
      const ap = state === undefined ? undefined : f.efsStateAccessPoints?.[state]
      if (ap === undefined) {
        out.push({why: `whether its TLS mount at ${m.target} goes through an access point could not be read`})
        continue
      }
      if (ap) {
        out.push({why: `it mounts ${fsId} at ${m.target} through access point ${ap}, not at the file system's root`})
        continue
      }
    }
    out.push({mount: m})
  }
  return out
}

/** Where a directory of the file system is on a host that mounts the file system's root at `mountPoint`. */
export const hostPath = (mountPoint: string, path: string): string => `${mountPoint === '/' ? '' : mountPoint}${path}`

export interface Seen {
  instance: Instance
  mountPoint: string
  dir: ProbeRootDir
}

/** What every active container instance can say about one directory: what it saw, and why the others could not look. */
export function lookFromHosts(s: Snapshot, n: Pick<RootDirectoryNeed, 'fileSystemId' | 'path'>): {seen: Seen[]; why: string[]} {
  const seen: Seen[] = []
  const why: string[] = []
  for (const {instance} of activeInstances(s)) {
    const hf = s.hostFacts?.[instance.id]
    const notProbed = notProbedReason(hf)
    if (notProbed !== undefined) {
      why.push(`${instance.id} could not be probed (${notProbed})`)
      continue
    }
    const f = hf!.facts!
    if (!f.rootDirs) {
      why.push(`${instance.id}'s probe (version ${f.probeVersion || '?'}) predates this check`)
      continue
    }
    const mounts = rootMounts(s, f, n.fileSystemId)
    const usable = mounts.flatMap(m => ('mount' in m ? [m.mount] : []))
    if (usable.length === 0) {
      const reasons = mounts.flatMap(m => ('why' in m ? [m.why] : []))
      why.push(`${instance.id} ${reasons.length ? reasons.join('; ') : `does not mount ${n.fileSystemId}'s root`}`)
      continue
    }
    for (const m of usable) {
      const dir = f.rootDirs.find(d => d.mountPoint === m.target && d.path === n.path)
      if (dir) seen.push({instance, mountPoint: m.target, dir})
      else why.push(`${instance.id} did not look under ${m.target} (${f.truncated.some(t => t.section === 'ROOTDIR') ? 'more directories than the probe looks at' : 'the probe was not asked about it; run it again'})`)
    }
  }
  return {seen, why}
}
