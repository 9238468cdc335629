/**
 * Every mount target of a file system in scope must be `available`. A mount target that is creating has no DNS
 * record yet (`Failed to resolve`; efs-utils: "please retry in 5 minutes"), and even once available its DNS name
 * can take 60–90 s to resolve; one in `error`/`deleting` leaves its AZ with no way in, so mounts there time out.
 */
import {defineCheck, fail, pass} from '../../core/define-check.js'
import type {Fix} from '../../core/types.js'
import type {MountTarget} from '../../model/snapshot.js'
import {res} from '../_lib/scope.js'
import {shellAnd, shellCommand} from '../../core/shell.js'

/** The words of `aws efs create-mount-target` recreating `mt` (same file system, subnet and security groups). */
function createMountTarget(mt: MountTarget): string[] {
  return ['aws', 'efs', 'create-mount-target', '--file-system-id', mt.fileSystemId, '--subnet-id', mt.subnetId,
    ...(mt.securityGroupIds?.length ? ['--security-groups', ...mt.securityGroupIds] : [])]
}

function fixFor(mt: MountTarget): Fix {
  const look = shellCommand(['aws', 'efs', 'describe-mount-targets', '--mount-target-id', mt.id, '--query', 'MountTargets[0].LifeCycleState'])
  switch (mt.lifeCycleState) {
    case 'creating':
    case 'updating':
      return {summary: 'Wait for it to become available, then allow 60–90 s more for its DNS name to resolve; retry mounts with a bounded loop in UserData.', command: look}
    case 'deleting':
    case 'deleted':
      return {summary: `Its AZ (${mt.azName ?? mt.azId ?? mt.subnetId}) will have no mount target: create a new one in that AZ once deletion completes.`,
        command: shellCommand(createMountTarget(mt))}
    default:
      return {summary: 'Delete the failed mount target and create it again in the same subnet.',
        command: shellAnd([['aws', 'efs', 'delete-mount-target', '--mount-target-id', mt.id], createMountTarget(mt)])}
  }
}

export const mountTargetAvailable = defineCheck({
  id: 'efs/mount-target-available',
  title: 'Mount targets are available',
  severity: 'error',
  description: 'Clients in an AZ whose mount target is creating, updating, deleting or in error cannot mount: `Failed to resolve` or a connection timeout.',
  remediation: 'Wait for creating/updating mount targets (plus 60–90 s for DNS); recreate ones in error; replace deleted ones.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/troubleshooting-efs-mounting.html',
  needs: ['mountTargets'],
  run(s) {
    const inScope = new Set(s.scope.fileSystems.map(f => f.id))
    return (s.mountTargets ?? []).filter(mt => inScope.has(mt.fileSystemId)).map(mt => {
      const where = `${mt.id} (${mt.fileSystemId}, ${mt.azId ?? mt.azName ?? '?'}, ${mt.subnetId})`
      const ev = {lifeCycleState: mt.lifeCycleState, fileSystemId: mt.fileSystemId, azId: mt.azId, subnetId: mt.subnetId}
      if (mt.lifeCycleState === 'available') return pass(res.mountTarget(mt), `Mount target ${where} is available.`, {evidence: ev})
      const dns = mt.lifeCycleState === 'creating' ? ' Its DNS name can take another 60–90 s to resolve after it turns available.' : ''
      return fail(res.mountTarget(mt), `Mount target ${where} is ${mt.lifeCycleState}: clients in that AZ cannot mount.${dns}`, fixFor(mt), {evidence: ev})
    })
  },
})
