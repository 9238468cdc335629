/**
 * Runs the real mount-efs.sh against a throwaway root (EFSD_ROOT) with stand-in `mount`, package managers and
 * systemctl on PATH that record their arguments.
 */
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {scriptEnv, validateMountRequest} from '../../../src/remote/mount-plan.js'

const SCRIPT = new URL('../../../src/remote/scripts/mount-efs.sh', import.meta.url).pathname
const FS = 'fs-0a1b2c3d4e5f60718'
const DNS = `${FS}.efs.eu-west-1.amazonaws.com`
const OTHER_LINES = '# /etc/fstab: static file system information.\nUUID=abc-123 / xfs defaults,noatime 1 1\n' +
  'tmpfs /scratch tmpfs size=1G 0 0'   // NOTE: no trailing newline on purpose

let dir: string
let root: string
let bin: string

function stub(name: string, body: string): void {
  const p = join(bin, name)
  writeFileSync(p, `#!/usr/bin/env bash\n${body}\n`)
  chmodSync(p, 0o755)
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'efsd-mount-'))
  root = join(dir, 'root')
  bin = join(dir, 'bin')
  mkdirSync(join(root, 'etc'), {recursive: true})
  mkdirSync(join(root, 'proc/self'), {recursive: true})
  mkdirSync(bin)
  writeFileSync(join(root, 'etc/fstab'), OTHER_LINES)
  writeFileSync(join(root, 'proc/self/mountinfo'), '22 1 259:1 / / rw,noatime shared:1 - xfs /dev/nvme0n1p1 rw\n')
  // The stand-in mount records its arguments and adds a mountinfo line, unless told to fail.
  stub('mount', [
    'printf \'%s\\n\' "$*" >> "$EFSD_ROOT/mount.log"',
    '[ -n "${FAKE_MOUNT_FAIL-}" ] && exit 32',
    'src=${*: -2:1}; mp=${*: -1}',
    'printf \'100 22 0:50 / %s rw,relatime shared:2 - nfs4 %s rw\\n\' "$mp" "$src" >> "$EFSD_ROOT/proc/self/mountinfo"',
  ].join('\n'))
  stub('mount.nfs4', 'exit 0')
  stub('systemctl', 'printf \'%s\\n\' "$*" >> "$EFSD_ROOT/systemctl.log"')
})

afterEach(() => rmSync(dir, {recursive: true, force: true}))

function run(env: Record<string, string> = {}) {
  const r = spawnSync('bash', [SCRIPT], {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      EFSD_ROOT: root,
      EFSD_MOUNT_BIN: join(bin, 'mount'),
      EFSD_FS_ID: FS,
      EFSD_PATH: '/mnt/efs',
      EFSD_METHOD: 'nfs',
      EFSD_TARGET: '10.0.1.15',
      EFSD_REGION: 'eu-west-1',
      ...env,
    },
  })
  const line = r.stdout.split('\n').find(l => l.startsWith('EFSD_RESULT ')) ?? ''
  return {code: r.status, stdout: r.stdout, stderr: r.stderr, line}
}

const fstab = () => readFileSync(join(root, 'etc/fstab'), 'utf8')
const mountCalls = () => existsSync(join(root, 'mount.log')) ? readFileSync(join(root, 'mount.log'), 'utf8').trim().split('\n') : []
const backups = () => readdirSync(join(root, 'etc')).filter(f => f.startsWith('fstab.efsdoctor.'))

