import {dnsResolves} from '../../../src/checks/host/dns-resolves.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, withHostFacts, withHostFault} from '../../support/host-facts.js'
import {IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([dnsResolves], s).findings
const failDns = (s: Snapshot) => { s.hostFacts![IDS.instances[0]].facts!.dns[0] = {...s.hostFacts![IDS.instances[0]].facts!.dns[0], status: 'fail', ipv4: []} }

describe('host/dns-resolves', () => {
  it('passes when the name resolves to the mount target of each AZ', () => {
    const f = run(withHostFacts())
    expect(f.map(x => x.status)).toEqual(Array(6).fill('pass'))
    expect(f[0].message).toContain(IDS.mountTargets.a)
  })

  it('blames the missing mount target, not DNS, when the AZ has none', () => {
    const s = withHostFacts()
    failDns(s)
    s.mountTargets = s.mountTargets!.filter(mt => mt.id !== IDS.mountTargets.a)
    const [o] = forInstance(run(s))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('no available mount target in eu-west-1a')
    expect(o.fix?.command).toContain(`aws efs create-mount-target --file-system-id ${IDS.fs} --subnet-id ${IDS.subnets.a}`)
  })

  it('points at VPC DNS attributes when they are off, else at the host resolver', () => {
    const s = withHostFacts()
    failDns(s)
    expect(forInstance(run(s))[0].message).toContain('host resolver')
    s.vpcs![IDS.vpc].enableDnsHostnames = false
    const [o] = forInstance(run(s))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('enableDnsHostnames is off')
    expect(o.fix?.command).toContain('--enable-dns-hostnames')
  })

  it('warns when the name resolves to another IP than the AZ mount target', () => {
    const [o] = forInstance(run(withHostFault(f => { f.dns[0].ipv4 = ['10.20.5.25'] })))
    expect(o).toMatchObject({status: 'fail', severity: 'warning'})
  })

  it('is unknown when the probe did not resolve anything or the host was not probed', () => {
    expect(forInstance(run(withHostFault(f => { f.dns = [] })))[0].status).toBe('unknown')
    const s = withHostFacts()
    s.hostFacts![IDS.instances[0]].status = 'error'
    expect(forInstance(run(s))[0].status).toBe('unknown')
  })
})
