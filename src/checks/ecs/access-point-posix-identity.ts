/**
 * An access point forces every NFS request to its PosixUser (uid, gid). When EFS creates the access point's root
 * directory from RootDirectory.CreationInfo, that directory belongs to OwnerUid:OwnerGid with the given Permissions;
 * if those bits do not let the PosixUser write (or, for a read-only mount, read and enter) it, every write fails with
 * "Permission denied", and Docker's copy of the image directory's ownership onto the new volume fails with
 * "CannotCreateContainerError … failed to chown … operation not permitted".
 */
import {defineCheck, fail, pass, skipped, unknown} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import type {AccessPoint, Snapshot, TaskDefinition, TaskVolume} from '../../model/snapshot.js'
import {hostPath, lookFromHosts} from '../_lib/root-directories.js'
import {ssmRun} from '../_lib/host.js'
import {tdExtra, tdId, tdRes} from '../_lib/task-definitions.js'
import {shellAnd} from '../../core/shell.js'

/** 'rwx' bits the user gets on a directory owned owner:group with `mode`, and through which class. */
export function directoryAccess(user: {uid: number; gid: number}, owner: {uid: number; gid: number}, mode: number):
  {bits: number; via: 'root' | 'owner' | 'group' | 'other'} {
  if (user.uid === 0) return {bits: 7, via: 'root'}
  if (user.uid === owner.uid) return {bits: (mode >> 6) & 7, via: 'owner'}
  if (user.gid === owner.gid) return {bits: (mode >> 3) & 7, via: 'group'}
  return {bits: mode & 7, via: 'other'}
}