describe('mount-efs.sh (nfs method)', () => {
  test('first run mounts with the EFS-recommended options and adds one fstab line, with a backup', () => {
    const r = run()
    expect(r.code).toBe(0)
    expect(r.line).toMatch(/^EFSD_RESULT status=applied method=nfs mount=mounted fstab=added backup=\/etc\/fstab\.efsdoctor\./)
    expect(mountCalls()).toEqual([
      `-t nfs4 -o nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport 10.0.1.15:/ ${root}/mnt/efs`,
    ])
    expect(fstab()).toBe(`${OTHER_LINES}\n10.0.1.15:/ /mnt/efs nfs4 ` +
      'nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev,nofail 0 0\n')
    expect(backups()).toHaveLength(1)
    expect(readFileSync(join(root, 'etc', backups()[0]), 'utf8')).toBe(OTHER_LINES)
  })

  test('second run changes nothing: exit 3, fstab identical, mount not called again', () => {
    expect(run().code).toBe(0)
    const after1 = fstab()
    const r = run()
    expect(r.code).toBe(3)
    expect(r.line).toBe('EFSD_RESULT status=unchanged method=nfs mount=present fstab=present')
    expect(fstab()).toBe(after1)
    expect(mountCalls()).toHaveLength(1)
    expect(backups()).toHaveLength(1)
  })

  test('mounted but missing from fstab: adds only the fstab line, never mounts twice', () => {
    expect(run({EFSD_NO_FSTAB: '1'}).code).toBe(0)
    expect(fstab()).toBe(OTHER_LINES)
    const r = run()
    expect(r.code).toBe(0)
    expect(r.line).toContain('mount=present fstab=added')
    expect(mountCalls()).toHaveLength(1)
    expect(fstab().match(/\/mnt\/efs/g)).toHaveLength(1)
  })

  test('a failing mount restores fstab exactly and removes the directory it created', () => {
    const r = run({FAKE_MOUNT_FAIL: '1'})
    expect(r.code).toBe(5)
    expect(r.line).toMatch(/^EFSD_RESULT status=failed method=nfs reason=mount of 10\.0\.1\.15:\/ at \/mnt\/efs failed/)
    expect(fstab()).toBe(OTHER_LINES)
    expect(backups()).toHaveLength(0)
    expect(existsSync(join(root, 'mnt'))).toBe(false)
    expect(mountCalls()).toHaveLength(1)
  })

  test('a failing mount keeps a directory that existed before', () => {
    mkdirSync(join(root, 'mnt/efs'), {recursive: true})
    expect(run({FAKE_MOUNT_FAIL: '1'}).code).toBe(5)
    expect(existsSync(join(root, 'mnt/efs'))).toBe(true)
  })

  test.each([
    ['EFSD_FS_ID', 'fs-0a1b2c3d;touch /tmp/x'],
    ['EFSD_FS_ID', 'fs-XYZ'],
    ['EFSD_PATH', 'relative/path'],
    ['EFSD_PATH', '/mnt/$(id)'],
    ['EFSD_PATH', '/mnt/../etc'],
    ['EFSD_PATH', '/etc'],
    ['EFSD_PATH', '/proc/x'],
    ['EFSD_TARGET', '10.0.1.999'],
    ['EFSD_TARGET', 'evil.example.com'],
    ['EFSD_METHOD', 'cifs'],
    ['EFSD_TLS', 'yes'],
    ['EFSD_ACCESS_POINT', 'fsap-123'],
    ['EFSD_OPTIONS', 'exec'],
    ['EFSD_OPTIONS', 'rsize=1;reboot'],
    ['EFSD_OPTIONS', 'nfsvers=4.1,remount'],
    ['EFSD_REGION', 'eu west 1'],
    ['EFSD_OPTIONS', 'noatime\nUUID=x / ext4 defaults 0 0'],
    ['EFSD_PATH', '/mnt/efs\n/mnt/other'],
    ['EFSD_TARGET', '10.0.1.15\n'],
    ['EFSD_NO_FSTAB', '1\n'],
  ])('bad %s=%p is refused before anything runs', (name, value) => {
    const r = run({[name]: value})
    expect(r.code).toBe(4)
    expect(r.line).toMatch(/^EFSD_RESULT status=refused reason=/)
    expect(mountCalls()).toEqual([])
    expect(fstab()).toBe(OTHER_LINES)
    expect(existsSync(join(root, 'mnt'))).toBe(false)
  })

  test('tls over the nfs method is refused', () => {
    const r = run({EFSD_TLS: '1'})
    expect(r.code).toBe(4)
    expect(r.line).toContain('need the efs method')
  })

  test('a non-empty path is refused unless allowed', () => {
    mkdirSync(join(root, 'mnt/efs'), {recursive: true})
    writeFileSync(join(root, 'mnt/efs/data.txt'), 'local')
    const r = run()
    expect(r.code).toBe(4)
    expect(r.line).toContain('is not empty')
    expect(mountCalls()).toEqual([])
    expect(fstab()).toBe(OTHER_LINES)
    expect(run({EFSD_ALLOW_NON_EMPTY: '1'}).code).toBe(0)
    expect(mountCalls()).toHaveLength(1)
  })

  test('a path that is a mount point of something else is refused', () => {
    writeFileSync(join(root, 'proc/self/mountinfo'),
      `30 22 259:2 / ${root}/mnt/efs rw shared:3 - xfs /dev/nvme1n1 rw\n`, {flag: 'a'})
    const r = run()
    expect(r.code).toBe(4)
    expect(r.line).toContain('already a mount point of something else (xfs /dev/nvme1n1)')
    expect(mountCalls()).toEqual([])
  })

  test('an fstab line for the path from another source is never touched', () => {
    const withOther = `${OTHER_LINES}\n/dev/sdb1 /mnt/efs ext4 defaults 0 2\n`
    writeFileSync(join(root, 'etc/fstab'), withOther)
    const r = run()
    expect(r.code).toBe(4)
    expect(fstab()).toBe(withOther)
  })

  test('an fstab line already present for this fs is not duplicated', () => {
    const existing = `${OTHER_LINES}\n${DNS}:/ /mnt/efs nfs4 nfsvers=4.1,_netdev,nofail 0 0\n`
    writeFileSync(join(root, 'etc/fstab'), existing)
    const r = run({EFSD_TARGET: DNS})
    expect(r.code).toBe(0)
    expect(r.line).toContain('mount=mounted fstab=present')
    expect(fstab()).toBe(existing)
    expect(backups()).toHaveLength(0)
  })

  test('--no-fstab mounts without touching fstab', () => {
    const r = run({EFSD_NO_FSTAB: '1'})
    expect(r.code).toBe(0)
    expect(r.line).toContain('fstab=skipped')
    expect(fstab()).toBe(OTHER_LINES)
  })

  test('restart-docker restarts docker then ecs without blocking', () => {
    const r = run({EFSD_RESTART_DOCKER: '1'})
    expect(r.code).toBe(0)
    expect(readFileSync(join(root, 'systemctl.log'), 'utf8')).toBe('--no-block restart docker\n--no-block restart ecs\n')
    expect(r.stderr).toContain('running containers on this host are stopped and restarted')
  })
})

