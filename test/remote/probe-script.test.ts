/**
 * Runs the real probe.sh with bash on this machine: real /proc/self/mountinfo, real getent, a real TCP listener on
 * 127.0.0.1, a real tmpfs mount in a private mount namespace (when permitted), and a throwaway EFSD_ROOT holding a
 * fake fstab, os-release, logs and mount helpers. Fake docker/cloud-init/df live in a temp bin dir on PATH.
 */
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseProbe} from '../../src/remote/parse-probe.js'
import {buildProbeCommand, probeScript} from '../../src/remote/probe-script.js'

const SCRIPT = new URL('../../src/remote/scripts/probe.sh', import.meta.url).pathname
const SSM_LIMIT = 24_000

let dir: string
let root: string
let bin: string
let server: Server
let openPort: number
let closedPort: number
let imds: ChildProcess
let imdsPort: number

function write(path: string, text: string, mode?: number) {
  mkdirSync(join(path, '..'), {recursive: true})
  writeFileSync(path, text)
  if (mode) chmodSync(path, mode)
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${bin}:${process.env.PATH}`,
    EFSD_ROOT: root,
    EFSD_CMD_TIMEOUT: '1',
    EFSD_TCP_TIMEOUT: '2',
    // A closed loopback port answers at once, so runs that do not test IMDS do not wait for 169.254.169.254.
    EFSD_IMDS: `127.0.0.1:${closedPort}`,
    FAKE_DOCKER_MODE: 'none',
    ...extra,
  }
}

interface Run { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * Runs a command to its end without blocking this process: most of a probe's time is spent waiting on the fake
 * docker, df, stat and unshare to time out, so the tests of a describe block run concurrently (it.concurrent).
 * No stdin (bash with a socket on stdin believes sshd started it and reads ~/.bashrc).
 */
function run(command: string, args: string[], environment: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {env: environment, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000})
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d })
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    child.once('error', reject)
    child.once('close', (status, signal) => resolve({status, signal, stdout, stderr}))
  })
}

function runProbe(extra: Record<string, string> = {}, wrap?: string): Promise<Run> {
  const args = wrap ? ['-c', wrap, 'wrap', SCRIPT] : [SCRIPT]
  return run(wrap ? 'unshare' : 'bash', wrap ? ['-m', 'bash', ...args] : args, env(extra))
}

const probeFacts = async (extra: Record<string, string> = {}, wrap?: string) => parsed((await runProbe(extra, wrap)).stdout)

function parsed(stdout: string) {
  const p = parseProbe(stdout)
  if (!p.ok) throw new Error(p.error)
  return p.facts
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'efsd-probe-'))
  root = join(dir, 'root')
  bin = join(dir, 'bin')
  mkdirSync(bin, {recursive: true})
  write(join(root, 'etc/os-release'), 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nVERSION_ID="2023"\nPRETTY_NAME="Amazon Linux 2023.6.20241121"\n')
  write(join(root, 'etc/fstab'), [
    '# /etc/fstab',
    'UUID=abcd / xfs defaults,noatime 1 1',
    'fs-0a1b2c3d4e5f60718:/ /mnt/efs efs _netdev,noresvport,tls,nofail 0 0',
    '10.20.1.25:/ /mnt/nfs nfs4 nfsvers=4.1,hard 0 0',
    '',
  ].join('\n'))
  write(join(root, 'var/log/cloud-init-output.log'), [
    'Cloud-init v. 22.2.2 running modules:config',
    'Installed: amazon-efs-utils-2.1.0-1.amzn2023.noarch',
    'mount.nfs4: Connection timed out',
    'EFS mount attempt 1 failed; retrying',
    'Cloud-init v. 22.2.2 finished',
    '',
  ].join('\n'))
  write(join(root, 'var/log/amazon/efs/mount.log'), [
    '2026-11-27 08:00:01,123 - INFO - version=2.1.0 options={\'rw\': None}',
    '2026-11-27 08:00:03,456 - ERROR - Failed to resolve "fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com" - check that your file system ID is correct',
    '',
  ].join('\n'))
  write(join(root, 'var/run/efs/fs-0a1b2c3d4e5f60718.mnt.efs.20127'), '[mount]\n')
  write(join(root, 'sbin/mount.nfs4'), '#!/bin/sh\nexit 0\n', 0o755)
  write(join(root, 'sbin/mount.efs'), '#!/bin/sh\necho "/sbin/mount.efs Version: 2.1.0"\n', 0o755)
  write(join(bin, 'cloud-init'), '#!/bin/sh\necho "status: done"\n', 0o755)
  write(join(root, 'etc/amazon/efs/efs-utils.conf'), [
    '[DEFAULT]', 'logging_level = INFO', '', '[mount]',
    'dns_name_format = {az}.{fs_id}.efs.{region}.{dns_name_suffix}', 'dns_name_suffix = amazonaws.com',
    '#region = us-east-1', 'stunnel_check_cert_hostname = true', '',
    '[mount.cn-north-1]', 'dns_name_suffix = amazonaws.com.cn', '',
    '[mount-watchdog]', 'poll_interval_sec = 1', '',
  ].join('\n'))
  write(join(root, 'usr/bin/stunnel5'), '#!/bin/sh\necho "stunnel 5.58 on x86_64-koji-linux-gnu platform" >&2\n', 0o755)
  write(join(root, 'usr/bin/efs-proxy'), '#!/bin/sh\nexit 0\n', 0o755)
  // Fake docker: FAKE_DOCKER_MODE none|hang|pids|many. hang/slowinspect sleep 90 s, far beyond the probe's 1-3 s limits,
  // so "bounded" is told apart from "hung" even on a loaded machine where the whole probe takes 10-20 s. Containers report FAKE_BIND_SRC bound at the same path.
  write(join(bin, 'docker'), `#!/bin/bash
case "$FAKE_DOCKER_MODE" in
  none) [ "$1" = ps ] && exit 0 ;;
  hang) sleep 90; exit 0 ;;
