/**
 * The file system must exist in this account and region and be `available`. A wrong id or region shows up on the
 * host as `Failed to resolve "fs-….efs.<region>.amazonaws.com" - check that your file system ID is correct`; a file
 * system that is still creating, being deleted or in `error` makes mounts hang or get refused.
 */
import {defineCheck, fail, pass, unknown} from '../../core/define-check.js'
import type {Resource} from '../../core/types.js'
import {shellWord} from '../../core/shell.js'

const WAITABLE = new Set(['creating', 'updating'])

export const fileSystemExists = defineCheck({
  id: 'efs/file-system-exists',
  title: 'Each file system exists in this account and region and is available',
  severity: 'error',
  description: 'A missing or non-available file system cannot be mounted: `Failed to resolve` for a wrong id/region, hangs or refusals while it is not available.',
  remediation: 'Fix the file-system id or region in the task definition / UserData, or wait for (or recreate) the file system.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/troubleshooting-efs-mounting.html',
  needs: ['fileSystems'],
  run(s) {
    const region = s.scope.region ?? '<region>'
    return s.scope.fileSystems.map(({id, reasons}) => {
      const r: Resource = {type: 'efs-file-system', id}
      const fs = (s.fileSystems ?? []).find(f => f.id === id)
      if (!fs) {
        const gap = s.gaps.find(g => g.part === 'fileSystems' && g.resourceIds?.includes(id))
        if (gap) return unknown(r, `Could not look up ${id}: ${gap.action} failed (${gap.code}).`, {evidence: {missingPermissions: [gap.action]}})
        return fail(r, `File system ${id} was not found in ${s.scope.accountId ?? 'this account'} / ${region} (referenced by: ${reasons.join('; ') || 'scope'}).`,
          {summary: 'Check the id and region the clients use; list the file systems that do exist.',
            command: `aws efs describe-file-systems --region ${shellWord(region)} --query 'FileSystems[].[FileSystemId,Name,LifeCycleState]' --output table`},
          {evidence: {reasons}})
      }
      const res: Resource = {type: 'efs-file-system', id: fs.id, arn: fs.arn}
      const ev = {lifeCycleState: fs.lifeCycleState, name: fs.name}
      if (fs.lifeCycleState === 'available') return pass(res, `File system ${fs.id}${fs.name ? ` (${fs.name})` : ''} exists and is available.`, {evidence: ev})
      const wait = WAITABLE.has(fs.lifeCycleState)
      return fail(res, `File system ${fs.id} is ${fs.lifeCycleState}, not available: mounts will ${wait ? 'fail until it finishes' : 'fail'}.`,
        wait
          ? {summary: 'Wait until the file system is available, then retry the mount.', command: `aws efs describe-file-systems --file-system-id ${shellWord(fs.id)} --query 'FileSystems[0].LifeCycleState'`}
          : {summary: `A file system in ${fs.lifeCycleState} will not come back: point the clients at another file system or restore from backup.`},
        {evidence: ev})
    })
  },
})
