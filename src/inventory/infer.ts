/**
 * Pure helpers for the collector: decode UserData, and work out which EFS file systems a cluster uses when the
 * user did not name them (task-definition volumes, mount targets in the instances' VPCs, UserData references).
 */
import {gunzipSync} from 'node:zlib'
import {MAX_USERDATA_BYTES, redactedAsWhole, redactUserData} from '../core/user-data-layers.js'
import {tdLabel, type TaskDefinition, type UserData} from '../model/snapshot.js'
import {trimTrailing} from '../core/trim.js'
import {byText} from '../core/order.js'

/** base64 → text, gunzipped when gzipped (magic 1f 8b); secrets redacted in every layer (MIME parts too). */
export function decodeUserData(base64: string): string {
  let buf = Buffer.from(base64, 'base64')
  if (buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf, {maxOutputLength: MAX_USERDATA_BYTES + 1})
    } catch (error) {
      return redactedAsWhole(`gzip data could not be decompressed (${(error as Error).name === 'RangeError' ? 'too large' : 'corrupt'})`)
    }
  }
  return redactUserData(buf.toString('utf8'))
}

const FS_ID = /\bfs-(?:[0-9a-f]{17}|[0-9a-f]{8})\b/g
/** `fs-…:/path /mount/point` (fstab or mount command), optionally with the EFS DNS name. */
const FS_MOUNT = /\b(fs-(?:[0-9a-f]{17}|[0-9a-f]{8}))(?:\.efs\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?)?:(\/\S*)?\s+["']?(\/[^\s"']*)/g

/** File-system ids named in UserData, directly or inside an EFS DNS name (`fs-….efs.<region>.amazonaws.com`). */
export function fileSystemIdsIn(text: string): string[] {
  return [...new Set(text.match(FS_ID) ?? [])]
}

/** Where UserData mounts each file system: mount point → fs id. */
export function mountPointsIn(text: string): {fsId: string; mountPoint: string}[] {
  return [...text.matchAll(FS_MOUNT)].map(m => ({fsId: m[1], mountPoint: trimTrailing(m[3], '/') || '/'}))
}

export function describeUserDataSource(u: UserData): string {
  return `${u.source.type} ${u.source.id}${u.source.version ? ` v${u.source.version}` : ''}`
}

export interface InferInput {
  taskDefinitions: TaskDefinition[]
  userData: UserData[]
  /** vpc id → file-system ids that have mount targets there, for the VPCs the instances run in. */
  mountTargetVpcs: Map<string, Set<string>>
}

/** file-system id → reasons, in a stable order (task definitions, VPCs, UserData). */
export function inferFileSystems(input: InferInput): {id: string; reasons: string[]}[] {
  const reasons = new Map<string, string[]>()
  const add = (id: string, why: string): void => {
    const list = reasons.get(id) ?? []
    if (!list.includes(why)) list.push(why)
    reasons.set(id, list)
  }
  const udMounts = input.userData.flatMap(u => mountPointsIn(u.text))
  for (const td of input.taskDefinitions) {
    for (const v of td.volumes) {
      const efs = v.efsVolumeConfiguration?.fileSystemId
      if (efs) add(efs, `task definition ${tdLabel(td)} volume "${v.name}"`)
      const path = trimTrailing(v.host?.sourcePath ?? '', '/')
      if (!path) continue
      for (const m of udMounts) {
        if (path === m.mountPoint || path.startsWith(m.mountPoint === '/' ? '/' : `${m.mountPoint}/`)) {
          add(m.fsId, `task definition ${tdLabel(td)} volume "${v.name}" (host path ${v.host!.sourcePath})`)
        }
      }
    }
  }
  for (const [vpcId, ids] of [...input.mountTargetVpcs].sort(([a], [b]) => byText(a, b))) {
    for (const id of [...ids].sort()) add(id, `has mount targets in ${vpcId} where the instances run`)
  }
  for (const u of input.userData) {
    for (const id of fileSystemIdsIn(u.text)) add(id, `UserData ${describeUserDataSource(u)} mounts it`)
  }
  return [...reasons].map(([id, r]) => ({id, reasons: r}))
}
