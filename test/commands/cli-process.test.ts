/**
 * The CLI as a real process, as it ships (bin/run.js over the esbuild bundle of src/, test/support/bundle.ts): typo
 * suggestions, missing-argument wording, -h, the autocomplete command, the deprecated snapshot -o, and exit codes on
 * Ctrl-C / SIGTERM; and ./bin/dev.js (the sources through tsx) answering as the shipped CLI does.
 */
import {jest} from '@jest/globals'
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createServer, type Server, type Socket} from 'node:net'
import {closestCommand} from '../../src/hooks/command-not-found.js'
import {bundledPackage} from '../support/bundle.js'

const ENV = {...process.env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_EC2_METADATA_DISABLED: 'true', CI: 'true'}
// NOTE: the shipped entry point starts in a fraction of a second; ./bin/dev.js compiles the sources with tsx on every
// start (1-3 s of CPU each), so it runs once here, to show it answers as the shipped CLI does.
const RUN = join(bundledPackage(), 'bin/run.js')
// Without jest's NODE_ENV=test, as a user runs it: under "test" oclif looks for TypeScript sources to load instead.
const RUN_ENV = Object.fromEntries(Object.entries(ENV).filter(([k]) => k !== 'NODE_ENV'))
const cli = (...argv: string[]) => spawnSync(process.execPath, [RUN, ...argv], {encoding: 'utf8', env: RUN_ENV, timeout: 60_000})
const dev = (...argv: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/dev.js', ...argv], {encoding: 'utf8', env: ENV, timeout: 60_000})

// Building the bundle (outside `npm test`) and each spawn on a loaded 2-core machine can take seconds.
jest.setTimeout(120_000)

describe('efsdoctor as a process', () => {
  it('suggests the closest command for a typo, in the tool\'s own one-line style, exit 2', () => {
    const r = cli('chek')
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toEqual(['efsdoctor: "chek" is not an efsdoctor command; did you mean "check"?'])
    const l = cli('lnit', 'foo.yaml')
    expect(l.stderr.trim()).toBe('efsdoctor: "lnit" is not an efsdoctor command; did you mean "lint foo.yaml"?')
  })

  it('explain reads stdin when it is a file or a pipe and no message is given; a terminal-less empty stdin gets the usage line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'efsd-explain-stdin-'))
    const log = join(dir, 'mount.log')
    writeFileSync(log, 'INFO - Executing: "/sbin/mount.nfs4 127.0.0.1:/ /mnt/efs"\nmount.nfs4: access denied by server while mounting 127.0.0.1:/\n')
    const fd = openSync(log, 'r')
    const fromFile = spawnSync(process.execPath, [RUN, 'explain', '-o', 'json'], {encoding: 'utf8', env: RUN_ENV, timeout: 60_000, stdio: [fd, 'pipe', 'pipe']})
    closeSync(fd)
    expect(fromFile.status).toBe(0)
    expect(JSON.parse(fromFile.stdout).message.matches.map((m: {id: string}) => m.id)).toEqual(['access-denied-tls'])
    // A shell pipe (a FIFO; Node's own stdio 'pipe' is a socket, which is not read unasked: a parent may never close it).
    const piped = spawnSync('bash', ['-c', 'printf "nfs: server 127.0.0.1 not responding, timed out\\n" | "$0" "$1" explain', process.execPath, RUN],
      {encoding: 'utf8', env: RUN_ENV, timeout: 60_000})
    expect(piped.status).toBe(0)
    expect(piped.stdout).toContain('local TLS tunnel')
    const none = spawnSync(process.execPath, [RUN, 'explain'], {encoding: 'utf8', env: RUN_ENV, timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe']})
    expect(none.status).toBe(2)
    expect(none.stderr).toContain('give an error message to explain')
  })

  it('a first word that is one command\'s flag names that command, quoted, exit 2', () => {
    const r = cli('--from', 'my snap.json', '--output', 'json')
    expect(r.status).toBe(2)
    expect(r.stderr.trim()).toBe(`efsdoctor: "--from" is a flag of "check": run efsdoctor check --from 'my snap.json' --output json`)
    expect(cli('--list-examples').stderr.trim()).toBe('efsdoctor: "--list-examples" is a flag of "check": run efsdoctor check --list-examples')
    // A flag several commands have (-o) gets the usual line.
    expect(cli('-o', 'json').stderr).toContain('is not an efsdoctor command')
  })

  it('a replay loads the snapshot validator from its code cache (V8 accepts it: same V8, a replay\'s settings), and the answer is the same', () => {
    const timed = spawnSync(process.execPath, [RUN, 'check', '--from', 'examples/snapshots/healthy.json', '--output', 'json'],
      {encoding: 'utf8', env: {...RUN_ENV, EFSDOCTOR_TIMING: '1'}, timeout: 60_000})
    expect(timed.status).toBe(0)
    expect(timed.stderr).toMatch(/efsdoctor timing: validate \(code cache\)/)
    // A snapshot the schema refuses is refused the same way through the cached script.
    const dir = mkdtempSync(join(tmpdir(), 'efsd-vcache-'))
    const bad = JSON.parse(readFileSync('examples/snapshots/healthy.json', 'utf8'))
    bad.mountTargets[0].subnetId = 42
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad))
    const r = cli('check', '--from', join(dir, 'bad.json'))
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('is not an efsdoctor snapshot: /mountTargets/0/subnetId must be string')
  })

  it('a replay runs from the replay bundle (dist/replay) with its code cache, and answers as the ES modules do', () => {
    const pkg = bundledPackage()
    // The same package without dist/replay: bin/run.js then runs the ES modules of dist/commands.
    const esm = mkdtempSync(join(tmpdir(), 'efsd-esm-only-'))
    mkdirSync(join(esm, 'bin'))
    mkdirSync(join(esm, 'dist'))
    copyFileSync(join(pkg, 'bin/run.js'), join(esm, 'bin/run.js'))
    for (const linked of ['package.json', 'node_modules', 'examples']) symlinkSync(join(pkg, linked), join(esm, linked))
    for (const entry of readdirSync(join(pkg, 'dist')).filter(e => e !== 'replay')) symlinkSync(join(pkg, 'dist', entry), join(esm, 'dist', entry))
    const run = (root: string, ...argv: string[]) => spawnSync(process.execPath, [join(root, 'bin/run.js'), ...argv],
      {encoding: 'utf8', env: {...RUN_ENV, EFSDOCTOR_TIMING: '1'}, timeout: 60_000})
    const out = mkdtempSync(join(tmpdir(), 'efsd-replay-out-'))
    for (const example of ['healthy', 'broken-sg-cidr', 'healthy-probed']) {
      for (const format of ['json', 'table']) {
        const argv = ['check', '--example', example, '--output', format, '--fail-on', 'none']
        const bundled = run(pkg, ...argv)
        const modules = run(esm, ...argv)
        expect(bundled.stderr).toMatch(/efsdoctor timing: start-up \(code cache\)/)
        expect(modules.stderr).toMatch(/efsdoctor timing: start-up {2}/)
        expect([example, format, bundled.status, bundled.stdout]).toEqual([example, format, modules.status, modules.stdout])
      }
    }
    // The renderers the bundle leaves to ES modules (html: elkjs, junit: xmlbuilder2) are imported from dist/report.
    const written = (root: string, name: string) => {
      const r = run(root, 'check', '--example', 'broken-sg-cidr', '--write', `html=${join(out, `${name}.html`)}`, '--write', `junit=${join(out, `${name}.xml`)}`, '--fail-on', 'none')
      expect(r.status).toBe(0)
      return [readFileSync(join(out, `${name}.html`), 'utf8'), readFileSync(join(out, `${name}.xml`), 'utf8')]
    }
    const [html, junit] = written(pkg, 'bundled')
    expect(html).toContain('<svg')
    expect(junit).toContain('<testsuites')
    expect([html, junit]).toEqual(written(esm, 'modules'))
  })

  it('a replay bundle whose code cache V8 refuses (another Node, other settings, a damaged file) compiles the script and answers the same; a damaged bundle leaves it to the ES modules', () => {
    const pkg = bundledPackage()
    const copy = mkdtempSync(join(tmpdir(), 'efsd-replay-nocache-'))
    mkdirSync(join(copy, 'bin'))
    mkdirSync(join(copy, 'dist/replay'), {recursive: true})
    copyFileSync(join(pkg, 'bin/run.js'), join(copy, 'bin/run.js'))
    for (const linked of ['package.json', 'node_modules', 'examples']) symlinkSync(join(pkg, linked), join(copy, linked))
    for (const entry of readdirSync(join(pkg, 'dist')).filter(e => e !== 'replay')) symlinkSync(join(pkg, 'dist', entry), join(copy, 'dist', entry))
    for (const f of ['check.js', 'check.json']) copyFileSync(join(pkg, 'dist/replay', f), join(copy, 'dist/replay', f))
    writeFileSync(join(copy, 'dist/replay/check.cache'), Buffer.alloc(4096, 7))
    const argv = ['check', '--from', join(pkg, 'examples/snapshots/broken-sg-cidr.json'), '--output', 'json']
    const damaged = spawnSync(process.execPath, [join(copy, 'bin/run.js'), ...argv], {encoding: 'utf8', env: {...RUN_ENV, EFSDOCTOR_TIMING: '1'}, timeout: 60_000})
    expect(damaged.stderr).toMatch(/efsdoctor timing: start-up \(compiled\)/)
    const cached = cli(...argv)
    expect([damaged.status, damaged.stdout]).toEqual([cached.status, cached.stdout])
    expect(damaged.status).toBe(1)
    // A damaged bundle (cut short, or emptied) is not run: the ES modules answer, the same.
    for (const cut of [(t: string) => t.slice(0, Math.floor(t.length / 2)), () => '']) {
      writeFileSync(join(copy, 'dist/replay/check.js'), cut(readFileSync(join(pkg, 'dist/replay/check.js'), 'utf8')))
      const r = spawnSync(process.execPath, [join(copy, 'bin/run.js'), ...argv], {encoding: 'utf8', env: {...RUN_ENV, EFSDOCTOR_TIMING: '1'}, timeout: 60_000})
      expect(r.stderr).toMatch(/efsdoctor timing: start-up {2}/)
      expect(r.stderr).not.toMatch(/Error/)
      expect([r.status, r.stdout]).toEqual([cached.status, cached.stdout])
    }
  })

  it('./bin/dev.js (the sources through tsx) answers as the shipped CLI does', () => {
    const shipped = cli('lnit', 'foo.yaml')
    const source = dev('lnit', 'foo.yaml')
    expect([source.status, source.stdout, source.stderr]).toEqual([shipped.status, shipped.stdout, shipped.stderr])
    expect(source.stderr.trim()).toBe('efsdoctor: "lnit" is not an efsdoctor command; did you mean "lint foo.yaml"?')
  })

  it('writes a report over 64 KiB to a pipe whole, even when the run exits 1', () => {
    const r = cli('check', '--example', 'broken-container-started-before-mount', '--output', 'json')
    expect(r.status).toBe(1)
    expect(r.stdout.length).toBeGreaterThan(65_536)
    expect(JSON.parse(r.stdout).summary.fail).toBeGreaterThan(0)
  })

  it('a reader that closes the pipe early (`check | head`) ends the run quietly with 141, as SIGPIPE does, never a stack trace', () => {
    // NOTE: through a real shell pipe, as users type it: `head -c 1` exits after the first byte of a report of more
    // than 64 KiB (a pipe's buffer), so the run's later writes fail.
    const stderr = join(mkdtempSync(join(tmpdir(), 'efsd-pipe-')), 'stderr')
    const r = spawnSync('bash', ['-c', '"$0" "$1" check --example broken-container-started-before-mount --output json 2>"$2" | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"',
      process.execPath, RUN, stderr], {encoding: 'utf8', env: RUN_ENV, timeout: 60_000})
    expect([r.stdout.trim(), readFileSync(stderr, 'utf8')]).toEqual(['141', ''])
  })

  it('wraps text that is not ASCII by its terminal width (string-width, whose Intl.Segmenter the bundle builds on first use)', async () => {
    const {default: stringWidth} = await import('string-width')
    const r = cli('explain', 'mount.nfs4: Connection timed out — 日本語のメッセージ 😀 and then a long line that has to wrap somewhere near here')
    expect(r.status).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/^Message: mount\.nfs4: Connection timed out — 日本語のメッセージ 😀/)
    expect(Math.max(...lines.map(l => stringWidth(l)))).toBeLessThanOrEqual(80)
    expect(lines.slice(0, 2).map(l => l.length)).not.toEqual(lines.slice(0, 2).map(l => stringWidth(l)))
  })

  it('bin/run.js in a checkout that was never built says so in one line, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'efsd-unbuilt-'))
    mkdirSync(join(dir, 'bin'))
    copyFileSync('bin/run.js', join(dir, 'bin/run.js'))
    copyFileSync('package.json', join(dir, 'package.json'))
    const r = spawnSync(process.execPath, [join(dir, 'bin/run.js'), 'check', '--example', 'healthy'], {encoding: 'utf8', env: ENV, timeout: 60_000})
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'efsdoctor: not built (no dist/main.js): run `npm run build` first, or ./bin/dev.js to run the sources\n'])
  })

  it('--version is answered by bin/run.js without oclif, in the very words oclif uses', async () => {
    const {Config} = await import('@oclif/core')
    const config = await Config.load(process.cwd())
    for (const argv of [['--version'], ['--version', 'check']]) {
      const r = spawnSync(process.execPath, ['bin/run.js', ...argv], {encoding: 'utf8', env: ENV, timeout: 60_000})
      expect(r.status).toBe(0)
      expect(r.stdout).toBe(`${config.userAgent}\n`)
    }
  })

  it('closestCommand suggests only plausible words', () => {
    const ids = ['check', 'checks', 'lint', 'mount', 'probe', 'snapshot', 'explain', 'userdata', 'iam-policy', 'autocomplete', 'help']
    expect(closestCommand('chekc', ids)).toBe('check')
    expect(closestCommand('snapshto', ids)).toBe('snapshot')
    expect(closestCommand('zzzz', ids)).toBeUndefined()
    expect(closestCommand('deploy', ids)).toBeUndefined()
  })

  it('names a missing argument on one line', () => {
    const r = cli('lint')
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual(['efsdoctor: missing argument <template> (see --help)'])
  })

  it('-h is help, and autocomplete exists', () => {
    const h = cli('check', '-h')
    expect(h.status).toBe(0)
    expect(h.stdout).toMatch(/^USAGE/m)
    expect(h.stdout).toMatch(/efsdoctor check/)
    const a = cli('autocomplete', '--help')
    expect(a.status).toBe(0)
    expect(a.stdout).toMatch(/autocomplete \[SHELL\]/)
  })

  it('snapshot -o still writes the file but warns that it is deprecated', () => {
    const r = cli('snapshot', '-o', '/dev/null', '--cluster', 'x', '--region', 'us-east-1', '--endpoint-url', 'http://127.0.0.1:9')
    expect(r.stderr).toMatch(/-o.*deprecated.*--output-file/is)
  })

  describe('signals', () => {
    let server: Server
    let port = 0
    const sockets: Socket[] = []
    // An endpoint that accepts connections and never answers keeps the command busy until the signal arrives.
    beforeAll(async () => {
      server = createServer((socket) => { sockets.push(socket) })
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
      port = (server.address() as {port: number}).port
    })
    afterAll(() => new Promise<void>((ok) => {
      for (const s of sockets) s.destroy()
      server.close(() => ok())
    }))

    it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s exits %i', async (signal, expected) => {
      const child = spawn(process.execPath, [RUN, 'check', '--cluster', 'prod', '--region', 'us-east-1',
        '--endpoint-url', `http://127.0.0.1:${port}`, '--no-probe'], {env: RUN_ENV, stdio: ['ignore', 'pipe', 'pipe']})
      // Wait until the CLI has connected to the silent endpoint (so the command is really running), then signal it.
      await new Promise<void>((ok) => server.once('connection', () => ok()))
      child.kill(signal)
      const code = await new Promise<number | null>((ok) => child.on('exit', (c) => ok(c)))
      expect(code).toBe(expected)
    })
  })
})

describe('the package', () => {
  it('ships LICENSE (Apache-2.0, full text) and bin/run.js, not bin/dev.js (it needs tsx, a dev dependency)', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {encoding: 'utf8'})
    expect(r.status).toBe(0)
    const files = (JSON.parse(r.stdout) as Array<{files: Array<{path: string}>}>)[0].files.map((f) => f.path)
    expect(files).toContain('LICENSE')
    expect(files).toContain('bin/run.js')
    expect(files).not.toContain('bin/dev.js')
    const license = readFileSync('LICENSE', 'utf8')
    expect(license).toMatch(/Apache License\s+Version 2\.0/)
    expect(license).toMatch(/END OF TERMS AND CONDITIONS/)
  })
})