esac
if [ "$1" = ps ]; then
  if [ "$FAKE_DOCKER_MODE" = many ]; then for i in $(seq 1 200); do printf 'c%063d\\n' "$i"; done; exit 0; fi
  echo c000000000000000000000000000000000000000000000000000000000000001
  echo c000000000000000000000000000000000000000000000000000000000000002
  exit 0
fi
[ "$FAKE_DOCKER_MODE" = slowinspect ] && { sleep 90; exit 0; }
for id in "\${@:4}"; do
if [ "$FAKE_DOCKER_MODE" = many ]; then
  n=$((10#\${id:1}))
  printf '%s\\t/ecs-app-%s\\t999999%s\\tarn:aws:ecs:eu-west-1:123456789012:task/prod/%032d' "$id" "$n" "$n" "$n"
  for k in 1 2 3; do printf '\\tbind\\t/mnt/nfs%s/data/%s\\t/var/lib/app/volume-%s' "$((n % 300))" "$k" "$k"; done
  printf '\\tvolume\\t/var/lib/docker/volumes/x/_data\\t/cache\\n'
  continue
fi
case "$id" in
  *1) pid="$FAKE_PID_OLD" ; name=/ecs-web-started-before-mount ;;
  *) pid="$FAKE_PID_NEW" ; name=/ecs-web-after-mount ;;
esac
printf '%s\\t%s\\t%s\\t<no value>\\tbind\\t%s\\t%s\\tbind\\t/var/log\\t/logs\\n' "$id" "$name" "$pid" "$FAKE_BIND_SRC" "$FAKE_BIND_SRC"
done
`, 0o755)
  // Fake df: hangs on paths containing "hung", otherwise the real df.
  write(join(bin, 'df'), `#!/bin/bash
