import {port2049Reachable} from '../../../src/checks/host/port-2049-reachable.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, withHostFacts, withHostFault} from '../../support/host-facts.js'
import {IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([port2049Reachable], s).findings

describe('host/port-2049-reachable', () => {
  it('passes when each host connects to its AZ mount target', () => {
    const f = run(withHostFacts())
    expect(f.map(x => x.status)).toEqual(Array(6).fill('pass'))
    expect(f[0].message).toContain(`${IDS.mountTargets.a} (10.20.1.25)`)
  })

  it('fails a timeout with the ingress rule to add', () => {
    const [o] = forInstance(run(withHostFault(f => { f.tcp[0].status = 'timeout' })))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('times out')
    expect(o.fix?.command).toBe(`aws ec2 authorize-security-group-ingress --group-id ${IDS.efsSg} --protocol tcp --port 2049 --source-group ${IDS.hostSg} --region eu-west-1`)
  })

  it('fails a refused connect, pointing at a host firewall', () => {
    const [o] = forInstance(run(withHostFault(f => { f.tcp[0].status = 'refused' })))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('host firewall')
  })

  it('is unknown without a connect result, skipped where no mount target serves the AZ', () => {
    expect(forInstance(run(withHostFault(f => { f.tcp = [] })))[0].status).toBe('unknown')
    const s = withHostFault(f => { f.tcp = [] })
    s.mountTargets = s.mountTargets!.filter(mt => mt.id !== IDS.mountTargets.a)
    expect(forInstance(run(s))[0].status).toBe('skipped')
    expect(forInstance(run(withHostFault(f => { f.tcp[0].status = 'error' })))[0].status).toBe('unknown')
  })

  it('picks the result for the instance\'s own AZ mount target when the probe connected to every AZ\'s', () => {
    const all = (own: 'open' | 'timeout', others: 'open' | 'timeout') => withHostFault(f => {
      f.tcp = ['10.20.1.25', '10.20.5.25', '10.20.9.25'].map(ip => ({ip, port: 2049, status: ip === '10.20.1.25' ? own : others}))
    })
    // Instance 0 lives in eu-west-1a (10.20.1.25): the other AZs' timeouts are not its problem.
    const ok = forInstance(run(all('open', 'timeout')))
    expect(ok.map(o => o.status)).toEqual(['pass'])
    expect(ok[0].message).toContain(`${IDS.mountTargets.a} (10.20.1.25)`)
    const bad = forInstance(run(all('timeout', 'open')))
    expect(bad.map(o => o.status)).toEqual(['fail'])
    expect(bad[0].message).toContain('10.20.1.25')
    // Connected only to other AZs' mount targets: its own was not tried.
    const other = forInstance(run(withHostFault(f => { f.tcp = [{ip: '10.20.5.25', port: 2049, status: 'open'}] })))
    expect(other.map(o => o.status)).toEqual(['unknown'])
    expect(other[0].message).toContain(IDS.mountTargets.a)
  })
})
