import {mountPointVolumeExists} from '../../../src/checks/ecs/mount-point-volume-exists.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {denied, healthy, withFault} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([mountPointVolumeExists], s).findings

describe('ecs/mount-point-volume-exists', () => {
  it('passes both healthy task definitions', () => {
    const f = run(healthy())
    expect(f.map(x => [x.resource.id, x.status])).toEqual([['prod-web:42', 'pass'], ['prod-worker:17', 'pass']])
  })

  it('fails a mount point whose sourceVolume matches no volume, naming the declared ones', () => {
    const s = withFault(x => { x.taskDefinitions![0].containers[0].mountPoints[0].sourceVolume = 'shard' })
    const f = run(s).find(x => x.resource.id === 'prod-web:42')!
    expect(f.status).toBe('fail')
    expect(f.message).toContain('"shard"')
    expect(f.message).toContain('Unknown volume')
    expect(f.fix?.summary).toContain('"shared"')
  })

  it('is skipped when no task definition has mount points', () => {
    const s = withFault(x => { for (const td of x.taskDefinitions!) for (const c of td.containers) c.mountPoints = [] })
    const f = run(s)
    expect(f).toHaveLength(1)
    expect(f[0].status).toBe('skipped')
  })

  it('is unknown when task definitions could not be read', () => {
    const f = run(denied(healthy(), 'taskDefinitions', 'ecs:DescribeTaskDefinition'))
    expect(f).toHaveLength(1)
    expect(f[0].status).toBe('unknown')
  })
})