for a in "$@"; do case "$a" in *hung*) sleep 20 ;; esac; done
exec /bin/df "$@"
`, 0o755)

  server = createServer(sock => sock.end())
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  openPort = (server.address() as {port: number}).port
  const probe = createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  closedPort = (probe.address() as {port: number}).port
  await new Promise<void>(resolve => probe.close(() => resolve()))
  // A fake instance metadata service that requires IMDSv2 (token-less requests get 401), as http-tokens=required does.
  // It runs in its own process: spawnSync blocks this one's event loop while the probe runs.
  write(join(dir, 'imds.cjs'), `require('node:http').createServer((req, res) => {
  if (req.method === 'PUT' && req.url === '/latest/api/token') return res.end('AQAEAFakeToken==')
  if (req.url === '/latest/meta-data/placement/region' && req.headers['x-aws-ec2-metadata-token'] === 'AQAEAFakeToken==') return res.end('eu-west-1')
  res.statusCode = 401
  res.end()
}).listen(0, '127.0.0.1', function () { console.log(this.address().port) })
`)
  imds = spawn(process.execPath, [join(dir, 'imds.cjs')], {stdio: ['ignore', 'pipe', 'inherit']})
  imdsPort = await new Promise<number>(resolve => imds.stdout!.once('data', d => resolve(Number(String(d).trim()))))
})

afterAll(async () => {
  imds.kill()
  await new Promise<void>(resolve => server.close(() => resolve()))
  rmSync(dir, {recursive: true, force: true})
})

describe('probe.sh run for real', () => {
  it.concurrent('prints a parseable report of the fake root, real mount table, DNS and an open port', async () => {
    const r = await runProbe({EFSD_FS_DNS_NAMES: 'localhost efsdoctor-nonexistent.invalid', EFSD_MT_IPS: '127.0.0.1',
      EFSD_NFS_PORT: String(openPort), EFSD_EXPECTED_PATHS: '/proc/self'})
    expect(r.status).toBe(0)
    const f = parsed(r.stdout)
    expect(f.complete).toBe(true)
    expect(f.os).toEqual({id: 'amzn', versionId: '2023', prettyName: 'Amazon Linux 2023.6.20241121'})
    expect(f.clients).toEqual({mountNfs4: true, mountEfs: true})
    expect(f.efsUtilsVersion).toContain('2.1.0')
    expect(f.fstab.map(e => [e.device, e.mountPoint, e.fstype])).toEqual([
      ['fs-0a1b2c3d4e5f60718:/', '/mnt/efs', 'efs'], ['10.20.1.25:/', '/mnt/nfs', 'nfs4']])
    expect(f.fstab[0].options).toContain('_netdev')
    expect(f.dns.find(d => d.name === 'localhost')).toMatchObject({status: 'ok'})
    expect(f.dns.find(d => d.name === 'localhost')!.ipv4).toContain('127.0.0.1')
    expect(f.dns.find(d => d.name === 'efsdoctor-nonexistent.invalid')).toMatchObject({status: 'fail', ipv4: [], ipv6: []})
    expect(f.tcp).toEqual([{ip: '127.0.0.1', port: openPort, status: 'open'}])
    expect(f.cloudInit).toBe('done')
    expect(f.logs.map(l => l.line)).toEqual(expect.arrayContaining([
      'mount.nfs4: Connection timed out', 'EFS mount attempt 1 failed; retrying',
      expect.stringContaining('Failed to resolve "fs-0a1b2c3d4e5f60718')]))
    expect(f.logs.some(l => l.line.includes('INFO - version'))).toBe(false)
    // /proc is a real mount on this machine: the expected path is covered by it.
    expect(f.expectedPaths).toEqual([expect.objectContaining({path: '/proc/self', coveringTarget: '/proc', fstype: 'proc'})])
    expect(f.docker).toEqual({status: 'ok'})
    expect(f.efsStateFiles).toEqual(['fs-0a1b2c3d4e5f60718.mnt.efs.20127'])
    expect(Object.keys(f.services)).toEqual(['ecs', 'docker', 'amazon-ecs-volume-plugin', 'amazon-efs-mount-watchdog'])
  })

  it.concurrent('reads efs-utils.conf, names each TLS helper with its version, and asks IMDS for the region with a token', async () => {
    const f = await probeFacts({EFSD_IMDS: `127.0.0.1:${imdsPort}`})
    expect(f.efsUtilsConfig).toEqual({present: true, entries: [
      {section: 'mount', key: 'dns_name_format', value: '{az}.{fs_id}.efs.{region}.{dns_name_suffix}'},
      {section: 'mount', key: 'dns_name_suffix', value: 'amazonaws.com'},
      {section: 'mount', key: 'stunnel_check_cert_hostname', value: 'true'},
      {section: 'mount.cn-north-1', key: 'dns_name_suffix', value: 'amazonaws.com.cn'},
    ]})
    expect(f.tlsHelpers).toEqual({
      stunnel: {present: false},
      stunnel5: {present: true, path: join(root, 'usr/bin/stunnel5'), version: '5.58'},
      'efs-proxy': {present: true, path: join(root, 'usr/bin/efs-proxy')},
    })
    expect(f.imds).toEqual({tokenStatus: '200', v1Status: '401', region: 'eu-west-1'})
    expect(f.probeVersion).toBe('4')
  })

  it.concurrent('reports an unreachable IMDS as no answer (000), and a host without efs-utils.conf as absent', async () => {
    const bare = join(dir, 'bare-conf')
    mkdirSync(join(bare, 'etc'), {recursive: true})
    const f = await probeFacts({EFSD_ROOT: bare})
    expect(f.efsUtilsConfig).toEqual({present: false, entries: []})
    expect(f.imds).toEqual({tokenStatus: '000', v1Status: '000'})
    expect(Object.values(f.tlsHelpers!).map(h => h.present)).toEqual([false, false, false])
  })

  it.concurrent('reports a closed port as refused', async () => {
    const f = await probeFacts({EFSD_MT_IPS: '127.0.0.1', EFSD_NFS_PORT: String(closedPort)})
    expect(f.tcp).toEqual([{ip: '127.0.0.1', port: closedPort, status: 'refused'}])
  })

  it.concurrent('does not hang on docker: a docker that never answers is reported as timeout', async () => {
    const t0 = Date.now()
    const f = await probeFacts({FAKE_DOCKER_MODE: 'hang'})
    expect(f.docker?.status).toBe('timeout')
    expect(Date.now() - t0).toBeLessThan(45_000)
  })

  it.concurrent('bounds docker inspect too: one call for all containers, reported as timeout', async () => {
    const t0 = Date.now()
    const f = await probeFacts({FAKE_DOCKER_MODE: 'slowinspect', EFSD_CMD_TIMEOUT: '1'})
    expect(f.docker?.status).toBe('timeout')
    expect(f.containers).toEqual([])
    expect(Date.now() - t0).toBeLessThan(45_000)
  })

  it.concurrent('reports mount.nfs4/mount.efs absent when the root has no helpers', async () => {
    const bare = join(dir, 'bare')
    mkdirSync(join(bare, 'etc'), {recursive: true})
    const f = await probeFacts({EFSD_ROOT: bare})
    expect(f.clients).toEqual({mountNfs4: false, mountEfs: false})
    expect(f.efsUtilsVersion).toBeUndefined()
    expect(f.fstab).toEqual([])
    expect(f.logs).toEqual([])
  })

  it.concurrent('reads the real mount table and df when mounts match EFSD_FSTYPES', async () => {
    const f = await probeFacts({EFSD_FSTYPES: 'proc'})
    const proc = f.mounts.find(m => m.target === '/proc')
    expect(proc?.fstype).toBe('proc')
    expect(proc?.df?.status).toBe('ok')
  })
})

const canMount = spawnSync('unshare', ['-m', 'bash', '-c', `d=$(mktemp -d) && mount -t tmpfs efsd-can-mount "$d"`]).status === 0
const withMount = canMount ? describe : describe.skip
if (!canMount) console.warn('probe.sh: skipping the real-mount cases (unshare -m / mount not permitted here)')

withMount('probe.sh with a real tmpfs mount in a private mount namespace', () => {
  // The tmpfs stands in for EFS (EFSD_FSTYPES adds tmpfs). A `sleep` started outside the namespace plays a
  // container started before the mount; one started inside plays a container started after it.
  const wrapper = `
