import {fstabPersistent} from '../../../src/checks/host/fstab-persistent.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, withHostFacts, withHostFault} from '../../support/host-facts.js'
import {IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([fstabPersistent], s).findings

describe('host/fstab-persistent', () => {
  it('passes when fstab has the efs line with _netdev', () => {
    expect(run(withHostFacts()).map(x => x.status)).toEqual(Array(6).fill('pass'))
  })

  it('fails without an fstab line and gives the line to add', () => {
    const [o] = forInstance(run(withHostFault(f => { f.fstab = [] })))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('will not come back after a reboot')
    expect(o.fix?.command).toBe(`echo '${IDS.fs}:/ /mnt/efs efs _netdev,noresvport,tls,nofail 0 0' | sudo tee -a /etc/fstab`)
  })

  it('fails an fstab line without _netdev', () => {
    const [o] = forInstance(run(withHostFault(f => { f.fstab[0].options = ['tls'] })))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('lacks _netdev')
  })

  it('uses the live mounts when UserData has no mount, and is unknown for unprobed hosts', () => {
    const s = withHostFault(f => { f.fstab = [] })
    s.userData = []
    expect(forInstance(run(s))[0].status).toBe('fail')
    s.hostFacts![IDS.instances[3]] = {instanceId: IDS.instances[3], status: 'offline'}
    expect(forInstance(run(s), IDS.instances[3])[0].status).toBe('unknown')
  })

  it('is skipped when nothing is expected or mounted', () => {
    const s = withHostFault(f => { f.mounts = [] })
    s.userData = []
    expect(forInstance(run(s))[0].status).toBe('skipped')
  })
})
