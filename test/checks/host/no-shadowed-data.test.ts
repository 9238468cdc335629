import {spawnSync} from 'node:child_process'
import {copyOutCommand, noShadowedData} from '../../../src/checks/host/no-shadowed-data.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, withHostFacts, withHostFault} from '../../support/host-facts.js'
import {IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([noShadowedData], s).findings

describe('host/no-shadowed-data', () => {
  it('passes when the directory underneath /mnt/efs is empty on every host', () => {
    const f = run(withHostFacts())
    expect(f.map(x => x.status)).toEqual(Array(6).fill('pass'))
    expect(f[0].message).toContain('/mnt/efs')
  })

  it('fails (warning) naming the mount point, the instance, sample names and a namespace-only copy command', () => {
    const s = withHostFault(f => { f.shadowed = [{mountPoint: '/mnt/efs', status: 'ok', entries: 3, sample: ['uploads', 'index.html', 'a file']}] })
    const [o] = forInstance(run(s))
    expect(o.status).toBe('fail')
    expect(o.severity).toBe('warning')
    expect(o.message).toContain(IDS.instances[0])
    expect(o.message).toContain('3 entries are hidden')
    expect(o.message).toContain('underneath the EFS mount /mnt/efs (e.g. uploads, index.html, a file)')
    expect(o.fix?.command).toBe(`sudo unshare --mount --propagation private sh -c 'umount -l -i -c "$1" && mkdir -p "$2" && cp -a "$1"/. "$2"/' _ /mnt/efs /root/efs-shadowed-mnt-efs`)
    expect(o.fix?.summary).toContain('cp -an /root/efs-shadowed-mnt-efs/. /mnt/efs/')
    expect(forInstance(run(s), IDS.instances[1])[0].status).toBe('pass')
  })

  it('says "more than 20" at the probe\'s cap of 21', () => {
    const s = withHostFault(f => { f.shadowed = [{mountPoint: '/mnt/efs', status: 'ok', entries: 21, sample: ['a']}] })
    expect(forInstance(run(s))[0].message).toContain('more than 20 entries are hidden')
  })

  it('is unknown, never pass, when the probe could not look or timed out', () => {
    const na = withHostFault(f => { f.shadowed = [{mountPoint: '/mnt/efs', status: 'unavailable', sample: [], detail: 'unshare failed: Operation not permitted'}] })
    const [o] = forInstance(run(na))
    expect(o.status).toBe('unknown')
    expect(o.message).toContain('Operation not permitted')
    const to = withHostFault(f => { f.shadowed = [{mountPoint: '/mnt/efs', status: 'timeout', sample: []}] })
    expect(forInstance(run(to))[0]).toMatchObject({status: 'unknown', message: expect.stringContaining('timed out')})
  })

  it('is unknown when the probe predates SHADOW or skipped this mount', () => {
    const old = withHostFault(f => { delete f.shadowed; f.probeVersion = '1' })
    expect(forInstance(run(old))[0]).toMatchObject({status: 'unknown', message: expect.stringContaining('probe version 1 predates')})
    const other = withHostFault(f => { f.shadowed = [{mountPoint: '/data', status: 'ok', entries: 0, sample: []}] })
    expect(forInstance(run(other))[0].status).toBe('unknown')
  })

  it('is skipped on a host without EFS mounts, and unknown for hosts that were not probed', () => {
    const s = withHostFault(f => { f.mounts = []; f.shadowed = [] })
    expect(forInstance(run(s))[0].status).toBe('skipped')
    const notProbed = withHostFacts()
    notProbed.hostFacts![IDS.instances[0]] = {instanceId: IDS.instances[0], status: 'offline'}
    expect(forInstance(run(notProbed))[0].status).toBe('unknown')
  })

  it('builds a copy command that quotes an odd mount point for the outer shell', () => {
    const cmd = copyOutCommand("/mnt/it's efs")
    // The positional arguments are parsed by a real shell as the two intended paths.
    const args = cmd.slice(cmd.indexOf(' _ ') + 3)
    const r = spawnSync('sh', ['-c', `printf '%s\\n' ${args}`], {encoding: 'utf8'})
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(["/mnt/it's efs", '/root/efs-shadowed-mnt-it-s-efs'])
  })
})