mnt="$EFSD_TEST_MNT"; mkdir -p "$mnt" "$mnt-hung"
export FAKE_PID_OLD="$OUTER_PID"
mount -t tmpfs efsd-probe-test "$mnt" || exit 77
mount -t tmpfs efsd-probe-hung "$mnt-hung" || exit 77
mkdir -p "$mnt/shared"
sleep 30 & export FAKE_PID_NEW=$!
bash "$1"; rc=$?
kill "$FAKE_PID_NEW"
exit $rc`

  it.concurrent('sees the mount, its df, an unanswered df, and which container sees it', async () => {
    const mnt = join(dir, 'mnt', 'efs')
    mkdirSync(join(mnt, 'shared'), {recursive: true})
    const outer = spawnSync('bash', ['-c', 'sleep 30 >/dev/null 2>&1 & echo $!'], {encoding: 'utf8'})
    const outerPid = outer.stdout.trim()
    try {
      const r = await runProbe({EFSD_TEST_MNT: mnt, OUTER_PID: outerPid, EFSD_FSTYPES: 'nfs nfs4 efs tmpfs',
        EFSD_EXPECTED_PATHS: `${mnt} ${join(dir, 'not-mounted')}`, FAKE_DOCKER_MODE: 'pids',
        FAKE_BIND_SRC: join(mnt, 'shared')}, wrapper)
      expect(r.status).toBe(0)
      const f = parsed(r.stdout)
      const m = f.mounts.find(x => x.target === mnt)
      expect(m).toMatchObject({source: 'efsd-probe-test', fstype: 'tmpfs', df: {status: 'ok'}})
      expect(m!.options).toContain('rw')
      expect(f.mounts.find(x => x.target === `${mnt}-hung`)?.df).toMatchObject({status: 'timeout'})
      expect(f.expectedPaths[0]).toMatchObject({path: mnt, coveringTarget: mnt, fstype: 'tmpfs'})
      expect(f.expectedPaths[1].coveringTarget).not.toBe(mnt)
      expect(f.containers.map(c => c.name)).toEqual(['ecs-web-started-before-mount', 'ecs-web-after-mount'])
      // Only the bind under the watched mount is reported, not /var/log.
      expect(f.containerMounts).toHaveLength(2)
      const [before, after] = f.containerMounts
      expect(before).toMatchObject({containerId: 'c00000000000', containerPath: join(mnt, 'shared')})
      expect(before.containerFstype).not.toBe('tmpfs')
      expect(after).toMatchObject({containerId: 'c00000000000', containerFstype: 'tmpfs', containerSource: 'efsd-probe-test'})
    } finally {
      spawnSync('kill', [outerPid])
    }
  })
})

withMount('probe.sh looks underneath each mount (SHADOW) without changing the mount table', () => {
  // Files written to a directory before a tmpfs is mounted over it play data written before EFS was mounted.
  // The probe is given a mount table holding only that tmpfs, so other tmpfs mounts of this machine do not count.
  const wrapper = `
