/**
 * A bind-mount volume (`host.sourcePath`) shares data only when the path lies on the EFS mount of every host that can
 * run the task. Docker silently creates a missing `sourcePath`, so a path beside the mount (`/efs/data` while hosts
 * mount `/mnt/efs`) raises no error: containers write to the instance's root volume and every new instance starts
 * "empty". A volume with no `sourcePath` (and no EFS/Docker volume configuration) is a Docker-managed local volume
 * whose data is not shared and is lost with the task.
 */
import {missingBecause} from '../_lib/gaps.js'
import {defineCheck, fail, pass, skipped, unknown} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import type {CfnInit, Snapshot, TaskDefinition, TaskVolume, UserData} from '../../model/snapshot.js'
import {parseDevice, parseUd} from '../_lib/user-data.js'
import {opaqueMount, opaqueWhat} from '../_lib/user-data-check.js'
import {tdExtra, tdId, tdRes} from '../_lib/task-definitions.js'
import {listCandidates, taskDefinitionHosts} from '../_lib/cluster-hosts.js'
import {trimSlash} from '../../core/trim.js'
import {posix} from 'node:path'

/** Host paths that are local by design (sockets, kernel and Docker state, logs): not meant for shared data. */
const SYSTEM_PATHS = ['/var/run', '/run', '/proc', '/sys', '/dev', '/etc', '/var/lib/docker', '/var/lib/ecs', '/var/log',
  '/tmp', '/cgroup', '/lib/modules', '/usr']

interface EfsMountPoint { path: string; line: number; device?: string }

/**
 * Where one host mounts EFS, by the source that says so (`userDataId` for a UserData script's view). `opaque`: the
 * UserData may mount EFS in a way efsdoctor cannot read (a local script, a systemd mount unit, the image's fstab).
 */
interface HostView { source: string; mountPoints: EfsMountPoint[]; unreadable?: string; opaque?: string; userDataId?: string }

/**
 * A path as the kernel reaches it, for comparison: `.` and `..` resolved and repeated slashes folded (posix.normalize),
 * no trailing slash. `/mnt/efs/../data` is /mnt/data, on the root volume; `/mnt//efs/shared` is on /mnt/efs. Symbolic
 * links cannot be followed from here.
 */
const normalized = new Map<string, string>()
const norm = (p: string): string => {
  // NOTE: a lint of hundreds of stacks compares every volume with every script's mount points: each distinct path is
  // normalized once (a module-level map: the few paths of a run's scripts and task definitions).
  let n = normalized.get(p)
  if (n === undefined) {
    if (normalized.size > 10_000) normalized.clear()
    normalized.set(p, n = trimSlash(posix.normalize(p)))
  }
  return n
}
const under = (path: string, mount: string): boolean => {
  const p = norm(path)
  const m = norm(mount)
  return p === m || (p.startsWith(m) && p[m.length] === '/')
}
const isSystemPath = (p: string): boolean => SYSTEM_PATHS.some(sys => under(p, sys))

function isEfsMount(fsType: string | undefined, device: string | undefined): boolean {
  if (fsType === 'efs') return true
  if (!device) return false
  const d = parseDevice(device)
  return Boolean(d.fsId || d.dnsName?.includes('.efs.') || (fsType?.startsWith('nfs') && d.ip))
}

/** EFS mount points a UserData script sets up (fstab entries, mount commands, cloud-config `mounts:`). */
export function efsMountPointsOf(text: string, cfnInit?: readonly CfnInit[]): EfsMountPoint[] {
  return efsMountsOf({text, cfnInit}).mountPoints
}

function efsMountsOf(ud: {text: string; cfnInit?: readonly CfnInit[]; renderedBy?: UserData['renderedBy']}): {mountPoints: EfsMountPoint[]; unreadable?: string; opaque?: string} {
  const parsed = parseUd(ud)
  if (parsed.unreadable) return {mountPoints: [], unreadable: parsed.unreadable}
  const hidden = opaqueMount(parsed)
  const out: EfsMountPoint[] = []
  for (const e of parsed.fstab) if (isEfsMount(e.fsType, e.device)) out.push({path: e.mountPoint, line: e.line, device: e.device})
  for (const m of parsed.mounts) {
    if (m.kind === 'all' || !m.mountPoint) continue
    if (isEfsMount(m.fsType, m.device)) out.push({path: m.mountPoint, line: m.line, device: m.device})
  }
  return {mountPoints: out, ...(hidden ? {opaque: `line ${hidden.line} ${opaqueWhat(hidden)}`} : {})}
}

