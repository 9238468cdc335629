/**
 * With `authorizationConfig.iam: ENABLED` the ECS agent mounts EFS with the credentials of the task role
 * (`taskRoleArn`); the execution role is never used for that. Without a task role the mount is refused
 * ("access denied by server" / ResourceInitializationError) as soon as the file-system policy requires IAM.
 */
import {defineCheck, fail, pass} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import {tdExtra, tdId, tdRes} from '../_lib/task-definitions.js'

export const taskRoleEfsAccess = defineCheck({
  id: 'ecs/task-role-efs-access',
  title: 'Task definitions that mount EFS with IAM authorization have a task role',
  severity: 'error',
  description: 'IAM-authorized EFS volumes are mounted with the task role; with none set the mount is denied and the task fails with ResourceInitializationError.',
  remediation: 'Set taskRoleArn to a role allowed elasticfilesystem:ClientMount (and ClientWrite when writing) on the file system.',
  docsUrl: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html',
  needs: ['taskDefinitions'],
  run(s) {
    const out: Outcome[] = []
    for (const td of s.taskDefinitions ?? []) {
      const iamVolumes = td.volumes.filter(v => v.efsVolumeConfiguration?.authorizationConfig?.iam === 'ENABLED')
      if (iamVolumes.length === 0) continue
      const names = iamVolumes.map(v => `"${v.name}"`).join(', ')
      const fsIds = [...new Set(iamVolumes.map(v => v.efsVolumeConfiguration!.fileSystemId))]
      const ev = {volumes: iamVolumes.map(v => v.name), taskRoleArn: td.taskRoleArn, executionRoleArn: td.executionRoleArn}
      if (td.taskRoleArn) {
        out.push(pass(tdRes(td), `Task definition ${tdId(td)} mounts ${names} with IAM authorization using task role ${td.taskRoleArn}.`, {evidence: ev, ...tdExtra(td)}))
        continue
      }
      const exec = td.executionRoleArn ? ` It has an execution role (${td.executionRoleArn}), but EFS IAM authorization never uses it.` : ''
      out.push(fail(tdRes(td), `Task definition ${tdId(td)} mounts ${names} with authorizationConfig.iam ENABLED but has no task role (taskRoleArn): the mount is made without credentials and is denied.${exec}`,
        {summary: `Create a task role allowed elasticfilesystem:ClientMount and elasticfilesystem:ClientWrite on ${fsIds.join(', ')}, set it as taskRoleArn, and register a new revision.`},
        {evidence: ev, ...tdExtra(td)}))
    }
    return out
  },
})