mnt="$EFSD_TEST_MNT"
mount -t tmpfs efsd-shadow-test "$mnt" || exit 77
touch "$mnt/written-after-mount"
grep " $mnt " /proc/self/mountinfo > "$EFSD_TEST_MNT.mountinfo"
EFSD_MOUNTINFO="$EFSD_TEST_MNT.mountinfo" bash "$1"; rc=$?
if grep -q " $mnt tmpfs\\| $mnt .* - tmpfs " /proc/self/mountinfo && [ -e "$mnt/written-after-mount" ]; then printf 'WRAP\\tstill-mounted\\n'; fi
exit $rc`

  it.concurrent('reports the entries hidden underneath the mount, with a sample of escaped names', async () => {
    const mnt = join(dir, 'shadow', 'efs')
    mkdirSync(join(mnt, 'uploads'), {recursive: true})
    for (const name of ['index.html', 'a file', '.env']) writeFileSync(join(mnt, name), 'x')
    const r = await runProbe({EFSD_TEST_MNT: mnt, EFSD_FSTYPES: 'tmpfs'}, wrapper)
    expect(r.status).toBe(0)
    const f = parsed(r.stdout)
    expect(f.shadowed).toEqual([{mountPoint: mnt, status: 'ok', entries: 4, sample: expect.any(Array)}])
    expect([...f.shadowed![0].sample].sort()).toEqual(['.env', 'a file', 'index.html', 'uploads'])
    // What was written onto the mount itself is not reported; the mount is still there afterwards.
    expect(f.shadowed![0].sample).not.toContain('written-after-mount')
    expect(r.stdout).toContain('WRAP\tstill-mounted')
  })

  it.concurrent('caps the count at 21 (more than 20) and the sample at 5 names', async () => {
    const mnt = join(dir, 'shadow-many', 'efs')
    mkdirSync(mnt, {recursive: true})
    for (let i = 0; i < 30; i++) writeFileSync(join(mnt, `f${i}`), '')
    const f = await probeFacts({EFSD_TEST_MNT: mnt, EFSD_FSTYPES: 'tmpfs'}, wrapper)
    expect(f.shadowed?.[0]).toMatchObject({status: 'ok', entries: 21})
    expect(f.shadowed![0].sample).toHaveLength(5)
  })

  it.concurrent('reports 0 when nothing is hidden', async () => {
    const mnt = join(dir, 'shadow-empty', 'efs')
    mkdirSync(mnt, {recursive: true})
    const r = await runProbe({EFSD_TEST_MNT: mnt, EFSD_FSTYPES: 'tmpfs'}, wrapper)
    expect(parsed(r.stdout).shadowed).toEqual([{mountPoint: mnt, status: 'ok', entries: 0, sample: []}])
    expect(r.stdout).toContain('WRAP\tstill-mounted')
  })
})

describe('probe.sh SHADOW when it cannot look', () => {
  const mountinfo = (name: string) => {
    const p = join(dir, `mountinfo-one-nfs-${name}`)
    writeFileSync(p, '22 1 259:1 / / rw - xfs /dev/nvme0n1p1 rw\n100 22 0:50 / /mnt/efs rw - nfs4 127.0.0.1:/ rw,vers=4.1\n')
    return p
  }

  it.concurrent('says unavailable, with the reason, when unshare is not permitted', async () => {
    const fake = join(dir, 'fake-unshare')
    write(join(fake, 'unshare'), '#!/bin/sh\necho "unshare: unshare failed: Operation not permitted" >&2\nexit 1\n', 0o755)
    const f = await probeFacts({PATH: `${fake}:${bin}:${process.env.PATH}`, EFSD_MOUNTINFO: mountinfo('unavailable')})
    expect(f.shadowed).toEqual([{mountPoint: '/mnt/efs', status: 'unavailable', sample: [],
      detail: 'unshare failed: unshare: unshare failed: Operation not permitted'}])
  })

  it.concurrent('says timeout when the look does not answer in time', async () => {
    const fake = join(dir, 'slow-unshare')
    write(join(fake, 'unshare'), '#!/bin/sh\nsleep 20\n', 0o755)
    const t0 = Date.now()
    const f = await probeFacts({PATH: `${fake}:${bin}:${process.env.PATH}`, EFSD_MOUNTINFO: mountinfo('timeout')})
    expect(f.shadowed?.[0]).toMatchObject({mountPoint: '/mnt/efs', status: 'timeout'})
    expect(Date.now() - t0).toBeLessThan(15_000)
  }, 20_000)
})

describe('probe.sh portability', () => {
  it('guards array loops for bash 4.2 (Amazon Linux 2), where an empty array is unset under set -u', () => {
    const unguarded = probeScript().split('\n').filter(l => /for \w+ in "\$\{\w+\[@\]\}"/.test(l))
    expect(unguarded).toEqual([])
  })

  it.concurrent('runs with no NFS mount, no expected path and running containers (all arrays empty)', async () => {
    const r = await runProbe({EFSD_FSTYPES: 'none', FAKE_DOCKER_MODE: 'pids', FAKE_BIND_SRC: '/mnt/efs/shared', FAKE_PID_OLD: '1', FAKE_PID_NEW: '1'})
    expect(r.stderr).toBe('')
    const f = parsed(r.stdout)
    expect(f.complete).toBe(true)
    expect(f.containers).toHaveLength(2)
    expect(f.containerMounts).toEqual([])
  })
})

describe('probe.sh output size', () => {
  it.concurrent('stays under 24,000 characters with 300 mounts, 200 containers, long fstab and logs', async () => {
    const lines: string[] = []
    const opts = 'rw,relatime - nfs4 SRC rw,vers=4.1,rsize=1048576,wsize=1048576,namlen=255,hard,noresvport,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=10.20.2.11,local_lock=none,addr=10.20.1.25'
    lines.push('22 1 259:1 / / rw,noatime shared:1 - xfs /dev/nvme0n1p1 rw,attr2')
    for (let i = 0; i < 300; i++) {
      lines.push(`${100 + i} 22 0:${50 + i} / /mnt/nfs${i} ${opts.replace('SRC', `fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com:/export/${i}`)}`)
    }
    const mountinfo = join(dir, 'mountinfo-many')
    writeFileSync(mountinfo, lines.join('\n') + '\n')
    const big = join(dir, 'bigroot')
    write(join(big, 'etc/fstab'), Array.from({length: 300}, (_, i) =>
      `fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com:/export/${i} /mnt/nfs${i} nfs4 nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev 0 0`).join('\n'))
    write(join(big, 'var/log/cloud-init-output.log'), Array.from({length: 1000}, (_, i) =>
      `mount.nfs4: Connection timed out while mounting fs-0a1b2c3d4e5f60718 attempt ${i} ${'x'.repeat(400)}`).join('\n'))
    write(join(big, 'var/log/amazon/efs/mount.log'), Array.from({length: 1000}, (_, i) =>
      `2026-11-27 08:00:${i} - ERROR - Connection to the mount target IP address 10.20.1.25 timeout ${i}`).join('\n'))
    const r = await runProbe({EFSD_ROOT: big, EFSD_MOUNTINFO: mountinfo, FAKE_DOCKER_MODE: 'many',
      EFSD_FS_DNS_NAMES: Array.from({length: 20}, (_, i) => `efsdoctor-x${i}.invalid`).join(' '),
      EFSD_EXPECTED_PATHS: Array.from({length: 50}, (_, i) => `/mnt/nfs${i}/data`).join(' ')})
    expect(r.status).toBe(0)
    expect(r.stdout.length).toBeLessThan(SSM_LIMIT)
    const f = parsed(r.stdout)
    expect(f.complete).toBe(true)
    expect(f.mounts.length).toBeGreaterThan(10)
    const sections = f.truncated.map(t => t.section)
    expect(sections).toEqual(expect.arrayContaining(['MOUNT', 'FSTAB']))
    // Containers were cut either by their own cap or by the overall budget (then an ALL marker counts the lines).
    expect(sections.includes('CONTAINER') || sections.includes('ALL')).toBe(true)
    expect(f.truncated.find(t => t.section === 'MOUNT')?.dropped).toBe(300 - f.mounts.length)
    expect(f.containerMounts.every(c => c.containerFstype === 'unknown')).toBe(true)
  })
})

describe('probe.sh ROOTDIR: directories that must exist, looked at read-only under mounts of a file system root', () => {
  const FS = 'fs-0a1b2c3d4e5f60718'
  const OTHER = 'fs-0ffffffffffffffff'
  // A mount table of local directories typed nfs4, so `stat` runs for real on what lies under each "mount".
  function setup(name: string) {
    const base = join(dir, name)
    const efs = join(base, 'efs root')
    mkdirSync(join(efs, 'reports'), {recursive: true})
    writeFileSync(join(efs, 'a-file'), 'x')
    mkdirSync(join(base, 'sub', 'reports'), {recursive: true})
    mkdirSync(join(base, 'other', 'reports'), {recursive: true})
    mkdirSync(join(base, 'hung'), {recursive: true})
    const esc = (p: string) => p.replace(/ /g, '\\040')
    const mountinfo = join(base, 'mountinfo')
    writeFileSync(mountinfo, [
      '22 1 259:1 / / rw - xfs /dev/nvme0n1p1 rw',
      `100 22 0:50 / ${esc(efs)} rw - nfs4 ${FS}.efs.eu-west-1.amazonaws.com:/ rw,vers=4.1`,
      `101 22 0:51 / ${esc(join(base, 'sub'))} rw - nfs4 ${FS}.efs.eu-west-1.amazonaws.com:/data rw,vers=4.1`,
      `102 22 0:52 / ${esc(join(base, 'other'))} rw - nfs4 ${OTHER}.efs.eu-west-1.amazonaws.com:/ rw,vers=4.1`,
      `103 22 0:53 / ${esc(join(base, 'hung'))} rw - nfs4 127.0.0.1:/ rw,vers=4.1,port=20049`,
      '',
    ].join('\n'))
    return {base, efs, mountinfo}
  }

  it.concurrent('says which directories exist (with owner and mode), are missing or are not directories, and creates nothing', async () => {
    const {efs, mountinfo} = setup('rootdir')
    const r = await runProbe({EFSD_MOUNTINFO: mountinfo,
      EFSD_ROOT_DIRS: [`${FS}:/reports`, `${FS}:/missing/deeper`, `${FS}:/a-file`, `${FS}:/a-file/below`].join(' ')})
    expect(r.status).toBe(0)
    const f = parsed(r.stdout)
    // The subdirectory mount (:/data) and the other file system's mount are not looked under; the mount whose df hangs
    // is skipped.
    expect(f.rootDirs!.filter(d => d.mountPoint === efs)).toEqual([
      {mountPoint: efs, path: '/reports', status: 'exists', type: 'directory', uid: process.getuid!(), gid: process.getgid!(), mode: '755'},
      {mountPoint: efs, path: '/missing/deeper', status: 'missing', detail: expect.stringContaining('No such file or directory')},
      {mountPoint: efs, path: '/a-file', status: 'not-directory', type: 'regular file', uid: process.getuid!(), gid: process.getgid!(), mode: '644'},
      {mountPoint: efs, path: '/a-file/below', status: 'missing', detail: expect.stringContaining('Not a directory')},
    ])
    expect(f.rootDirs!.filter(d => d.mountPoint !== efs).map(d => [d.mountPoint, d.status, d.detail]))
      .toEqual(Array(4).fill([join(dir, 'rootdir', 'hung'), 'skipped', 'df did not answer on this mount']))
    expect(readdirSync(efs).sort()).toEqual(['a-file', 'reports'])
  })

  it.concurrent('skips a mount whose df did not answer, and bounds each stat', async () => {
    const {base, mountinfo} = setup('rootdir-slow')
    // A `stat` that hangs on the TLS mount's path stands in for a server that stopped answering.
    const fake = join(dir, 'slow-stat')
    write(join(fake, 'stat'), `#!/bin/bash\nfor a in "$@"; do case "$a" in *hung*) sleep 20 ;; esac; done\nexec ${spawnSync('bash', ['-c', 'command -v stat'], {encoding: 'utf8'}).stdout.trim()} "$@"\n`, 0o755)
    const hung = join(base, 'hung')
    const t0 = Date.now()
    const f = await probeFacts({PATH: `${fake}:${process.env.PATH}`, EFSD_MOUNTINFO: mountinfo, EFSD_ROOT_DIRS: `${FS}:/reports`})
    expect(f.rootDirs!.find(d => d.mountPoint === hung)).toMatchObject({status: 'timeout', detail: 'stat did not answer within 1s'})
    expect(Date.now() - t0).toBeLessThan(15_000)
    // With the fake df on PATH, df hangs on that mount first: then it is skipped, not stat-ed.
    const g = await probeFacts({EFSD_MOUNTINFO: mountinfo, EFSD_ROOT_DIRS: `${FS}:/reports`})
    expect(g.rootDirs!.find(d => d.mountPoint === hung)).toMatchObject({status: 'skipped', detail: 'df did not answer on this mount'})
  }, 30_000)

  it.concurrent('refuses items outside the allow-list without expanding globs or touching the path', async () => {
    const {mountinfo} = setup('rootdir-hostile')
    const items = [`${FS}:/*`, `${FS}:/reports/../..`, `${FS}:/$(touch${'${IFS}'}/tmp/efsd-pwned)`, 'fs-nothex:/reports', `${FS}:relative`]
    const r = await runProbe({EFSD_MOUNTINFO: mountinfo, EFSD_ROOT_DIRS: items.join(' ')})
    const f = parsed(r.stdout)
    expect(f.rootDirs!.map(d => [d.status, d.path])).toEqual(items.map(i => ['refused', i]))
    expect(f.rootDirs!.every(d => d.mountPoint === '')).toBe(true)
    expect(spawnSync('test', ['-e', '/tmp/efsd-pwned']).status).toBe(1)
  })

  it.concurrent('reads from each efs-utils state file the access point its mount goes through', async () => {
    const st = join(dir, 'state-root')
    write(join(st, 'etc/os-release'), 'ID=amzn\n')
    write(join(st, `var/run/efs/${FS}.mnt.efs.20127`), `{"pid": 4242, "accessPoint": "fsap-0123456789abcdef0", "mountpoint": "/mnt/efs"}`)
    write(join(st, `var/run/efs/${FS}.mnt.data.20128`), '{"pid": 4243, "mountpoint": "/mnt/data"}')
    mkdirSync(join(st, `var/run/efs/${FS}.mnt.odd.20129`), {recursive: true})
    const f = await probeFacts({EFSD_ROOT: st})
    expect(f.efsStateAccessPoints).toEqual({[`${FS}.mnt.efs.20127`]: 'fsap-0123456789abcdef0', [`${FS}.mnt.data.20128`]: ''})
    expect(f.efsStateFiles).toHaveLength(3)
    expect(f.rootDirs).toEqual([])
  })
})

