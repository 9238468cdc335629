/** parseProbe over captured probe outputs (test/fixtures/probe/): Amazon Linux 2 and 2023, healthy and broken hosts. */
import {readFileSync} from 'node:fs'
import {parseProbe, unescapeMountPath, type ProbeFacts} from '../../src/remote/parse-probe.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/probe/${name}`, import.meta.url), 'utf8')
function facts(name: string): ProbeFacts {
  const r = parseProbe(fixture(name))
  if (!r.ok) throw new Error(r.error)
  return r.facts
}

describe('parseProbe', () => {
  it('reads a healthy Amazon Linux 2 host (plain NFS mount by DNS name)', () => {
    const f = facts('al2-healthy.txt')
    expect(f.complete).toBe(true)
    expect(f.os).toEqual({id: 'amzn', versionId: '2', prettyName: 'Amazon Linux 2'})
    expect(f.clients).toEqual({mountNfs4: true, mountEfs: true})
    expect(f.packages['amazon-efs-utils']).toBe('1.35.0-1.amzn2')
    expect(f.packages['nfs-common']).toBe('absent')
    expect(f.mounts).toHaveLength(1)
    expect(f.mounts[0]).toMatchObject({target: '/mnt/efs', source: 'fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com:/',
      fstype: 'nfs4', df: {status: 'ok', sizeKb: 9007199254739968, usedKb: 1843200}})
    expect(f.mounts[0].options).toEqual(expect.arrayContaining(['hard', 'noresvport', 'vers=4.1', 'rsize=1048576']))
    // 'rw' appears in both the per-mount and the super-block options; kept once.
    expect(f.mounts[0].options.filter(o => o === 'rw')).toHaveLength(1)
    expect(f.dns).toEqual([{name: 'fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com', status: 'ok', ipv4: ['10.20.1.25'], ipv6: []}])
    expect(f.tcp).toEqual([{ip: '10.20.1.25', port: 2049, status: 'open'}])
    expect(f.containers).toHaveLength(2)
    expect(f.containers[0].taskArn).toBeUndefined()
    expect(f.containers[1].taskArn).toMatch(/^arn:aws:ecs:/)
    expect(f.containerMounts).toEqual([{containerId: '3f9c1d2e4b5a', hostSource: '/mnt/efs/shared',
      containerPath: '/var/www/uploads', containerFstype: 'nfs4', containerSource: 'fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com:/'}])
    expect(f.expectedPaths.map(e => e.coveringTarget)).toEqual(['/mnt/efs', '/mnt/efs'])
    expect(f.logs).toEqual([])
    expect(f.truncated).toEqual([])
  })

  it('reads a healthy Amazon Linux 2023 host (TLS mount through 127.0.0.1)', () => {
    const f = facts('al2023-healthy.txt')
    expect(f.os?.versionId).toBe('2023')
    expect(f.efsUtilsVersion).toBe('/sbin/mount.efs Version: 2.1.0')
    expect(f.mounts[0].source).toBe('127.0.0.1:/')
    expect(f.services).toEqual({ecs: 'active', docker: 'active', 'amazon-ecs-volume-plugin': 'active', 'amazon-efs-mount-watchdog': 'active'})
    expect(f.fstab).toEqual([{device: 'fs-0a1b2c3d4e5f60718:/', mountPoint: '/mnt/efs', fstype: 'efs',
      options: ['_netdev', 'noresvport', 'tls', 'nofail']}])
    expect(f.cloudInit).toBe('done')
    expect(f.docker).toEqual({status: 'ok'})
  })

  it('reads a hung mount: df timed out, port 2049 timed out', () => {
    const f = facts('al2023-hung-mount.txt')
    expect(f.mounts[0].df).toEqual({status: 'timeout', detail: 'df did not answer within 3s'})
    expect(f.tcp[0].status).toBe('timeout')
    expect(f.logs[0]).toEqual({source: 'efs-mount', line: expect.stringContaining('Connection to the mount target IP address 10.20.1.25 timeout')})
  })

  it('reads a host without an NFS client: nothing mounted, containers on the root volume', () => {
    const f = facts('al2-missing-client.txt')
    expect(f.clients).toEqual({mountNfs4: false, mountEfs: false})
    expect(f.efsUtilsVersion).toBeUndefined()
    expect(f.mounts).toEqual([])
    expect(f.expectedPaths).toEqual([{path: '/mnt/efs', coveringTarget: '/', fstype: 'xfs', source: '/dev/nvme0n1p1'}])
    expect(f.containerMounts[0].containerFstype).toBe('xfs')
    expect(f.cloudInit).toBe('error')
    expect(f.logs.map(l => l.line)).toContain("mount: /mnt/efs: unknown filesystem type 'efs'.")
  })

  it('reads a DNS failure', () => {
    const f = facts('al2023-dns-failure.txt')
    expect(f.dns[0]).toMatchObject({status: 'fail', ipv4: [], ipv6: []})
    expect(f.tcp).toEqual([])
    expect(f.logs[0].line).toContain('Failed to resolve')
  })

  it('reads efs-utils error logs', () => {
    const f = facts('al2-efs-utils-errors.txt')
    expect(f.logs.map(l => l.source)).toEqual(['efs-mount', 'efs-mount', 'cloud-init-output'])
    expect(f.logs[1].line).toContain('access denied by server')
    expect(f.fstab[0].options).toEqual(['tls', 'iam'])
  })

  it('reads many containers and the truncation markers', () => {
    const f = facts('al2023-many-containers.txt')
    expect(f.containers).toHaveLength(40)
    expect(f.containerMounts).toHaveLength(40)
    expect(f.containerMounts.filter(m => m.containerFstype !== 'nfs4').map(m => m.containerId)).toEqual(['000000000007'])
    expect(f.truncated).toEqual([{section: 'CONTAINER', dropped: 85}, {section: 'CMOUNT', dropped: 12}])
    expect(f.complete).toBe(true)
  })

  it('marks output without the END line as incomplete (cut by SSM) but keeps what it has', () => {
    const f = facts('al2023-cut.txt')
    expect(f.complete).toBe(false)
    expect(f.os?.id).toBe('amzn')
    expect(f.mounts).toEqual([])
  })

  it('rejects output that is not from the probe', () => {
    const r = parseProbe(fixture('not-probe.txt'))
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toContain('syntax error')
    expect(parseProbe('')).toEqual({ok: false, error: 'probe printed nothing'})
    expect(parseProbe('EFSD\t9\t1\nEND\t0\n')).toEqual({ok: false, error: 'unsupported probe output format "9"'})
  })

  it('quotes the start of foreign output with its secrets redacted', () => {
    const r = parseProbe('export DB_PASSWORD=hunter2-secret\nbash: syntax error\n')
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error).toContain('DB_PASSWORD=***REDACTED***')
      expect(r.error).not.toContain('hunter2-secret')
    }
  })

  it('skips noise before the header, CRLF endings and unknown keys', () => {
    const r = parseProbe('motd line\r\nEFSD\t1\t2\r\nFUTURE\tthing\r\nMOUNT\t/mnt/my\\040efs\tsrv:/\tnfs4\trw,hard\r\nEND\t10\r\n')
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.facts.probeVersion).toBe('2')
      expect(r.facts.mounts[0].target).toBe('/mnt/my efs')
      expect(r.facts.complete).toBe(true)
    }
  })

  it('reads SHADOW lines: entries and decoded sample names, or why it could not look', () => {
    const r = parseProbe([
      'EFSD\t1\t2',
      'SHADOW\t/mnt/my\\040efs\tok\t3\tuploads/a\\040file/new\\012line\t',
      'SHADOW\t/mnt/empty\tok\t0\t\t',
      'SHADOW\t/mnt/nested\tunavailable\t\t\tunshare failed: Operation not permitted',
      'SHADOW\t/mnt/slow\ttimeout\t\t\tno answer within 4s',
      'END\t10', ''].join('\n'))
    if (!r.ok) throw new Error(r.error)
    expect(r.facts.shadowed).toEqual([
      {mountPoint: '/mnt/my efs', status: 'ok', entries: 3, sample: ['uploads', 'a file', 'new\nline']},
      {mountPoint: '/mnt/empty', status: 'ok', entries: 0, sample: []},
      {mountPoint: '/mnt/nested', status: 'unavailable', sample: [], detail: 'unshare failed: Operation not permitted'},
      {mountPoint: '/mnt/slow', status: 'timeout', sample: [], detail: 'no answer within 4s'},
    ])
    // A probe without SHADOW lines (version 1) leaves the field out, so old snapshots read the same.
    const old = parseProbe('EFSD\t1\t1\nEND\t0\n')
    expect(old.ok && old.facts.shadowed).toBeUndefined()
  })

  it('decodes mountinfo octal escapes', () => {
    expect(unescapeMountPath('/a\\040b\\011c\\134d')).toBe('/a b\tc\\d')
  })
})

describe('parseProbe redaction', () => {
  it('masks credentials that appear in probed log lines', async () => {
    const {parseProbe: parse} = await import('../../src/remote/parse-probe.js')
    const {readFileSync} = await import('node:fs')
    const base = readFileSync('test/fixtures/probe/al2023-healthy.txt', 'utf8')
    const withLog = base.replace(/\nEND/, '\nLOG\tcloud-init\texport DB_PASSWORD=hunter2-very-secret mount.nfs4: access denied by server\nEND')
    const r = parse(withLog)
    expect(r.ok).toBe(true)
    const text = JSON.stringify(r.ok ? r.facts : {})
    expect(text).not.toContain('hunter2-very-secret')
    expect(r.ok && r.facts.logs.some(l => l.line.includes('access denied by server') && l.line.includes('DB_PASSWORD='))).toBe(true)
  })
})
