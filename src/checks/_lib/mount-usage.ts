/**
 * Pure helpers that read how clients mount EFS from what the snapshot holds: fstab lines and `mount` commands in
 * UserData text, and task definitions' efsVolumeConfiguration. Line-based and deliberately forgiving: a line we do
 * not understand is ignored, and callers treat "no mount found" as "not known", never as a pass.
 */
import type {Instance, Snapshot, UserData} from '../../inventory/snapshot.js'

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

const FS_ID = /\b(fs-[0-9a-f]{8,40})\b/
const DEVICE = /^([A-Za-z0-9.:[\]-]+):(\/\S*)?$/
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

/** Mounts named on the lines of one UserData script (fstab entries and `mount` commands). */
export function parseMounts(u: UserData): MountUse[] {
  const out: MountUse[] = []
  u.text.split('\n').forEach((raw, idx) => {
    const tokens = raw.replace(/["'`]/g, ' ').trim().split(/\s+/)
    const at = tokens.findIndex(t => DEVICE.test(t) && (FS_ID.test(t) || IPV4.test(t.split(':')[0]) || t.includes('.efs.')))
    if (at < 0 || raw.trim().startsWith('#')) return
    const host = tokens[at].slice(0, tokens[at].lastIndexOf(':'))
    const mountCmd = tokens.slice(0, at).some(t => t === 'mount' || t.endsWith('/mount'))
    let type: string | undefined
    let opts = ''
    if (mountCmd) {
      const t = tokens.indexOf('-t')
      const o = tokens.indexOf('-o')
      type = t >= 0 ? tokens[t + 1] : undefined
      opts = o >= 0 ? tokens[o + 1] ?? '' : ''
    } else {
      type = tokens[at + 2]
      opts = tokens[at + 3] ?? ''
    }
    const options = opts.split(',').filter(Boolean)
    const isIp = IPV4.test(host) || host.includes(':')
    const byDnsName = !isIp && !options.some(o => o.startsWith('mounttargetip='))
    out.push({line: idx + 1, host, fsId: host.match(FS_ID)?.[1], type, options, byDnsName, userDataId: u.id})
  })
  return out
}

export const mountUsesTls = (m: MountUse): boolean => m.type === 'efs' && m.options.includes('tls')
export const mountUsesIam = (m: MountUse): boolean => m.type === 'efs' && m.options.includes('iam')
/** efs-utils always adds noresvport; plain NFS needs it spelled out. */
export const mountUsesNoresvport = (m: MountUse): boolean => m.type === 'efs' || m.options.includes('noresvport')

/** Mounts of `fsId` in all UserData: by fs id / DNS name, or by the IP of one of its mount targets. */
export function mountsOfFs(s: Snapshot, fsId: string, scripts: readonly UserData[] = s.userData ?? []): MountUse[] {
  const ips = new Set((s.mountTargets ?? []).filter(mt => mt.fileSystemId === fsId).flatMap(mt => [mt.ipAddress, mt.ipv6Address]))
  return scripts.flatMap(parseMounts).filter(m => m.fsId === fsId || (!m.fsId && ips.has(m.host)))
}

/** The UserData script an instance booted with, if the snapshot has it. */
export function userDataOf(s: Snapshot, instance: Instance): UserData | undefined {
  return (s.userData ?? []).find(u => u.id === instance.userDataId) ?? (s.userData ?? []).find(u => u.instanceIds.includes(instance.id))
}

/** Task-definition volumes that mount `fsId` through the ECS volume plugin (efs-utils). */
export function efsVolumesOf(s: Snapshot, fsId: string) {
  return (s.taskDefinitions ?? []).flatMap(td => td.volumes
    .filter(v => v.efsVolumeConfiguration?.fileSystemId === fsId)
    .map(v => ({taskDefinition: td, volume: v, config: v.efsVolumeConfiguration!})))
}
