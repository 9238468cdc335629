import {efsMounted} from '../../../src/checks/host/efs-mounted.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, withHostFacts, withHostFault} from '../../support/host-facts.js'
import {healthy, IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([efsMounted], s).findings

describe('host/efs-mounted', () => {
  it('passes when /mnt/efs (from UserData) is an nfs4 mount on every host', () => {
    const f = run(withHostFacts())
    expect(f.map(x => x.status)).toEqual(Array(6).fill('pass'))
    expect(f[0].message).toContain('/mnt/efs')
  })

  it('fails a host where nothing is mounted, saying what is there and how to mount', () => {
    const s = withHostFault(f => {
      f.mounts = []
      f.expectedPaths = [{path: '/mnt/efs', coveringTarget: '/', fstype: 'xfs', source: '/dev/nvme0n1p1'}]
    })
    const [o] = forInstance(run(s))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('nothing is mounted at /mnt/efs')
    expect(o.message).toContain('on / (xfs)')
    // The fix is efsdoctor's own idempotent, fstab-validating mount for exactly this host, file system and path.
    expect(o.fix?.command).toBe(`efsdoctor mount --instance ${IDS.instances[0]} --file-system ${IDS.fs} --path /mnt/efs --region eu-west-1`)
    expect(forInstance(run(s), IDS.instances[1])[0].status).toBe('pass')
  })

  it('fails when the path is mounted from another file system', () => {
    const s = withHostFault(f => { f.mounts[0].source = 'fs-0ffffffffffffffff.efs.eu-west-1.amazonaws.com:/' })
    const [o] = forInstance(run(s))
    expect(o.status).toBe('fail')
    expect(o.message).toContain(`mounted from fs-0ffffffffffffffff, not ${IDS.fs}`)
  })

  it('maps a TLS mount (127.0.0.1:/) to its file system through the efs-utils state file', () => {
    expect(forInstance(run(withHostFacts()))[0].message).toContain(`127.0.0.1:/ (${IDS.fs})`)
    const s = withHostFault(f => { f.efsStateFiles = ['fs-0ffffffffffffffff.mnt.efs.20127'] })
    expect(forInstance(run(s))[0]).toMatchObject({status: 'fail', message: expect.stringContaining('mounted from fs-0ffffffffffffffff')})
  })

  it('falls back to task-definition source paths without a UserData mount', () => {
    const s = withHostFacts()
    s.userData = []
    expect(run(s).map(x => x.status)).toEqual(Array(6).fill('pass'))
    s.hostFacts![IDS.instances[0]].facts!.mounts = []
    const [o] = forInstance(run(s))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('/mnt/efs/shared is not on an EFS/NFS mount')
  })

  it('is unknown for a host that could not be probed, skipped with --no-probe', () => {
    const s = withHostFacts()
    s.hostFacts![IDS.instances[2]] = {instanceId: IDS.instances[2], status: 'failed', reason: 'exit code 127'}
    const [o] = forInstance(run(s), IDS.instances[2])
    expect(o.status).toBe('unknown')
    expect(o.message).toContain('exit code 127')
    expect(run(healthy()).map(x => x.status)).toEqual(['skipped'])
  })
})
