/**
 * Pure helpers over what the probe read of amazon-efs-utils on a host: its version, its configuration (the
 * [mount.<region>] section overrides [mount]), whether TLS is in use, and the DNS suffix of each partition.
 */
import type {Snapshot} from '../../model/snapshot.js'
import type {ProbeFacts} from '../../model/probe-facts.js'
import {memo} from '../../core/memo.js'

/**
 * x.y.z starting where a digit run starts, at most 9 digits a part: `(\d+)\.(\d+)\.(\d+)` retried every long digit
 * run from each of its digits (100 KB of digits: 8 s).
 */
const VERSION = /(?<!\d)(\d{1,9})\.(\d{1,9})\.(\d{1,9})/

/** The amazon-efs-utils version as [major, minor, patch], from the package or `mount.efs --version`. */
export function efsUtilsVersion(f: ProbeFacts): {text: string; parts: number[]} | undefined {
  for (const source of [f.packages['amazon-efs-utils'], f.efsUtilsVersion]) {
    const m = source?.match(VERSION)
    if (m) return {text: m[0], parts: [Number(m[1]), Number(m[2]), Number(m[3])]}
  }
  return undefined
}

export const versionBelow = (v: number[], min: number[]): boolean => {
  for (let i = 0; i < min.length; i++) if ((v[i] ?? 0) !== min[i]) return (v[i] ?? 0) < min[i]
  return false
}

/** A key of efs-utils.conf as efs-utils reads it for `region`: [mount.<region>] first, then [mount]. */
export function efsConfigValue(f: ProbeFacts, key: string, region?: string): {value: string; section: string} | undefined {
  const entries = f.efsUtilsConfig?.entries ?? []
  // The last entry wins, as in efs-utils' ConfigParser.
  const find = (section: string) => {
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i].section === section && entries[i].key === key) return entries[i]
    return undefined
  }
  const hit = (region ? find(`mount.${region}`) : undefined) ?? find('mount')
  return hit ? {value: hit.value, section: hit.section} : undefined
}

/** Whether this host mounts EFS over TLS: task volumes with transitEncryption, fstab `tls`, or a live 127.0.0.1:/ mount. */
export function tlsInUse(s: Snapshot, f: ProbeFacts): string | undefined {
  // NOTE: the task-definition part is the cluster's, the same for every host: once per check run.
  const td = memo(s, 'efs-utils:tls-task-volume', () => (s.taskDefinitions ?? []).flatMap(t => t.volumes.filter(v => v.efsVolumeConfiguration?.transitEncryption === 'ENABLED')
    .map(v => `task definition ${t.family} volume "${v.name}" (transitEncryption)`))[0])
  const fstab = f.fstab.find(e => e.fstype === 'efs' && e.options.includes('tls'))
  const live = f.mounts.find(m => m.source.startsWith('127.0.0.1:'))
  return td ?? (fstab ? `fstab ${fstab.device} ${fstab.mountPoint} (tls)` : undefined) ?? (live ? `the TLS mount at ${live.target}` : undefined)
}

/** The DNS suffix of EFS names in a region's partition; undefined for partitions efsdoctor does not know. */
export function partitionSuffix(region: string | undefined): string | undefined {
  if (!region) return undefined
  if (region.startsWith('cn-')) return 'amazonaws.com.cn'
  if (/^(?:us-gov|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d+$/.test(region)) return 'amazonaws.com'
  return undefined
}