const rwx = (bits: number): string => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`

function volumeOutcome(s: Snapshot, td: TaskDefinition, vol: TaskVolume, ap: AccessPoint): Outcome {
  const what = `Volume "${vol.name}" of ${tdId(td)} (access point ${ap.id})`
  const mounts = td.containers.flatMap(c => c.mountPoints.filter(m => m.sourceVolume === vol.name)
    .map(m => ({container: c.name, containerPath: m.containerPath ?? '?', readOnly: m.readOnly === true})))
  const paths = mounts.map(m => `${m.container}:${m.containerPath}`).join(', ') || 'no container mounts it'
  const extra = {key: {volume: vol.name}, ...tdExtra(td)}
  const user = ap.posixUser
  const path = ap.rootDirectory?.path || '/'
  const info = ap.rootDirectory?.creationInfo
  const evidence = {accessPoint: ap.id, posixUser: user, rootDirectory: ap.rootDirectory, containerMounts: mounts}
  if (!user) {
    return skipped(tdRes(td), `${what} enforces no POSIX user: containers act as their own uid:gid.`, {...extra, evidence})
  }
  const needsWrite = mounts.length === 0 || mounts.some(m => !m.readOnly)
  const need = needsWrite ? 7 : 5
  if (!info) {
    // NOTE: the EFS API does not show an existing directory's owner and mode, but a host that mounts the file
    // system's root does: the probe stats it (host/root-directory-exists).
    const seen = lookFromHosts(s, {fileSystemId: ap.fileSystemId, path}).seen
      .find(x => x.dir.status === 'exists' && x.dir.uid !== undefined && x.dir.gid !== undefined && /^[0-7]{3,4}$/.test(x.dir.mode ?? ''))
    if (seen) {
      const owner = {uid: seen.dir.uid!, gid: seen.dir.gid!}
      const mode = Number.parseInt(seen.dir.mode!, 8) & 0o777
      const access = directoryAccess(user, owner, mode)
      const summary = `${path} (no CreationInfo) exists owned ${owner.uid}:${owner.gid} mode ${seen.dir.mode}, as ${seen.instance.id} sees it; the access point's user ${user.uid}:${user.gid} gets ${rwx(access.bits)} (as ${access.via})`
      const seenEvidence = {...evidence, seenOn: seen.instance.id, owner, mode: seen.dir.mode}
      if ((access.bits & need) !== need) {
        const dir = hostPath(seen.mountPoint, path)
        return fail(tdRes(td), `${what}: ${summary}, but ${needsWrite ? 'a read-write mount needs rwx' : 'a read-only mount needs r-x'} (mounted at ${paths}). Writes fail with "Permission denied".`,
          {summary: `Give ${path} to the access point's user (chown ${user.uid}:${user.gid}) or grant the ${access.via} class ${needsWrite ? 'rwx' : 'r-x'}, from a host that mounts the file system's root.`,
            command: ssmRun(seen.instance.id, shellAnd([['chown', `${user.uid}:${user.gid}`, dir], ['chmod', needsWrite ? 'u+rwx' : 'u+rx', dir]]))},
          {...extra, evidence: seenEvidence})
      }
      return pass(tdRes(td), `${what}: ${summary}, enough for ${needsWrite ? 'a read-write' : 'a read-only'} mount at ${paths}.`, {...extra, evidence: seenEvidence})
    }
    return unknown(tdRes(td), `${what} runs as ${user.uid}:${user.gid} in ${path}, which it does not create (no CreationInfo): that directory's owner and mode are not visible through the EFS API, so whether ${user.uid}:${user.gid} can write it is not known (host/root-directory-exists shows whether it exists, with its owner and mode, from a host that mounts the file system's root).`,
      {...extra, evidence})
  }
  const mode = /^0?[0-7]{3}$/.test(info.permissions) ? Number.parseInt(info.permissions, 8) : undefined
  if (mode === undefined) {
    return unknown(tdRes(td), `${what}: CreationInfo permissions ${JSON.stringify(info.permissions)} are not an octal mode.`, {...extra, evidence})
  }
  const access = directoryAccess(user, {uid: info.ownerUid, gid: info.ownerGid}, mode)
  const summary = `${path} is created ${info.ownerUid}:${info.ownerGid} mode ${info.permissions}; the access point's user ${user.uid}:${user.gid} gets ${rwx(access.bits)} (as ${access.via})`
  if ((access.bits & need) !== need) {
    return fail(tdRes(td), `${what}: ${summary}, but ${needsWrite ? 'a read-write mount needs rwx' : 'a read-only mount needs r-x'} (mounted at ${paths}). Writes fail with "Permission denied", and Docker's copy of the image directory's ownership fails with "failed to chown … operation not permitted".`,
      {summary: `Make RootDirectory.CreationInfo owner ${user.uid}:${user.gid} (the PosixUser), or grant the ${access.via} class ${needsWrite ? 'rwx' : 'r-x'}; CreationInfo applies only when EFS creates the directory, so for an existing ${path} change it from a host that mounts the file system root.`,
        command: `${shellAnd([['sudo', 'chown', `${user.uid}:${user.gid}`, `/mnt/efs${path === '/' ? '' : path}`], ['sudo', 'chmod', needsWrite ? 'u+rwx' : 'u+rx', `/mnt/efs${path === '/' ? '' : path}`]])}   # on a host with the file system root mounted at /mnt/efs`},
      {...extra, evidence})
  }
  const owned = info.ownerUid === user.uid && info.ownerGid === user.gid
  return pass(tdRes(td), `${what}: ${summary}, enough for ${needsWrite ? 'a read-write' : 'a read-only'} mount at ${paths}.${owned ? '' : ` The directory is not owned by ${user.uid}:${user.gid}, so a container whose image owns ${paths} by another user still fails to start ("failed to chown").`}`,
    {...extra, evidence})
}

export const accessPointPosixIdentity = defineCheck({
  id: 'ecs/access-point-posix-identity',
  title: "An access point's POSIX user can use the directory it is given",
  severity: 'error',
  description: "An access point runs every request as its PosixUser; if its root directory (created from CreationInfo) does not grant that user write access, writes fail with \"Permission denied\" and tasks stop with \"CannotCreateContainerError … failed to chown … operation not permitted\".",
  remediation: "Create the access point's root directory owned by its PosixUser (CreationInfo OwnerUid/OwnerGid = PosixUser Uid/Gid), or grant the user's class rwx; own the image's directory at the container path by the same uid:gid.",
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/enforce-identity-access-points.html',
  needs: ['taskDefinitions', 'accessPoints'],
  run(s) {
    const out: Outcome[] = []
    for (const td of s.taskDefinitions ?? []) {
      for (const vol of td.volumes) {
        const apId = vol.efsVolumeConfiguration?.authorizationConfig?.accessPointId
        if (!apId) continue
        const ap = s.accessPoints?.find(a => a.id === apId)
        if (!ap) {
          out.push(skipped(tdRes(td), `Volume "${vol.name}" of ${tdId(td)} names access point ${apId}, which was not found (ecs/efs-volume-configuration reports it).`,
            {key: {volume: vol.name}, ...tdExtra(td)}))
          continue
        }
        out.push(volumeOutcome(s, td, vol, ap))
      }
    }
    return out
  },
})
