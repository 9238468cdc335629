/**
 * A replication destination is read-only while replication overwrite protection is REPLICATING (or DISABLED after
 * a failover was not completed). The mount succeeds, so nothing looks wrong until the first write fails with
 * `Read-only file system` (EROFS) inside the container. Kept separate from efs/file-system-exists so it can carry its
 * own (warning) severity: a read-only DR copy can be intentional.
 */
import {defineCheck, fail, pass} from '../../core/define-check.js'
import {res, scopedFileSystems} from '../_lib/scope.js'
import {shellCommand} from '../../core/shell.js'

const READ_ONLY = new Set(['REPLICATING', 'DISABLED'])

export const fileSystemWritable = defineCheck({
  id: 'efs/file-system-writable',
  title: 'File systems are writable (not a replication destination)',
  severity: 'warning',
  description: 'A replication destination mounts fine but every write fails with EROFS ("Read-only file system").',
  remediation: 'Point the clients at the replication source, or delete the replication configuration to make the destination writable.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/API_FileSystemProtectionDescription.html',
  needs: ['fileSystems'],
  run(s) {
    const region = s.scope.region ?? '<region>'
    return scopedFileSystems(s).map(fs => {
      const p = fs.replicationOverwriteProtection
      if (p && READ_ONLY.has(p)) {
        return fail(res.fileSystem(fs), `File system ${fs.id} is a replication destination (ReplicationOverwriteProtection=${p}): it mounts read-only and writes fail with EROFS.`,
          {summary: 'Mount the source file system instead, or delete the replication configuration (this stops replication).',
            command: shellCommand(['aws', 'efs', 'describe-replication-configurations', '--file-system-id', fs.id, '--region', region])},
          {evidence: {replicationOverwriteProtection: p}})
      }
      return pass(res.fileSystem(fs), `File system ${fs.id} is writable (ReplicationOverwriteProtection=${p ?? 'not reported'}).`)
    })
  },
})
