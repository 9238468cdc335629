/**
 * SSM faults on one host, through the real SSM client and runner (collectLive with the probe, as `check` runs it):
 * the host checks for that instance are `unknown` with the reason, never `pass`; the other hosts are still read.
 */
import type {SsmFault} from '../../bench/fake-aws/server.js'
import {collect, report, withFake} from './harness.js'

const N = 4

const cases: [SsmFault, string, RegExp][] = [
  ['offline', 'offline', /offline|ConnectionLost/],
  ['timeout', 'timed-out', /timed out|timeout/i],
  ['failed', 'failed', /failed|exited with code 127/],
  ['undeliverable', 'offline', /deliver|offline/i],
  ['truncated', 'unparseable', /cut|24,000|could not be read/],
  ['non-linux', 'not-linux', /not Linux|not a Linux|Windows/],
]

describe('SSM faults on one host', () => {
  it.each(cases)('%s → host facts "%s", host checks unknown with the reason, never pass', async (fault, status, reason) => {
    await withFake({instances: N, faults: {ssm: fault}}, async fake => {
      const victim = fake.cluster.instanceIds[0]
      fake.faults.ssmInstances = [victim]
      const snapshot = await collect(fake, {probe: true})
      expect(snapshot.hostFacts?.[victim]).toMatchObject({status, reason: expect.stringMatching(reason)})
      for (const other of fake.cluster.instanceIds.slice(1)) expect(snapshot.hostFacts?.[other]?.status).toBe('ok')
      const findings = report(snapshot).findings.filter(f => f.resource.id === victim && f.checkId.startsWith('host/'))
      expect(findings.length).toBeGreaterThan(0)
      expect(findings.filter(f => f.status === 'pass')).toEqual([])
      const unknown = findings.filter(f => f.status === 'unknown')
      expect(unknown.length).toBeGreaterThan(0)
      for (const f of unknown) expect(f.message).toMatch(reason)
      // SSM itself was really asked: pre-flight, then SendCommand for the hosts it can reach.
      expect(fake.records.some(r => r.action === 'ssm:DescribeInstanceInformation')).toBe(true)
    })
  })

  it('healthy hosts are read from the List output; only the host whose output List cut costs a GetCommandInvocation', async () => {
    await withFake({instances: N, faults: {ssm: 'truncated'}}, async fake => {
      fake.faults.ssmInstances = [fake.cluster.instanceIds[0]]
      const snapshot = await collect(fake, {probe: true})
      for (const other of fake.cluster.instanceIds.slice(1)) expect(snapshot.hostFacts?.[other]?.status).toBe('ok')
      expect(snapshot.hostFacts?.[fake.cluster.instanceIds[0]]?.status).toBe('unparseable')
      expect(fake.records.filter(r => r.action === 'ssm:GetCommandInvocation')).toHaveLength(1)
      expect(fake.records.filter(r => r.action === 'ssm:SendCommand')).toHaveLength(1)
    })
  })
})