describe('mount-efs.sh client install', () => {
  test('installs nfs-utils with yum only when mount.nfs4 is missing', () => {
    rmSync(join(bin, 'mount.nfs4'))
    stub('yum', `printf '%s\\n' "$*" >> "$EFSD_ROOT/pkg.log"; printf '#!/bin/sh\\n' > "${bin}/mount.nfs4"; chmod +x "${bin}/mount.nfs4"`)
    const r = run()
    expect(r.code).toBe(0)
    expect(r.line).toContain('installed=nfs-utils')
    expect(readFileSync(join(root, 'pkg.log'), 'utf8')).toBe('install -y nfs-utils\n')
  })

  test('does not call the package manager when the client is there', () => {
    stub('yum', 'printf \'%s\\n\' "$*" >> "$EFSD_ROOT/pkg.log"')
    expect(run().code).toBe(0)
    expect(existsSync(join(root, 'pkg.log'))).toBe(false)
  })

  test('exit 6 when the client cannot be installed; fstab untouched', () => {
    rmSync(join(bin, 'mount.nfs4'))
    stub('apt-get', 'printf \'%s\\n\' "$*" >> "$EFSD_ROOT/pkg.log"; exit 100')
    const r = run()
    expect(r.code).toBe(6)
    expect(r.line).toContain('nfs-common is missing and could not be installed')
    expect(fstab()).toBe(OTHER_LINES)
    expect(mountCalls()).toEqual([])
  })
})

