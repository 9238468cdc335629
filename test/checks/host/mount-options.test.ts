import {mountOptions, optionProblems} from '../../../src/checks/host/mount-options.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, withHostFacts, withHostFault} from '../../support/host-facts.js'
import {IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([mountOptions], s).findings

describe('host/mount-options', () => {
  it('passes the options the mount helper sets', () => {
    expect(run(withHostFacts()).map(x => x.status)).toEqual(Array(6).fill('pass'))
  })

  it('flags soft and a missing noresvport on a plain nfs4 mount', () => {
    const [o] = forInstance(run(withHostFault(f => {
      f.mounts[0].options = ['rw', 'vers=4.1', 'rsize=1048576', 'wsize=1048576', 'soft', 'timeo=600', 'retrans=2']
    })))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('`soft`')
    expect(o.message).toContain('noresvport')
  })

  it('names small rsize, short timeo and NFS 4.0', () => {
    const p = optionProblems(['vers=4.0', 'rsize=65536', 'wsize=1048576', 'hard', 'timeo=100', 'noresvport'], 'nfs4')
    expect(p).toHaveLength(3)
    expect(optionProblems(['vers=4.1', 'hard'], 'efs')).toEqual([])
  })

  it('is unknown for an unprobed host and skipped without mounts', () => {
    const s = withHostFault(f => { f.mounts = [] })
    s.hostFacts![IDS.instances[1]] = {instanceId: IDS.instances[1], status: 'unparseable'}
    expect(forInstance(run(s))[0].status).toBe('skipped')
    expect(forInstance(run(s), IDS.instances[1])[0].status).toBe('unknown')
  })
})