/**
 * The views the check compares against: each UserData script (the intent, also for hosts not launched yet) and, when
 * the host probe ran, each probed host's real mount table. NOTE: hosts whose probe did not succeed add no view; their
 * UserData still does.
 */
function hostViews(s: Snapshot): HostView[] | undefined {
  const probed: HostView[] = Object.values(s.hostFacts ?? {}).filter(h => h.status === 'ok' && h.facts).map(h => ({
    source: `host ${h.instanceId} (mount table)`,
    mountPoints: h.facts!.mounts.filter(m => isEfsMount(m.fstype, m.source) || m.fstype.startsWith('nfs')).map(m => ({path: m.target, line: 0, device: m.source})),
  }))
  if (s.userData === undefined && probed.length === 0) return undefined
  return [...(s.userData ?? []).map(u => ({source: `UserData ${u.id}`, userDataId: u.id, ...efsMountsOf(u)})), ...probed]
}

/**
 * The views of the hosts `td` runs on: lint with several clusters keeps only the UserData of its service's cluster
 * (cluster-hosts.ts); a string says why that is not known.
 */
function viewsFor(s: Snapshot, td: TaskDefinition, views: HostView[] | undefined): HostView[] | undefined | {why: string; candidates: string[]} {
  const hosts = taskDefinitionHosts(s, td)
  if (hosts.kind === 'all' || views === undefined) return views
  if (hosts.kind === 'ambiguous') return {why: hosts.why, candidates: hosts.candidates}
  const mine = new Set(hosts.hosts)
  return views.filter(v => v.userDataId === undefined || mine.has(v.userDataId))
}

