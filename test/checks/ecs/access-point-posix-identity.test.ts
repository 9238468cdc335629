import {accessPointPosixIdentity, directoryAccess} from '../../../src/checks/ecs/access-point-posix-identity.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {AccessPoint, Snapshot} from '../../../src/model/snapshot.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'
import {withHostFacts} from '../../support/host-facts.js'

const run = (s: Snapshot) => runChecks([accessPointPosixIdentity], s).findings
const AP = 'fsap-0123456789abcdef0'
/** The worker's "reports" volume through access point AP with the given POSIX user and root directory. */
const withAp = (s: Snapshot, ap: Partial<AccessPoint>) => {
  s.accessPoints = [{id: AP, fileSystemId: IDS.fs, lifeCycleState: 'available', ...ap}]
  const efs = s.taskDefinitions![1].volumes[0].efsVolumeConfiguration!
  delete efs.rootDirectory
  efs.authorizationConfig = {accessPointId: AP, iam: 'ENABLED'}
}

describe('ecs/access-point-posix-identity', () => {
  it('passes when the access point creates its directory owned by its POSIX user', () => {
    const f = run(withFault(x => withAp(x, {posixUser: {uid: 1000, gid: 1000},
      rootDirectory: {path: '/reports', creationInfo: {ownerUid: 1000, ownerGid: 1000, permissions: '0755'}}})))
    expect(f.map(x => x.status)).toEqual(['pass'])
    expect(f[0].message).toContain('1000:1000 gets rwx (as owner)')
    expect(f[0].message).toContain('worker:/data/reports')
  })

  it('fails when the POSIX user gets no write permission on the directory EFS creates (the chown / Permission denied case)', () => {
    const f = run(withFault(x => withAp(x, {posixUser: {uid: 1000, gid: 1000},
      rootDirectory: {path: '/reports', creationInfo: {ownerUid: 0, ownerGid: 0, permissions: '755'}}})))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain('user 1000:1000 gets r-x (as other), but a read-write mount needs rwx')
    expect(f.message).toContain('failed to chown')
    expect(f.fix?.summary).toContain('CreationInfo owner 1000:1000')
    expect(f.fix?.command).toBe('sudo chown 1000:1000 /mnt/efs/reports && sudo chmod u+rwx /mnt/efs/reports   # on a host with the file system root mounted at /mnt/efs')
  })

  it('a read-only mount only needs r-x, through the group class', () => {
    const f = run(withFault(x => {
      withAp(x, {posixUser: {uid: 1000, gid: 50}, rootDirectory: {path: '/reports', creationInfo: {ownerUid: 0, ownerGid: 50, permissions: '0750'}}})
      x.taskDefinitions![1].containers[0].mountPoints[0].readOnly = true
    }))[0]
    expect(f.status).toBe('pass')
    expect(f.message).toContain('gets r-x (as group), enough for a read-only mount')
    expect(f.message).toContain('not owned by 1000:50')
  })

  it('is unknown when the directory is not created by the access point (its owner is not visible through the API)', () => {
    const f = run(withFault(x => withAp(x, {posixUser: {uid: 1000, gid: 1000}, rootDirectory: {path: '/reports'}})))[0]
    expect(f.status).toBe('unknown')
    expect(f.message).toContain('does not create (no CreationInfo)')
  })

  it('without CreationInfo, judges the owner and mode a host probe saw on the directory (fails 0:0 755 for user 1000:1000)', () => {
    // healthyFacts: each host mounts the root at /mnt/efs and saw /reports owned 0:0 mode 755.
    const s = withHostFacts(withFault(x => withAp(x, {posixUser: {uid: 1000, gid: 1000}, rootDirectory: {path: '/reports'}})))
    const [f] = run(s)
    expect(f.status).toBe('fail')
    expect(f.message).toContain('/reports (no CreationInfo) exists owned 0:0 mode 755')
    expect(f.message).toContain("the access point's user 1000:1000 gets r-x (as other)")
    expect(f.fix?.command).toContain("chown 1000:1000 /mnt/efs/reports")
    // Owned by the user: a pass; and without a probe it stays unknown.
    for (const hf of Object.values(s.hostFacts!)) Object.assign(hf.facts!.rootDirs![0], {uid: 1000, gid: 1000})
    expect(run(s)[0].status).toBe('pass')
    expect(run(withFault(x => withAp(x, {posixUser: {uid: 1000, gid: 1000}, rootDirectory: {path: '/reports'}})))[0].status).toBe('unknown')
  })

  it('is unknown, naming the action, when access points could not be read', () => {
    const s = withFault(x => withAp(x, {posixUser: {uid: 1000, gid: 1000}}))
    denied(s, 'accessPoints', 'elasticfilesystem:DescribeAccessPoints')
    const f = run(s)
    expect(f.map(x => x.status)).toEqual(['unknown'])
    expect(f[0].message).toContain('elasticfilesystem:DescribeAccessPoints')
  })

  it('skips an access point without a POSIX user, and volumes without an access point', () => {
    expect(run(healthy()).map(x => x.status)).toEqual(['skipped'])
    const f = run(withFault(x => withAp(x, {})))
    expect(f.map(x => x.status)).toEqual(['skipped'])
    expect(f[0].message).toContain('enforces no POSIX user')
  })

  it('directoryAccess picks owner, then group, then other; root gets everything', () => {
    const owner = {uid: 10, gid: 20}
    expect(directoryAccess({uid: 10, gid: 99}, owner, 0o700)).toEqual({bits: 7, via: 'owner'})
    expect(directoryAccess({uid: 11, gid: 20}, owner, 0o750)).toEqual({bits: 5, via: 'group'})
    expect(directoryAccess({uid: 11, gid: 21}, owner, 0o751)).toEqual({bits: 1, via: 'other'})
    expect(directoryAccess({uid: 0, gid: 0}, owner, 0o700)).toEqual({bits: 7, via: 'root'})
  })
})
