/**
 * A file-system policy decides who may mount once the network lets them in. A Deny on `aws:SecureTransport=false`
 * refuses every non-TLS client (plain `mount -t nfs4`, efs without `tls`, ECS `transitEncryption: DISABLED`), and a
 * policy that grants ClientMount only to named principals refuses every client that mounts without `iam` (CDK's
 * default policy does exactly that). Both show up as `mount.nfs4: access denied by server while mounting …`. No
 * policy at all means anyone who can reach a mount target may mount — fine for mounting, worth knowing.
 */
import {defineCheck, fail, pass, skipped, unknown} from '../../core/define-check.js'
import type {Fix, Outcome, Resource} from '../../core/types.js'
import {tdLabel, type Snapshot} from '../../model/snapshot.js'
import {missingBecause} from '../_lib/gaps.js'
import {analysePolicy, refusalReasons} from '../_lib/fs-policy.js'
import {efsVolumesOf, mountsOfFs, mountUsesIam, mountUsesTls} from '../_lib/mount-usage.js'
import {mountFsId, probedHosts} from '../_lib/host.js'
import {userDataOf} from '../_lib/usage.js'
import {listCandidates} from '../_lib/cluster-hosts.js'

/** `fix(iam)`: the fix of a refused client; `iam` when the policy also wants an IAM identity (TLS alone will not do). */
interface Client { label: string; resource: Resource; key: Record<string, string>; tls: boolean; iam: boolean; fix: (iam: boolean) => Fix; line?: number; userDataId?: string }

/** How many hosts to name before "and N more". */
const NAMED_HOSTS = 3

/**
 * Probed hosts that booted with `userDataId` and have `fsId` mounted now. A policy is checked when a client mounts, so
 * such a mount was made before the policy took effect (or by other means) and stays up; the refusal comes at the next
 * boot or scale-out. Said in the message so the failure does not read as contradicted by working hosts.
 */
function mountedNow(s: Snapshot, userDataId: string, fsId: string): string | undefined {
  const ids = probedHosts(s).hosts
    .filter(({instance, facts}) => userDataOf(s, instance)?.id === userDataId && facts.mounts.some(m => mountFsId(facts, m) === fsId))
    .map(({instance}) => instance.id)
  if (ids.length === 0) return undefined
  return ` ${listCandidates(ids, NAMED_HOSTS)} (booted with this UserData) ${ids.length === 1 ? 'has' : 'have'} ${fsId} mounted now: the policy is checked only when a client mounts, so a mount made before the policy took effect stays up; the next boot of these hosts, and every new instance, will be refused.`
}

function clientsOf(s: Snapshot, fsId: string): Client[] {
  const fromUserData = mountsOfFs(s, fsId).map((m): Client => ({
    label: `UserData ${m.userDataId} line ${m.line} (${m.type ?? 'mount'} ${m.options.join(',') || 'no options'})`,
    resource: {type: 'user-data', id: m.userDataId}, key: {fileSystem: fsId}, line: m.line, tls: mountUsesTls(m), iam: mountUsesIam(m), userDataId: m.userDataId,
    fix: iam => ({summary: iam
      ? `Mount with efs-utils and TLS + IAM, e.g. fstab \`${fsId}:/ <mount-point> efs _netdev,noresvport,tls,iam 0 0\` (\`mount -t efs -o tls,iam\`), and grant the instance role elasticfilesystem:ClientMount (+ClientWrite).`
      : `Mount with efs-utils and TLS, e.g. fstab \`${fsId}:/ <mount-point> efs _netdev,noresvport,tls 0 0\` (\`mount -t efs -o tls\`): the policy lets clients mount without IAM once they use TLS.`}),
  }))
  const fromTasks = efsVolumesOf(s, fsId).map(({taskDefinition: td, volume, config}): Client => ({
    label: `task definition ${tdLabel(td)} volume "${volume.name}"`,
    resource: {type: 'task-definition', id: td.arn}, key: {fileSystem: fsId, volume: volume.name}, tls: config.transitEncryption === 'ENABLED', iam: config.authorizationConfig?.iam === 'ENABLED',
    fix: iam => ({summary: iam
      ? `In ${td.family}, set efsVolumeConfiguration.transitEncryption to ENABLED and authorizationConfig.iam to ENABLED, and grant the task role (${td.taskRoleArn ?? 'none set'}) elasticfilesystem:ClientMount (+ClientWrite).`
      : `In ${td.family}, set efsVolumeConfiguration.transitEncryption to ENABLED: the policy lets clients mount without IAM once they use TLS.`}),
  }))
  return [...fromUserData, ...fromTasks]
}

