import {ssmManaged} from '../../../src/checks/host/ssm-managed.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, withHostFacts} from '../../support/host-facts.js'
import {healthy, IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([ssmManaged], s).findings
const [i1, i2, i3, i4, i5, i6] = IDS.instances

describe('host/ssm-managed', () => {
  it('passes every probed instance and names its OS', () => {
    const f = run(withHostFacts())
    expect(f.map(x => x.status)).toEqual(Array(6).fill('pass'))
    expect(f[0].message).toContain('Amazon Linux 2023')
  })

  it('reports each reason an instance could not be probed: fail for unmanaged/offline/not-linux, unknown otherwise', () => {
    const s = withHostFacts()
    s.hostFacts![i1] = {instanceId: i1, status: 'not-managed'}
    s.hostFacts![i2] = {instanceId: i2, status: 'offline', reason: 'PingStatus ConnectionLost since 2026-11-26'}
    s.hostFacts![i3] = {instanceId: i3, status: 'not-linux'}
    s.hostFacts![i4] = {instanceId: i4, status: 'timed-out', reason: 'no result after 120 s'}
    s.hostFacts![i5] = {instanceId: i5, status: 'unparseable', reason: 'no EFSD header'}
    delete s.hostFacts![i6]
    const f = run(s)
    const byId = Object.fromEntries(f.map(x => [x.resource.id, x]))
    expect(byId[i1].status).toBe('fail')
    expect(byId[i1].fix?.command).toContain('AmazonSSMManagedInstanceCore')
    expect(byId[i1].fix?.command).toContain('--instance-profile-name prod-ecs-instance')
    expect(byId[i1].fix?.summary).toContain('ssmmessages')
    expect(byId[i2]).toMatchObject({status: 'fail'})
    expect(byId[i2].message).toContain('ConnectionLost')
    expect(byId[i3].status).toBe('fail')
    expect(byId[i4]).toMatchObject({status: 'unknown'})
    expect(byId[i4].message).toContain('timed out')
    expect(byId[i4].message).toContain('re-run with a longer --probe-timeout')
    expect(byId[i5].message).toContain('could not be read')
    // A longer timeout would not help an output that came back unreadable.
    expect(byId[i5].message).not.toContain('--probe-timeout')
    expect(byId[i6]).toMatchObject({status: 'unknown'})
    expect(byId[i6].message).toContain('not probed')
  })

  it('is skipped when probing was not done (--no-probe)', () => {
    expect(run(healthy()).map(x => x.status)).toEqual(['skipped'])
  })

  it('notes a probe output that was cut short', () => {
    const s = withHostFacts()
    s.hostFacts![i1].facts!.complete = false
    expect(forInstance(run(s))[0].message).toContain('cut short')
  })
})
