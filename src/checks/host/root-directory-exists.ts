/**
 * A task volume mounts a directory of its file system: efsVolumeConfiguration.rootDirectory, or its access point's
 * RootDirectory.Path. If that directory does not exist, the task cannot start: the server answers "mount.nfs4:
 * mounting fs-….efs….amazonaws.com:/data failed, reason given by server: No such file or directory" for a
 * rootDirectory, and mounting through an access point without CreationInfo fails the same way. Whether it exists is
 * not visible through the EFS API, so the probe looks (one read-only `stat`) under a host's mount of the file system's
 * root. An access point with CreationInfo creates its directory on first use, so there it need not exist yet.
 */
import {defineCheck, fail, pass, unknown} from '../../core/define-check.js'
import type {Fix, Outcome} from '../../core/types.js'
import type {Snapshot} from '../../model/snapshot.js'
import {shellAnd, shellCommand} from '../../core/shell.js'
import {ssmRun} from '../_lib/host.js'
import {hostPath, lookFromHosts, rootDirectoryNeeds, type RootDirectoryNeed, type Seen} from '../_lib/root-directories.js'
import {tdExtra, tdId, tdRes} from '../_lib/task-definitions.js'


function fixFor(n: RootDirectoryNeed, at: Seen): Fix {
  const dir = hostPath(at.mountPoint, n.path)
  const ap = n.accessPoint
  const user = ap?.posixUser
  const other = at.dir.status === 'not-directory'
  const create = other ? `Move the ${at.dir.type ?? 'file'} at ${n.path} away and create a directory there` : `Create ${n.path} on ${n.fileSystemId}`
  if (ap) {
    return {summary: `${create} from a host that mounts the file system's root${user ? `, owned by the access point's POSIX user ${user.uid}:${user.gid}` : ''}; or create a new access point whose RootDirectory has CreationInfo (an access point cannot be changed) and point the volume at it, so EFS creates the directory on first use.`,
      ...(other ? {} : {command: ssmRun(at.instance.id, user ? shellAnd([['mkdir', '-p', dir], ['chown', `${user.uid}:${user.gid}`, dir]]) : shellCommand(['mkdir', '-p', dir]))})}
  }
  return {summary: `${create} from a host that mounts the file system's root (owned by the user the containers run as), or set the volume's rootDirectory to a directory that exists; or use an access point whose RootDirectory has CreationInfo, so EFS creates it on first use.`,
    ...(other ? {} : {command: ssmRun(at.instance.id, shellCommand(['mkdir', '-p', dir]))})}
}

function needOutcome(s: Snapshot, n: RootDirectoryNeed): Outcome {
  const {td, volume: vol, path, fileSystemId: fs} = n
  const ap = n.accessPoint
  const what = `Volume "${vol.name}" of ${tdId(td)}`
  const where = ap ? `access point ${ap.id}'s root directory ${path} on ${fs}` : `${fs}:${path} (rootDirectory)`
  const extra = {key: {volume: vol.name}, ...tdExtra(td)}
  const evidence: Record<string, unknown> = {fileSystemId: fs, path, ...(ap ? {accessPoint: ap.id, rootDirectory: ap.rootDirectory} : {})}
  const info = ap?.rootDirectory?.creationInfo
  if (info) {
    return pass(tdRes(td), `${what} goes through ${where}, which EFS creates on first use (CreationInfo: owner ${info.ownerUid}:${info.ownerGid}, mode ${info.permissions}); it need not exist beforehand.`,
      {...extra, evidence})
  }
  if (n.notProbed) {
    return unknown(tdRes(td), `${what} mounts ${where}; ${n.notProbed}. Look from a host that mounts the file system's root.`, {...extra, evidence})
  }
  const {seen, why} = lookFromHosts(s, n)
  evidence.seen = seen.map(x => ({instanceId: x.instance.id, ...x.dir}))
  const found = seen.find(x => x.dir.status === 'exists')
  if (found) {
    const d = found.dir
    return pass(tdRes(td), `${what} mounts ${where}, which exists (seen from ${found.instance.id} at ${hostPath(found.mountPoint, path)}: owner ${d.uid ?? '?'}:${d.gid ?? '?'}, mode ${d.mode ?? '?'}).`,
      {...extra, evidence})
  }
  // NOTE: a symbolic link is not judged: where the server resolves it is not known from the client.
  const bad = seen.find(x => x.dir.status === 'missing' || (x.dir.status === 'not-directory' && x.dir.type !== 'symbolic link'))
  if (bad) {
    const at = hostPath(bad.mountPoint, path)
    const state = bad.dir.status === 'missing' ? `does not exist (${bad.instance.id} finds no ${at} under its mount of the file system's root)`
      : `is not a directory (${bad.instance.id} finds a ${bad.dir.type ?? 'file'} at ${at})`
    const effect = ap
      ? ' The access point has no CreationInfo, so EFS does not create it: mounting through the access point fails and the task cannot start.'
      : ' The task cannot start: "mount.nfs4: mounting … failed, reason given by server: No such file or directory".'
    return fail(tdRes(td), `${what} mounts ${where}, which ${state}.${effect}`, fixFor(n, bad), {...extra, evidence})
  }
  const reasons = [
    ...seen.map(x => `${x.instance.id} under ${x.mountPoint}: ${x.dir.status}${x.dir.type ? ` (${x.dir.type})` : ''}${x.dir.detail ? ` (${x.dir.detail})` : ''}`),
    ...why,
  ]
  const listed = reasons.length === 0 ? 'there is no active container instance to look from'
    : `${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? `; and ${reasons.length - 3} more` : ''}`
  return unknown(tdRes(td), `${what} mounts ${where}; whether it exists was not seen: ${listed}. Mount the file system's root on one host (e.g. at /mnt/efs) and run the probe again, or look there: stat /mnt/efs${path}`,
    {...extra, evidence})
}

export const rootDirectoryExists = defineCheck({
  id: 'host/root-directory-exists',
  title: "The directory a task volume mounts exists on its file system",
  severity: 'error',
  description: 'A task volume\'s efsVolumeConfiguration.rootDirectory, or its access point\'s RootDirectory.Path without CreationInfo, must already exist on the file system; otherwise the task cannot start ("reason given by server: No such file or directory"). The probe looks (read-only) under a host\'s mount of the file system\'s root.',
  remediation: "Create the directory from a host that mounts the file system's root, or use an access point whose RootDirectory has CreationInfo so EFS creates it on first use.",
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/create-access-point.html',
  needs: ['taskDefinitions', 'hostFacts'],
  run(s) {
    const out: Outcome[] = []
    if (s.accessPoints === undefined) {
      // NOTE: without access points, a volume that uses one has no known path: unknown, not left out.
      const action = s.gaps.find(g => g.part === 'accessPoints')?.action ?? 'elasticfilesystem:DescribeAccessPoints'
      for (const td of s.taskDefinitions ?? []) {
        for (const vol of td.volumes) {
          const apId = vol.efsVolumeConfiguration?.authorizationConfig?.accessPointId
          if (apId) out.push(unknown(tdRes(td), `Volume "${vol.name}" of ${tdId(td)} goes through access point ${apId}, whose root directory is not known: access points were not read (${action}).`,
            {key: {volume: vol.name}, ...tdExtra(td)}))
        }
      }
    }
    for (const n of rootDirectoryNeeds(s)) out.push(needOutcome(s, n))
    return out
  },
})