export const fileSystemPolicy = defineCheck({
  id: 'efs/file-system-policy',
  title: 'The file-system policy admits the way clients mount (TLS, IAM)',
  severity: 'error',
  description: 'A policy that requires TLS or IAM refuses clients that mount without `tls`/`iam` with `access denied by server`.',
  remediation: 'Mount with `-t efs -o tls,iam` (ECS: transitEncryption ENABLED, authorizationConfig.iam ENABLED) and grant the mounting role ClientMount, or relax the policy.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html',
  needs: ['fileSystemPolicies'],
  run(s) {
    const userDataGap = s.userData === undefined ? missingBecause(s, 'userData') : undefined
    const taskDefGap = s.taskDefinitions === undefined ? missingBecause(s, 'taskDefinitions') : undefined
    return s.scope.fileSystems.flatMap(({id}): Outcome[] => {
      const r: Resource = {type: 'efs-file-system', id}
      const text = s.fileSystemPolicies?.[id]
      if (text === undefined) return [unknown(r, `The policy of ${id} was not read (elasticfilesystem:DescribeFileSystemPolicy), so mount permissions are unknown.`)]
      if (text === null) return [pass(r, `${id} has no file-system policy, so none refuses a mount (any client that reaches a mount target may mount, write and act as root; a policy can require TLS or IAM).`, {severity: 'info'})]
      let policy
      try {
        policy = analysePolicy(text)
      } catch (error) {
        return [unknown(r, `The policy of ${id} could not be parsed: ${(error as Error).message}.`)]
      }
      const clients = clientsOf(s, id)
      const out = clients.map(c => {
        const why = refusalReasons(policy, {tls: c.tls, iam: c.iam})
        const ev = {fileSystemId: id, tls: c.tls, iam: c.iam, policy}
        const extra = {evidence: ev, key: c.key, location: c.line ? {line: c.line} : undefined}
        if (why.length) {
          const now = c.userDataId ? mountedNow(s, c.userDataId, id) : undefined
          // NOTE: the client needs IAM too when TLS alone would still be refused.
          const iam = refusalReasons(policy, {tls: true, iam: c.iam}).length > 0
          return fail(c.resource, `${c.label} would be refused by ${id} ("access denied by server"): ${why.join('; ')}.${now ?? ''}`, c.fix(iam), extra)
        }
        const note = c.iam ? ' The mounting role still needs elasticfilesystem:ClientMount.' : ''
        return pass(c.resource, `${c.label} mounts ${id} in a way its policy admits (tls=${c.tls}, iam=${c.iam}).${note}`, extra)
      })
      if (userDataGap) out.push(unknown(r, `UserData was not read (${userDataGap}), so host mounts of ${id} were not compared with its policy.`, {key: {aspect: 'user-data'}}))
      if (taskDefGap) out.push(unknown(r, `Task definitions were not read (${taskDefGap}), so their EFS volumes were not compared with the policy of ${id}.`, {key: {aspect: 'task-definitions'}}))
      if (out.length === 0) out.push(skipped(r, `No mounts of ${id} were found in UserData or task definitions to compare with its policy.`))
      return out
    })
  },
})
