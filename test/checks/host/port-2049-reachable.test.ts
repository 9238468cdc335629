import {port2049Reachable} from '../../../src/checks/host/port-2049-reachable.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/inventory/snapshot.js'
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
    expect(o.fix?.command).toBe(`aws ec2 authorize-security-group-ingress --group-id ${IDS.efsSg} --protocol tcp --port 2049 --source-group ${IDS.hostSg}`)
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
})