describe('mount-efs.sh (efs method)', () => {
  beforeEach(() => stub('mount.efs', 'exit 0'))

  test('auto picks efs-utils when present and writes tls,iam,accesspoint options', () => {
    const r = run({EFSD_METHOD: 'auto', EFSD_TARGET: '', EFSD_TLS: '1', EFSD_IAM: '1', EFSD_ACCESS_POINT: 'fsap-0123456789abcdef0'})
    expect(r.code).toBe(0)
    expect(r.line).toContain('method=efs')
    expect(mountCalls()).toEqual([`-t efs -o tls,iam,accesspoint=fsap-0123456789abcdef0 ${FS}:/ ${root}/mnt/efs`])
    expect(fstab()).toContain(`\n${FS}:/ /mnt/efs efs tls,iam,accesspoint=fsap-0123456789abcdef0,_netdev,nofail 0 0\n`)
  })

  test('a TLS mount (source 127.0.0.1) is recognised through the efs-utils state file', () => {
    mkdirSync(join(root, 'var/run/efs'), {recursive: true})
    const dotted = `${root}/mnt/efs`.slice(1).replaceAll('/', '.')
    writeFileSync(join(root, 'var/run/efs', `${FS}.${dotted}.20049`), '{}')
    writeFileSync(join(root, 'proc/self/mountinfo'), `40 22 0:60 / ${root}/mnt/efs rw - nfs4 127.0.0.1:/ rw\n`, {flag: 'a'})
    writeFileSync(join(root, 'etc/fstab'), `${FS}:/ /mnt/efs efs tls,_netdev,nofail 0 0\n`)
    const r = run({EFSD_METHOD: 'efs', EFSD_TARGET: '', EFSD_TLS: '1'})
    expect(r.code).toBe(3)
    expect(mountCalls()).toEqual([])
  })

  test('a mount-target IP becomes mounttargetip=', () => {
    const r = run({EFSD_METHOD: 'efs', EFSD_TARGET: '10.0.2.20'})
    expect(r.code).toBe(0)
    expect(mountCalls()[0]).toBe(`-t efs -o mounttargetip=10.0.2.20 ${FS}:/ ${root}/mnt/efs`)
  })
})

describe('mount-efs.sh with arbitrary inputs', () => {
  test('either refused before anything runs, or exactly one well-formed fstab line; never runs injected commands', () => {
    const nasty = fc.oneof(
      fc.string({unit: 'binary', maxLength: 30}),
      fc.array(fc.constantFrom('\'', '"', '`', '$(', ')', ';', '&', '|', '\n', '\\', ' ', 'touch CANARY', '#', ',', '=', 'noatime'),
        {maxLength: 10}).map(a => a.join('')),
    ).map(x => x.replaceAll('\0', ''))
    const field = (valid: string) => fc.oneof({arbitrary: fc.constant(valid), weight: 2}, {arbitrary: nasty, weight: 1})
    let applied = 0
    fc.assert(fc.property(field(FS), field('/mnt/efs'), field('10.0.1.15'), field('noatime'), field('eu-west-1'),
      (fsId, path, target, options, region) => {
        rmSync(join(root, 'mnt'), {recursive: true, force: true})
        rmSync(join(root, 'mount.log'), {force: true})
        writeFileSync(join(root, 'etc/fstab'), OTHER_LINES)
        writeFileSync(join(root, 'proc/self/mountinfo'), '')
        for (const b of backups()) rmSync(join(root, 'etc', b))
        const r = spawnSync('bash', [SCRIPT], {cwd: dir, encoding: 'utf8', env: {PATH: `${bin}:/usr/bin:/bin`, EFSD_ROOT: root,
          EFSD_MOUNT_BIN: join(bin, 'mount'), EFSD_FS_ID: fsId, EFSD_PATH: path, EFSD_METHOD: 'nfs', EFSD_TARGET: target,
          EFSD_OPTIONS: options, EFSD_REGION: region}})
        expect(existsSync(join(dir, 'CANARY'))).toBe(false)
        if (r.status === 4) {
          expect(mountCalls()).toEqual([])
          expect(fstab()).toBe(OTHER_LINES)
          return
        }
        expect(r.status).toBe(0)
        applied++
        const added = fstab().slice(OTHER_LINES.length + 1)
        expect(added.split('\n')).toHaveLength(2)
        expect(added).toMatch(/^\S+:\/ \/\S+ nfs4 \S+ 0 0\n$/)
      }), {numRuns: 120})
    expect(applied).toBeGreaterThan(5)
  })
})