describe('TCP connects to every mount-target IP (one command serves all AZs)', () => {
  it.concurrent('reports each IP in input order, running the connects in parallel groups', async () => {
    // A wrapper `timeout` makes connects to 10.99.* hang for a second and time out, logging when each one starts and
    // ends; everything else is the real one. Overlapping intervals prove the connects ran in parallel (a structural
    // check, not a wall-clock one, so a loaded CI machine cannot make it flaky).
    const fake = mkdtempSync(join(tmpdir(), 'efsd-timeout-'))
    const log = join(fake, 'connects.log')
    const real = spawnSync('bash', ['-c', 'command -v timeout'], {encoding: 'utf8'}).stdout.trim()
    writeFileSync(join(fake, 'timeout'), `#!/bin/bash\ncase " $* " in *" efsd-tcp 10.99."*) echo "start $(date +%s%N)" >> ${log}; sleep 1; echo "end $(date +%s%N)" >> ${log}; exit 124 ;; esac\nexec ${real} "$@"\n`)
    chmodSync(join(fake, 'timeout'), 0o755)
    const slow = Array.from({length: 8}, (_, i) => `10.99.0.${i + 1}`)
    const r = await run('bash', [SCRIPT], env({PATH: `${fake}:${bin}:${process.env.PATH}`,
      EFSD_MT_IPS: ['127.0.0.1', '127.0.0.2', ...slow].join(' '), EFSD_NFS_PORT: String(openPort)}))
    const events = readFileSync(log, 'utf8').trim().split('\n').map(l => l.split(' ')).map(([kind, ns]) => ({kind, t: BigInt(ns)}))
    rmSync(fake, {recursive: true, force: true})
    const f = parsed(r.stdout)
    expect(f.complete).toBe(true)
    expect(f.tcp).toEqual([
      {ip: '127.0.0.1', port: openPort, status: 'open'},
      {ip: '127.0.0.2', port: openPort, status: 'refused'},
      ...slow.map(ip => ({ip, port: openPort, status: 'timeout'})),
    ])
    // Most connects in flight at once: one after another this would be 1.
    let inFlight = 0
    let most = 0
    for (const e of events.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.kind === 'end' ? -1 : 1))) {
      inFlight += e.kind === 'start' ? 1 : -1
      most = Math.max(most, inFlight)
    }
    expect(events.filter(e => e.kind === 'start')).toHaveLength(8)
    expect(most).toBeGreaterThan(1)
  })

  it.concurrent('connects to at most 24 IPs and says how many it left out', async () => {
    const ips = Array.from({length: 30}, (_, i) => `127.0.0.${i + 1}`)
    const r = await run('bash', [SCRIPT], env({EFSD_MT_IPS: ips.join(' '), EFSD_NFS_PORT: String(closedPort)}))
    const f = parsed(r.stdout)
    expect(f.tcp.map(t => t.ip)).toEqual(ips.slice(0, 24))
    expect(f.truncated).toContainEqual({section: 'TCP', dropped: 6})
  })
})

