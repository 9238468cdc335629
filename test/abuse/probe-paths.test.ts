/**
 * Item 2: the probe never globs. The real probe.sh runs in bash with hostile expected paths (`/data/app[1]`,
 * `/*\/*\/*\/*\/*`) and a DNS name `*`; the paths sent to a host pass the one allow-list `mount --path` uses
 * (core/host-path), and probe.sh checks the same allow-list again.
 */
import {spawnSync} from 'node:child_process'
import fc from 'fast-check'
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {checkHostPath, HOST_PATH_RE} from '../../src/core/host-path.js'
import {parseProbe} from '../../src/remote/parse-probe.js'
import {probeInputs} from '../../src/remote/probe.js'
import {validateMountRequest} from '../../src/remote/mount-plan.js'
import {healthy} from '../support/snapshot-builder.js'
import {bounded} from './bounded.js'

const SCRIPTS = new URL('../../src/remote/scripts/', import.meta.url).pathname
const PROBE = `${SCRIPTS}probe.sh`
const dir = mkdtempSync(join(tmpdir(), 'efsd-abuse-probe-'))
const root = join(dir, 'root')
mkdirSync(join(root, 'etc'), {recursive: true})
// `app[1]` as a glob matches `app1`; `*` in the working directory matches `decoy`.
mkdirSync(join(dir, 'data', 'app1'), {recursive: true})
writeFileSync(join(dir, 'decoy'), '')

function probe(env: Record<string, string>) {
  return spawnSync('bash', [PROBE], {cwd: dir, encoding: 'utf8', timeout: 30_000, env: {
    PATH: process.env.PATH, EFSD_ROOT: root, EFSD_CMD_TIMEOUT: '1', EFSD_TCP_TIMEOUT: '1',
    // NOTE: port 1 on loopback is closed: the IMDS look answers at once.
    EFSD_IMDS: '127.0.0.1:1', EFSD_MOUNTINFO: '/proc/self/mountinfo', ...env,
  }})
}

describe('item 2: probe.sh does no pathname expansion', () => {
  it('hostile expected paths are not globbed or walked; a plain one is still looked at', async () => {
    const glob = join(dir, 'data', 'app[1]')
    const r = await bounded(() => probe({EFSD_EXPECTED_PATHS: `${glob} /*/*/*/*/* /mnt/efs`, EFSD_FS_DNS_NAMES: '*'}), {ms: 10_000})
    expect(r.status).toBe(0)
    const p = parseProbe(r.stdout)
    if (!p.ok) throw new Error(p.error)
    expect(p.facts.complete).toBe(true)
    expect(p.facts.expectedPaths.map(e => e.path)).toEqual(['/mnt/efs'])
    // `*` is looked up as the name `*`, not as the files of the working directory.
    expect(p.facts.dns.map(d => d.name)).toEqual(['*'])
  })
})

describe('item 2: one allow-list for every path sent to a host', () => {
  it('the snapshot\'s hostile task-definition source paths are not sent to the probe', () => {
    const s = healthy()
    const td = s.taskDefinitions![0]
    td.volumes = [
      {name: 'a', host: {sourcePath: '/data/app[1]'}}, {name: 'b', host: {sourcePath: '/*/*/*/*/*'}},
      {name: 'c', host: {sourcePath: '/data/a?c'}}, {name: 'd', host: {sourcePath: '/data/../etc'}},
      {name: 'e', host: {sourcePath: '/data/plain/'}},
    ]
    const sent = probeInputs(s, Object.keys(s.instances ?? {})).expectedPaths ?? []
    expect(sent).toContain('/data/plain')
    expect(sent.filter(p => /[*?[\]]|\.\./.test(p))).toEqual([])
  })

  it('probe.sh and mount-efs.sh repeat the pattern of core/host-path', () => {
    for (const name of ['probe.sh', 'mount-efs.sh']) expect(readFileSync(`${SCRIPTS}${name}`, 'utf8')).toContain(HOST_PATH_RE.source.replaceAll('\\/', '/'))
  })

  it('property: probe.sh\'s plain_path, core/host-path and mount --path agree on every string', () => {
    const word = fc.oneof(
      fc.string({unit: 'binary', maxLength: 30}),
      fc.array(fc.constantFrom('/', 'a', 'Z', '9', '.', '..', '_', '-', '*', '?', '[1]', ' ', '$x', '\n'), {maxLength: 12}).map(a => a.join('')),
    ).filter(w => !w.includes('\0') && !w.endsWith('/'))
    const samples = [...fc.sample(word, 400), '/data/app[1]', '/*/*/*/*/*', '/mnt/efs', '/a/./b', '/a/../b', `/${'a'.repeat(199)}`, `/${'a'.repeat(200)}`]
    const fn = /^plain_path\(\) \{\n[\s\S]*?\n\}\n/m.exec(readFileSync(PROBE, 'utf8'))![0]
    const script = `${fn}while IFS= read -r -d '' p; do if plain_path "$p"; then printf 1; else printf 0; fi; done`
    const out = spawnSync('bash', ['-c', script], {input: samples.map(s => `${s}\0`).join(''), encoding: 'utf8'}).stdout
    const mountAccepts = (p: string) => {
      try { validateMountRequest({fileSystemId: 'fs-01234567', path: p}); return true } catch (error) { return /system directory/.test(String(error)) }
    }
    expect([...out].map(c => c === '1')).toEqual(samples.map(s => checkHostPath(s).ok))
    expect(samples.map(mountAccepts)).toEqual(samples.map(s => checkHostPath(s).ok))
  })
})