describe('mount-efs.sh and symlinks (issue 11 item 15)', () => {
  // A root with /var/run -> /run (as on Amazon Linux) and /data -> /vol/data.
  const links = () => {
    mkdirSync(join(root, 'run'), {recursive: true})
    mkdirSync(join(root, 'var'), {recursive: true})
    symlinkSync('../run', join(root, 'var/run'))
    mkdirSync(join(root, 'vol/data'), {recursive: true})
    symlinkSync('vol/data', join(root, 'data'))
  }

  test('a path through a symlink is refused by default, naming the real path; nothing is mounted', () => {
    links()
    const r = run({EFSD_PATH: '/data/efs'})
    expect(r.code).toBe(4)
    expect(r.line).toMatch(/status=refused reason=\/data\/efs leads through a symlink to \/vol\/data\/efs: mount at \/vol\/data\/efs, or pass --follow-symlinks/)
    expect(mountCalls()).toEqual([])
    expect(fstab()).toBe(OTHER_LINES)
  })

  test('told to follow, it mounts at the real path, compares the real path with mountinfo, and a rerun does not stack', () => {
    links()
    const first = run({EFSD_PATH: '/data/efs', EFSD_FOLLOW_SYMLINKS: '1'})
    expect(first.code).toBe(0)
    expect(mountCalls()).toEqual([expect.stringMatching(new RegExp(` 10\\.0\\.1\\.15:/ ${root}/vol/data/efs$`))])
    expect(fstab()).toContain('10.0.1.15:/ /vol/data/efs nfs4 ')
    for (let i = 0; i < 3; i++) {
      const again = run({EFSD_PATH: '/data/efs', EFSD_FOLLOW_SYMLINKS: '1'})
      expect(again.line).toMatch(/^EFSD_RESULT status=unchanged /)
    }
    expect(mountCalls()).toHaveLength(1)
  })

  test('a real path that is a system directory is refused even when following (/var/run/efsd is /run/efsd)', () => {
    links()
    const r = run({EFSD_PATH: '/var/run/efsd', EFSD_FOLLOW_SYMLINKS: '1'})
    expect(r.code).toBe(4)
    expect(r.line).toMatch(/reason=EFSD_PATH \/run\/efsd is under a system directory/)
    expect(mountCalls()).toEqual([])
  })

  test('--follow-symlinks reaches the script as EFSD_FOLLOW_SYMLINKS=1; by default it is 0', () => {
    const env = (followSymlinks?: boolean) => scriptEnv(validateMountRequest({fileSystemId: FS, path: '/data/efs', followSymlinks}), {target: '10.0.1.15'})
    expect(env(true).EFSD_FOLLOW_SYMLINKS).toBe('1')
    expect(env().EFSD_FOLLOW_SYMLINKS).toBe('0')
  })
})
