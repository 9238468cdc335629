import {containerInstancesHealthy} from '../../../src/checks/ecs/container-instances-healthy.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([containerInstancesHealthy], s).findings
const forInstance = (s: Snapshot, id: string) => run(s).find(f => f.resource.id === id)!

describe('ecs/container-instances-healthy', () => {
  it('passes every ACTIVE, connected instance in the healthy cluster', () => {
    const f = run(healthy())
    expect(f).toHaveLength(6)
    expect(f.every(x => x.status === 'pass')).toBe(true)
  })

  it('fails a disconnected agent at error severity and says later checks skip it', () => {
    const s = withFault(x => { x.containerInstances![1].agentConnected = false })
    const f = forInstance(s, IDS.instances[1])
    expect(f.status).toBe('fail')
    expect(f.severity).toBe('error')
    expect(f.message).toMatch(/disconnected.*skip/s)
    expect(f.fix?.summary).toMatch(/systemctl/)
  })

  it('reports DRAINING as a warning-severity fail with a command to re-activate', () => {
    const s = withFault(x => { x.containerInstances![0].status = 'DRAINING' })
    const f = forInstance(s, IDS.instances[0])
    expect(f.status).toBe('fail')
    expect(f.severity).toBe('warning')
    expect(f.fix?.command).toContain('--status ACTIVE')
  })

  it('fails a container instance whose EC2 instance is missing', () => {
    const s = withFault(x => { delete x.instances![IDS.instances[5]] })
    const f = forInstance(s, IDS.instances[5])
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/EC2 has no such instance/)
    expect(f.fix?.command).toContain('deregister-container-instance')
  })

  it('is unknown as a whole when ecs:DescribeContainerInstances was denied', () => {
    const f = run(denied(healthy(), 'containerInstances', 'ecs:DescribeContainerInstances'))
    expect(f).toHaveLength(1)
    expect(f[0].status).toBe('unknown')
    expect(f[0].message).toContain('ecs:DescribeContainerInstances')
  })

  it('is unknown per instance when only ec2:DescribeInstances was denied', () => {
    const f = run(denied(healthy(), 'instances', 'ec2:DescribeInstances'))
    expect(f.every(x => x.status === 'unknown')).toBe(true)
    expect(f[0].message).toContain('ec2:DescribeInstances')
  })
})

describe('ecs/container-instances-healthy with a partly failed DescribeInstances', () => {
  it('reports the instances of the failed batch as unknown, not as terminated', async () => {
    const {containerInstancesHealthy} = await import('../../../src/checks/ecs/container-instances-healthy.js')
    const {healthy: h, IDS: ids} = await import('../../support/snapshot-builder.js')
    const s = h()
    delete s.instances![ids.instances[0]]
    s.gaps.push({part: 'instances', action: 'ec2:DescribeInstances', code: 'RequestLimitExceeded', message: 'Rate exceeded', resourceIds: [ids.instances[0]]})
    const out = containerInstancesHealthy.run(s)
    expect(out.find(o => o.resource.id === ids.instances[0])).toMatchObject({status: 'unknown', message: expect.stringContaining('ec2:DescribeInstances failed')})
    expect(out.filter(o => o.resource.id !== ids.instances[0]).every(o => o.status === 'pass')).toBe(true)
  })
})
