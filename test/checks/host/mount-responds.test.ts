import {mountResponds} from '../../../src/checks/host/mount-responds.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, withHostFacts, withHostFault} from '../../support/host-facts.js'
import {IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([mountResponds], s).findings

describe('host/mount-responds', () => {
  it('passes when df answers on every mount', () => {
    expect(run(withHostFacts()).map(x => x.status)).toEqual(Array(6).fill('pass'))
  })

  it('fails a hung mount and points at the dead port when the connect also timed out', () => {
    const s = withHostFault(f => {
      f.mounts[0].df = {status: 'timeout', detail: 'df did not answer within 3s'}
      f.tcp[0].status = 'timeout'
    })
    const [o] = forInstance(run(s))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('does not answer')
    expect(o.message).toContain('10.20.1.25 is timeout')
    expect(o.fix?.command).toContain('umount -l /mnt/efs && mount /mnt/efs')
  })

  it('blames only the own AZ mount target\'s port, not another AZ\'s the probe also tried', () => {
    const s = withHostFault(f => {
      f.mounts[0].df = {status: 'timeout', detail: 'df did not answer within 3s'}
      f.tcp = [{ip: '10.20.1.25', port: 2049, status: 'open'}, {ip: '10.20.5.25', port: 2049, status: 'timeout'}]
    })
    const [o] = forInstance(run(s))
    expect(o.status).toBe('fail')
    expect(o.message).not.toContain('10.20.5.25')
  })

  it('fails a mount whose df errors (stale file handle)', () => {
    const s = withHostFault(f => { f.mounts[0].df = {status: 'error', detail: "df: /mnt/efs: Stale file handle"} })
    expect(forInstance(run(s))[0]).toMatchObject({status: 'fail', message: expect.stringContaining('Stale file handle')})
  })

  it('is unknown when df was not tried, and unknown for an unprobed host', () => {
    const s = withHostFault(f => { f.mounts[0].df = {status: 'skipped', detail: 'probe time budget used'} })
    s.hostFacts![IDS.instances[1]] = {instanceId: IDS.instances[1], status: 'timed-out'}
    expect(forInstance(run(s))[0]).toMatchObject({status: 'unknown', message: expect.stringContaining('time budget')})
    expect(forInstance(run(s), IDS.instances[1])[0].status).toBe('unknown')
  })

  it('is skipped on a host with no NFS mount', () => {
    expect(forInstance(run(withHostFault(f => { f.mounts = [] })))[0].status).toBe('skipped')
  })
})
