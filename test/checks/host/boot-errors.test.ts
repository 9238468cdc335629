import {bootErrors} from '../../../src/checks/host/boot-errors.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import type {ProbeFacts} from '../../../src/model/probe-facts.js'
import {forInstance, withHostFacts, withHostFault} from '../../support/host-facts.js'
import {IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([bootErrors], s).findings
const logs = (...lines: string[]) => (f: ProbeFacts) => { f.logs = lines.map(line => ({source: 'efs-mount', line})) }
const unmounted = (f: ProbeFacts) => { f.mounts = [] }

describe('host/boot-errors', () => {
  it('passes with clean logs', () => {
    expect(run(withHostFacts()).map(x => x.status)).toEqual(Array(6).fill('pass'))
  })

  it.each([
    ['Failed to resolve "fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com" - check that your file system ID is correct', 'dns', 'did not resolve'],
    ['mount.nfs4: Connection timed out', 'timeout', 'security group'],
    ['mount.nfs4: access denied by server while mounting 127.0.0.1:/', 'denied', 'file-system policy'],
    ["mount: /mnt/efs: unknown filesystem type 'efs'.", 'efs-utils', 'amazon-efs-utils'],
    ['The network was not yet available, add "_netdev" to your mount options', 'netdev', 'network was up'],
  ])('routes %j to its cause', (line, cause, words) => {
    const s = withHostFault(f => { logs(line)(f); unmounted(f) })
    const [o] = forInstance(run(s))
    expect(o.status).toBe('fail')
    expect(o.severity).toBe('error')
    expect(o.evidence?.cause).toBe(cause)
    expect(o.message).toContain(words)
  })

  it('blames the missing mount target for a resolve error when the AZ has none', () => {
    const s = withHostFault(f => { logs('Failed to resolve "fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com"')(f); unmounted(f) })
    s.mountTargets = s.mountTargets!.filter(mt => mt.id !== IDS.mountTargets.a)
    const [o] = forInstance(run(s))
    expect(o.message).toContain('no available mount target in eu-west-1a')
    expect(o.fix?.command).toContain('create-mount-target')
  })

  it('downgrades to a warning when the mount works now', () => {
    const [o] = forInstance(run(withHostFault(logs('mount.nfs4: Connection timed out'))))
    expect(o).toMatchObject({status: 'fail', severity: 'warning'})
    expect(o.message).toContain('earlier attempt')
  })

  it('fails a cloud-init error without a known EFS line', () => {
    const [o] = forInstance(run(withHostFault(f => { f.cloudInit = 'error' })))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('cloud-init')
  })

  it('is unknown when the logs were cut from the output, or the host was not probed', () => {
    expect(forInstance(run(withHostFault(f => { f.truncated = [{section: 'ALL', dropped: 40}] })))[0].status).toBe('unknown')
    const s = withHostFacts()
    s.hostFacts![IDS.instances[0]] = {instanceId: IDS.instances[0], status: 'timed-out'}
    expect(forInstance(run(s))[0].status).toBe('unknown')
  })
})