describe('buildProbeCommand', () => {
  it('exports the inputs quoted and runs the probe with bash -c', () => {
    const cmd = buildProbeCommand({fsDnsNames: ["fs-1.efs.eu-west-1.amazonaws.com"], mountTargetIps: ['10.0.0.5'],
      expectedPaths: ["/mnt/it's"]})
    expect(cmd).toContain("export EFSD_FS_DNS_NAMES='fs-1.efs.eu-west-1.amazonaws.com'")
    expect(cmd).toContain("export EFSD_EXPECTED_PATHS='/mnt/it'\\''s'")
    expect(cmd).toContain('exec bash -c ')
    expect(probeScript()).toContain('emit END')
  })

  it.concurrent('runs under plain sh and prints the probe output', async () => {
    const cmd = buildProbeCommand({mountTargetIps: ['127.0.0.1']}).replace("EFSD_TCP_TIMEOUT='3'", "EFSD_TCP_TIMEOUT='2'")
    const r = await run('sh', ['-c', cmd], {...env(), EFSD_NFS_PORT: String(openPort)})
    const f = parsed(r.stdout)
    expect(f.complete).toBe(true)
    expect(f.tcp[0]).toMatchObject({ip: '127.0.0.1', status: 'open'})
  })
})

const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0
if (!hasShellcheck) console.warn('probe.sh: shellcheck is not installed; skipping the ShellCheck test (CI installs it)')
;(hasShellcheck ? it : it.skip)('probe.sh is ShellCheck-clean', () => {
  const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', SCRIPT], {encoding: 'utf8'})
  expect(r.stdout + r.stderr).toBe('')
  expect(r.status).toBe(0)
})
