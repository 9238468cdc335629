import {rootDirectoryExists} from '../../../src/checks/host/root-directory-exists.js'
import {rootDirectoryProbeItems} from '../../../src/checks/_lib/root-directories.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {AccessPoint, Snapshot} from '../../../src/model/snapshot.js'
import type {ProbeFacts, ProbeRootDir} from '../../../src/model/probe-facts.js'
import {FS_DNS, withHostFacts} from '../../support/host-facts.js'
import {denied, IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([rootDirectoryExists], s).findings
const AP = 'fsap-0123456789abcdef0'
const STATE = `${IDS.fs}.mnt.efs.20127`

/** withHostFacts() with `mutate` applied to every host's facts. */
function everyHost(mutate: (f: ProbeFacts) => void, s: Snapshot = withHostFacts()): Snapshot {
  for (const hf of Object.values(s.hostFacts!)) mutate(hf.facts!)
  return s
}
const dirIs = (d: Partial<ProbeRootDir>) => (f: ProbeFacts) => {
  f.rootDirs = [{mountPoint: '/mnt/efs', path: '/reports', status: 'missing', ...d}]
}
/** The worker's "reports" volume through access point AP. */
function withAp(s: Snapshot, ap: Partial<AccessPoint>): Snapshot {
  s.accessPoints = [{id: AP, fileSystemId: IDS.fs, lifeCycleState: 'available', rootDirectory: {path: '/reports'}, ...ap}]
  const efs = s.taskDefinitions![1].volumes[0].efsVolumeConfiguration!
  delete efs.rootDirectory
  efs.authorizationConfig = {accessPointId: AP, iam: 'ENABLED'}
  return s
}

describe('host/root-directory-exists', () => {
  it('passes when a host that mounts the file system root sees the rootDirectory, naming owner and mode', () => {
    const f = run(withHostFacts())
    expect(f.map(x => [x.status, x.resource.id, x.key])).toEqual([['pass', 'prod-worker:17', {volume: 'reports'}]])
    expect(f[0].message).toBe(`Volume "reports" of prod-worker:17 mounts ${IDS.fs}:/reports (rootDirectory), which exists (seen from ${IDS.instances[0]} at /mnt/efs/reports: owner 0:0, mode 755).`)
  })

  it('fails when the rootDirectory is missing, naming the task definition, volume and path, with a mkdir fix', () => {
    const f = run(everyHost(dirIs({status: 'missing', detail: "stat: cannot statx '/mnt/efs/reports': No such file or directory"})))
    expect(f.map(x => x.status)).toEqual(['fail'])
    expect(f[0].message).toContain(`Volume "reports" of prod-worker:17 mounts ${IDS.fs}:/reports (rootDirectory), which does not exist (${IDS.instances[0]} finds no /mnt/efs/reports`)
    expect(f[0].message).toContain('reason given by server: No such file or directory')
    expect(f[0].fix?.summary).toContain('CreationInfo')
    expect(f[0].fix?.command).toBe(`aws ssm send-command --instance-ids ${IDS.instances[0]} --document-name AWS-RunShellScript --parameters '{"commands":["mkdir -p /mnt/efs/reports"]}' --region eu-west-1`)
  })

  it('passes when one host sees the directory even if another does not (existence is the file system\'s, not the host\'s)', () => {
    const s = withHostFacts()
    dirIs({status: 'missing'})(s.hostFacts![IDS.instances[0]].facts!)
    const f = run(s)
    expect(f[0].status).toBe('pass')
    expect(f[0].message).toContain(`seen from ${IDS.instances[1]}`)
  })

  it('fails a regular file where the directory should be, without a mkdir that could not work', () => {
    const f = run(everyHost(dirIs({status: 'not-directory', type: 'regular file', uid: 0, gid: 0, mode: '644'})))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain('is not a directory')
    expect(f.message).toContain('finds a regular file at /mnt/efs/reports')
    expect(f.fix?.summary).toContain('Move the regular file at /reports away')
    expect(f.fix?.command).toBeUndefined()
  })

  it('fails an access point path that is missing without CreationInfo; the fix creates it for the POSIX user or replaces the access point', () => {
    const s = everyHost(dirIs({status: 'missing'}), withAp(withHostFacts(), {posixUser: {uid: 1000, gid: 1000}}))
    const f = run(s)[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain(`goes through access point ${AP}'s root directory /reports on ${IDS.fs}`.replace('goes through', 'mounts'))
    expect(f.message).toContain('has no CreationInfo, so EFS does not create it')
    expect(f.fix?.summary).toContain('create a new access point whose RootDirectory has CreationInfo (an access point cannot be changed)')
    expect(f.fix?.command).toBe(`aws ssm send-command --instance-ids ${IDS.instances[0]} --document-name AWS-RunShellScript --parameters '{"commands":["mkdir -p /mnt/efs/reports && chown 1000:1000 /mnt/efs/reports"]}' --region eu-west-1`)
  })

  it('passes an access point with CreationInfo whether or not the directory exists yet (EFS creates it on first use)', () => {
    const s = everyHost(dirIs({status: 'missing'}), withAp(withHostFacts(), {
      rootDirectory: {path: '/reports', creationInfo: {ownerUid: 1000, ownerGid: 1000, permissions: '0755'}}}))
    const f = run(s)[0]
    expect(f.status).toBe('pass')
    expect(f.message).toContain('which EFS creates on first use (CreationInfo: owner 1000:1000, mode 0755)')
    // It is not sent to the probe at all.
    expect(rootDirectoryProbeItems(s)).toEqual([])
  })

  it('is unknown when no host mounts the file system root: only a subdirectory, or through an access point', () => {
    const sub = run(everyHost(f => { f.mounts[0].source = `${FS_DNS}:/reports`; f.mounts[0].options = ['rw', 'vers=4.1'] }))[0]
    expect(sub.status).toBe('unknown')
    expect(sub.message).toContain(`${IDS.instances[0]} does not mount ${IDS.fs}'s root`)
    expect(sub.message).toContain('and 3 more')
    const viaAp = run(everyHost(f => { f.efsStateAccessPoints = {[STATE]: AP} }))[0]
    expect(viaAp.status).toBe('unknown')
    expect(viaAp.message).toContain(`mounts ${IDS.fs} at /mnt/efs through access point ${AP}, not at the file system's root`)
  })

  it('is unknown when a TLS mount\'s state file could not be read (it might go through an access point)', () => {
    const f = run(everyHost(x => { x.efsStateAccessPoints = {} }))[0]
    expect(f.status).toBe('unknown')
    expect(f.message).toContain('whether its TLS mount at /mnt/efs goes through an access point could not be read')
  })

  it('is unknown on a timeout, a denied stat, a symbolic link, an older probe, or hosts that were not probed', () => {
    const timeout = run(everyHost(dirIs({status: 'timeout', detail: 'stat did not answer within 3s'})))[0]
    expect(timeout.status).toBe('unknown')
    expect(timeout.message).toContain(`${IDS.instances[0]} under /mnt/efs: timeout (stat did not answer within 3s)`)
    expect(run(everyHost(dirIs({status: 'denied'})))[0].status).toBe('unknown')
    const link = run(everyHost(dirIs({status: 'not-directory', type: 'symbolic link'})))[0]
    expect(link.status).toBe('unknown')
    expect(link.message).toContain('not-directory (symbolic link)')
    const old = run(everyHost(x => { delete x.rootDirs }))[0]
    expect(old.status).toBe('unknown')
    expect(old.message).toContain('predates this check')
    const s = withHostFacts()
    for (const id of IDS.instances) s.hostFacts![id] = {instanceId: id, status: 'not-managed'}
    const none = run(s)[0]
    expect(none.status).toBe('unknown')
    expect(none.message).toContain(`${IDS.instances[0]} could not be probed (it is not managed by SSM)`)
  })

  it('is unknown for a path outside the allow-list, which the probe is never asked about', () => {
    const s = withHostFacts()
    s.taskDefinitions![1].volumes[0].efsVolumeConfiguration!.rootDirectory = '/reports/$(reboot)'
    const f = run(s)[0]
    expect(f.status).toBe('unknown')
    expect(f.message).toContain('is not an absolute path of letters, digits')
    expect(rootDirectoryProbeItems(s)).toEqual([])
  })

  it('is unknown for access-point volumes when access points could not be read, naming the action', () => {
    const s = withAp(withHostFacts(), {})
    denied(s, 'accessPoints', 'elasticfilesystem:DescribeAccessPoints')
    const f = run(s)
    expect(f.map(x => x.status)).toEqual(['unknown'])
    expect(f[0].message).toContain('elasticfilesystem:DescribeAccessPoints')
  })

  it('asks the probe about each fs-id:/path once, trailing slashes trimmed; root directories "/" need nothing', () => {
    const s = withHostFacts()
    expect(rootDirectoryProbeItems(s)).toEqual([`${IDS.fs}:/reports`])
    s.taskDefinitions![1].volumes[0].efsVolumeConfiguration!.rootDirectory = '/reports/'
    expect(rootDirectoryProbeItems(s)).toEqual([`${IDS.fs}:/reports`])
    s.taskDefinitions![1].volumes[0].efsVolumeConfiguration!.rootDirectory = '/'
    expect(rootDirectoryProbeItems(s)).toEqual([])
    expect(run(s).map(x => x.status)).toEqual(['skipped'])
  })
})
