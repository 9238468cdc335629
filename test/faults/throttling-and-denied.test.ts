/**
 * Fault injection against the simulated AWS through the real SDK clients: throttling must not change the findings
 * (adaptive retry), and a denied read must only turn the checks that need it into `unknown`, naming the action.
 */
import {INVENTORY_ACTIONS} from '../../src/model/actions.js'
import type {Finding, Report} from '../../src/core/types.js'
import {byCheck, collect, key, report, withFake} from './harness.js'

const N = 12
let baseline: Report
let called: Set<string>

beforeAll(async () => {
  await withFake({instances: N}, async fake => {
    baseline = report(await collect(fake))
    called = new Set(fake.records.map(r => r.action))
  })
})

describe('baseline over the simulated AWS', () => {
  it('collects every part without gaps and gives a mostly passing report', () => {
    expect(baseline.findings.filter(f => f.status === 'unknown' && !f.checkId.startsWith('host/'))).toEqual([])
    expect(baseline.summary.pass).toBeGreaterThan(10)
    // Every inventory action the collector needs for this cluster was really sent over HTTP.
    for (const a of ['ecs:DescribeContainerInstances', 'ec2:DescribeInstances', 'ec2:DescribeNetworkAcls', 'elasticfilesystem:DescribeMountTargets']) {
      expect(called).toContain(a)
    }
  })
})

describe('throttling on half of all calls', () => {
  it('gives the same findings as without, in bounded time (SDK adaptive retry)', async () => {
    await withFake({instances: N, faults: {throttleFraction: 0.5}}, async fake => {
      const t0 = Date.now()
      const r = report(await collect(fake))
      const throttled = fake.records.filter(x => x.code === 'ThrottlingException' || x.code === 'RequestLimitExceeded' || x.code === 'Throttling')
      expect(throttled.length).toBeGreaterThan(fake.records.length / 4)
      expect(r.findings.map(key).sort()).toEqual(baseline.findings.map(key).sort())
      expect(r.summary).toEqual(baseline.summary)
      expect(Date.now() - t0).toBeLessThan(15_000)
    })
  }, 40_000)

  it('throttles with each protocol\'s own error (ECS JSON, EC2 XML, EFS, Auto Scaling XML)', async () => {
    await withFake({instances: N, faults: {throttleFraction: 0.5}}, async fake => {
      await collect(fake)
      const codes = (prefix: string) => new Set(fake.records.filter(x => x.action.startsWith(prefix) && x.code).map(x => x.code))
      expect(codes('ecs:')).toEqual(new Set(['ThrottlingException']))
      expect(codes('ec2:')).toEqual(new Set(['RequestLimitExceeded']))
      expect(codes('elasticfilesystem:')).toEqual(new Set(['ThrottlingException']))
    })
  }, 40_000)
})


const where = (f: Finding) => `${f.checkId}|${f.resource.id}|${f.status}`

describe('AccessDenied on each read operation in turn', () => {
  it.each(INVENTORY_ACTIONS.map(a => [a]))('%s: a recorded gap; only the checks that need it change, to unknown', async action => {
    await withFake({instances: N, faults: {deny: [action]}}, async fake => {
      const snapshot = await collect(fake)
      const r = report(snapshot)
      const denied = fake.records.some(x => x.action === action && /AccessDenied|UnauthorizedOperation/.test(x.code ?? ''))
      expect(denied).toBe(called.has(action))
      if (!called.has(action)) {
        // Not needed for this cluster: nothing may change.
        expect(r.findings.map(key).sort()).toEqual(baseline.findings.map(key).sort())
        return
      }
      expect(snapshot.gaps.find(g => g.action === action)).toMatchObject({code: expect.stringMatching(/AccessDenied|UnauthorizedOperation/)})
      const before = new Set(baseline.findings.map(where))
      const fresh = r.findings.filter(f => !before.has(where(f)))
      // A denial never invents a pass or a fail.
      expect(fresh.filter(f => f.status === 'pass' || f.status === 'fail').map(where)).toEqual([])
      // Checks that do not depend on the denied data give exactly the same findings as without the fault.
      const changed = new Set(fresh.map(f => f.checkId))
      const same = (rep: Report) => rep.findings.filter(f => !changed.has(f.checkId)).map(where).sort()
      expect(same(r)).toEqual(same(baseline))
      for (const f of fresh) {
        const named = f.message.includes(action) || JSON.stringify(f.evidence ?? {}).includes(action)
        expect({check: f.checkId, status: f.status, named}).toEqual({check: f.checkId, status: 'unknown', named: true})
      }
    })
  })
})
