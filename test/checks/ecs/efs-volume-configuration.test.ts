import {efsVolumeConfiguration} from '../../../src/checks/ecs/efs-volume-configuration.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {EfsVolumeConfiguration, Snapshot} from '../../../src/model/snapshot.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([efsVolumeConfiguration], s).findings
const efs = (s: Snapshot): EfsVolumeConfiguration => s.taskDefinitions![1].volumes[0].efsVolumeConfiguration!
const AP = 'fsap-0123456789abcdef0'
const withAp = (s: Snapshot, fileSystemId: string = IDS.fs) => {
  s.accessPoints = [{id: AP, fileSystemId, lifeCycleState: 'available'}]
  delete efs(s).rootDirectory
  efs(s).authorizationConfig = {accessPointId: AP, iam: 'ENABLED'}
}

describe('ecs/efs-volume-configuration', () => {
  it('passes the healthy worker volume (TLS with IAM, known file system)', () => {
    const f = run(healthy())
    expect(f).toHaveLength(1)
    expect(f[0].status).toBe('pass')
    expect(f[0].message).toContain('"reports"')
  })

  it('fails IAM authorization without transit encryption', () => {
    const f = run(withFault(x => { efs(x).transitEncryption = 'DISABLED' }))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/iam is ENABLED but transitEncryption is not ENABLED/)
    expect(f.fix?.summary).toContain('transitEncryption: ENABLED')
  })

  it('fails a rootDirectory other than / together with an access point', () => {
    const f = run(withFault(x => { withAp(x); efs(x).rootDirectory = '/reports' }))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/rootDirectory is \/reports while access point/)
  })

  it('passes an access point of the same file system, and fails one of another file system', () => {
    expect(run(withFault(x => withAp(x)))[0].status).toBe('pass')
    const f = run(withFault(x => withAp(x, 'fs-0ffffffffffffffff')))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain(`belongs to fs-0ffffffffffffffff, not to ${IDS.fs}`)
  })

  it('fails an access point that does not exist', () => {
    const f = run(withFault(x => { withAp(x); x.accessPoints = [] }))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain(`${AP} does not exist`)
  })

  it('is unknown for the volume when access points could not be read', () => {
    const s = withFault(x => withAp(x))
    denied(s, 'accessPoints', 'elasticfilesystem:DescribeAccessPoints')
    const f = run(s)[0]
    expect(f.status).toBe('unknown')
    expect(f.message).toContain(AP)
  })

  it('fails a volume that sets both host and efsVolumeConfiguration', () => {
    const f = run(withFault(x => { x.taskDefinitions![1].volumes[0].host = {sourcePath: '/mnt/efs/reports'} }))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain('only one volume configuration type')
  })

  it('fails an unknown file system id', () => {
    const f = run(withFault(x => { efs(x).fileSystemId = 'fs-0ffffffffffffffff' }))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain('fs-0ffffffffffffffff is not a known file system')
  })

  it('fails Fargate platform 1.3.0 but accepts LATEST', () => {
    const fargate = (pv: string) => withFault(x => {
      const svc = x.services![1]
      svc.launchType = 'FARGATE'
      svc.platformVersion = pv
    })
    const f = run(fargate('1.3.0'))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain('platform version 1.3.0')
    expect(f.fix?.command).toContain('--platform-version LATEST')
    expect(run(fargate('LATEST'))[0].status).toBe('pass')
    expect(run(fargate('1.4.0'))[0].status).toBe('pass')
  })

  it('fails when a container instance runs an agent older than 1.38', () => {
    const f = run(withFault(x => { x.containerInstances![2].agentVersion = '1.37.0' }))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain(`${IDS.instances[2]} (agent 1.37.0)`)
  })

  it('is unknown when container instances (agent versions) could not be read', () => {
    const f = run(denied(healthy(), 'containerInstances', 'ecs:DescribeContainerInstances'))[0]
    expect(f.status).toBe('unknown')
    expect(f.message).toMatch(/agent versions/)
  })

  it('is skipped when no volume uses efsVolumeConfiguration', () => {
    const s = withFault(x => { x.taskDefinitions!.splice(1, 1) })
    expect(run(s).map(x => x.status)).toEqual(['skipped'])
  })
})
