import {fileSystemWritable} from '../../../src/checks/efs/file-system-writable.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {denied, healthy, withFault} from '../../support/snapshot-builder.js'

describe('efs/file-system-writable', () => {
  const runW = (s: Snapshot) => runChecks([fileSystemWritable], s).findings
  it('passes a file system with overwrite protection ENABLED', () => {
    expect(runW(healthy())[0].status).toBe('pass')
  })
  it.each(['REPLICATING', 'DISABLED'])('fails a replication destination (%s) at warning severity', p => {
    const [f] = runW(withFault(x => { x.fileSystems![0].replicationOverwriteProtection = p }))
    expect(f.status).toBe('fail')
    expect(f.severity).toBe('warning')
    expect(f.message).toMatch(/EROFS/)
  })
  it('is unknown when the file systems could not be described', () => {
    expect(runW(denied(healthy(), 'fileSystems', 'elasticfilesystem:DescribeFileSystems'))[0].status).toBe('unknown')
  })
})