function evaluateHostPath(s: Snapshot, td: TaskDefinition, vol: TaskVolume, sourcePath: string, allViews: HostView[] | undefined): Outcome {
  const r = tdRes(td)
  const what = `Volume "${vol.name}" of ${tdId(td)} (host path ${sourcePath})`
  if (isSystemPath(sourcePath)) {
    return skipped(r, `${what} is a system path, not shared data.`, {evidence: {volume: vol.name, sourcePath}, key: {volume: vol.name}, ...tdExtra(td)})
  }
  const views = viewsFor(s, td, allViews)
  if (views !== undefined && !Array.isArray(views)) {
    return unknown(r, `${what}: ${views.why}, so which hosts' EFS mounts to compare it with is not known; candidates: ${listCandidates(views.candidates)}.`,
      {evidence: {volume: vol.name, sourcePath, candidates: views.candidates}, key: {volume: vol.name}, ...tdExtra(td)})
  }
  if (views === undefined) {
    const gap = missingBecause(s, 'userData')
    return gap
      ? unknown(r, `${what}: UserData could not be read (${gap}), so where the hosts mount EFS is not known.`, {evidence: {volume: vol.name, sourcePath}, key: {volume: vol.name}, ...tdExtra(td)})
      : skipped(r, `${what}: no UserData in scope, so where the hosts mount EFS is not known.`, {evidence: {volume: vol.name, sourcePath}, key: {volume: vol.name}, ...tdExtra(td)})
  }
  if (views.length === 0) {
    return skipped(r, `${what}: no host UserData in scope, so where the hosts mount EFS is not known.`, {evidence: {volume: vol.name, sourcePath}, key: {volume: vol.name}, ...tdExtra(td)})
  }
  const onEfs = views.filter(v => v.mountPoints.some(mp => under(sourcePath, mp.path)))
  // NOTE: a Set, not onEfs.includes: with a view per probed host that was a million comparisons per volume.
  const onEfsSet = new Set(onEfs)
  // NOTE: a probed host with no EFS mount at all is a host whose mount is missing (host/efs-mounted says so), not
  // evidence about where this task definition points: it does not make a correct sourcePath fail.
  const off = views.filter(v => !onEfsSet.has(v) && !(v.userDataId === undefined && v.mountPoints.length === 0 && onEfs.length > 0))
  const ev = {volume: vol.name, sourcePath, efsMountPoints: views.map(v => ({source: v.source, paths: v.mountPoints.map(mp => mp.path)}))}
  if (off.length === 0) {
    const mp = onEfs[0].mountPoints.find(m => under(sourcePath, m.path))!
    return pass(r, `${what} lies on the EFS mount ${mp.path} (${onEfs.map(v => v.source).join(', ')}).`, {evidence: ev, key: {volume: vol.name}, ...tdExtra(td)})
  }
  // NOTE: a script that could not be read, mounts in a way efsdoctor cannot read (a systemd unit, a local script, the
  // image's fstab) or at a path only known at boot may well cover the path.
  const unsure = off.find(v => v.unreadable || v.opaque || v.mountPoints.some(mp => /[$<]/.test(mp.path)))
  if (unsure) {
    const why = unsure.unreadable ? `could not be read (${unsure.unreadable})` : unsure.opaque ?? `mounts EFS at ${unsure.mountPoints.filter(mp => /[$<]/.test(mp.path)).map(mp => mp.path).join(', ')}, a path only known at boot`
    return unknown(r, `${what}: ${unsure.source} ${why}, so whether the path lies on EFS is not known.`, {evidence: ev, key: {volume: vol.name}, ...tdExtra(td)})
  }
  const known = [...new Set(views.flatMap(v => v.mountPoints.map(mp => mp.path)))]
  const where = known.length ? `the hosts mount EFS at ${known.join(', ')}` : 'the hosts\' UserData mounts no EFS file system'
  const partly = onEfs.length ? ` (it is on EFS only for ${onEfs.map(v => v.source).join(', ')})` : ''
  const target = known[0]
  return fail(r, `${what} is outside every EFS mount — ${where}${partly} (${off.map(v => v.source).join(', ')}): containers write to the instance's local disk, and data is neither shared nor kept when the instance is replaced.`,
    {summary: target
      ? `Point sourcePath under the EFS mount (e.g. ${norm(target)}/${sourcePath.split('/').filter(Boolean).at(-1) ?? 'data'}), or mount EFS at ${sourcePath} in UserData; then register a new revision.`
      : `Mount the file system in UserData (fstab entry with _netdev) at a path that contains ${sourcePath}.`},
    {evidence: ev, key: {volume: vol.name}, ...tdExtra(td)})
}

export const volumeSourceOnEfs = defineCheck({
  id: 'ecs/volume-source-on-efs',
  title: 'Bind-mount volumes lie on the hosts\' EFS mount',
  severity: 'error',
  description: 'Docker creates a missing host.sourcePath silently, so a path outside the EFS mount writes to the instance\'s root volume; a volume without sourcePath is a Docker-managed local volume. Neither shares data.',
  remediation: 'Set host.sourcePath to the EFS mount point or a path under it (or use efsVolumeConfiguration).',
  docsUrl: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html',
  needs: ['taskDefinitions'],
  run(s) {
    const views = hostViews(s)
    const out: Outcome[] = []
    for (const td of s.taskDefinitions ?? []) {
      for (const vol of td.volumes) {
        if (vol.efsVolumeConfiguration || vol.dockerVolumeConfiguration) continue
        const sourcePath = vol.host?.sourcePath
        if (sourcePath) {
          out.push(evaluateHostPath(s, td, vol, sourcePath, views))
          continue
        }
        const used = td.containers.flatMap(c => c.mountPoints.filter(mp => mp.sourceVolume === vol.name).map(mp => `${c.name}:${mp.containerPath ?? '?'}`))
        out.push(fail(tdRes(td), `Volume "${vol.name}" of ${tdId(td)} has no host.sourcePath: it is a Docker-managed local volume${used.length ? ` (mounted at ${used.join(', ')})` : ''}. Its data stays on one instance, is not shared, and is lost with the task.`,
          {summary: 'If the data should be shared or kept, set host.sourcePath under the EFS mount or use efsVolumeConfiguration; if it is scratch space, ignore this finding.'},
          {severity: 'warning', evidence: {volume: vol.name, mountedAt: used}, key: {volume: vol.name}, ...tdExtra(td)}))
      }
    }
    return out
  },
})
