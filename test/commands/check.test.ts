import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Check from '../../src/commands/check.js'
import type {Report} from '../../src/core/types.js'
import {withFault} from '../support/snapshot-builder.js'
import {expectOneLineExit2, runCommand} from '../support/run-command.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-cmd-'))

const run = (argv: string[]) => runCommand(Check, argv)

describe('efsdoctor check --from', () => {
  it('replays the healthy example: JSON report, exit 0, nothing failed', async () => {
    const {stdout, code} = await run(['--from', 'examples/snapshots/healthy.json', '--output', 'json'])
    const report = JSON.parse(stdout) as Report
    expect(code).toBe(0)
    expect(report).toMatchObject({schemaVersion: 1, tool: {name: 'efsdoctor'}, scope: {cluster: 'prod', source: 'snapshot', snapshotFile: 'examples/snapshots/healthy.json'}})
    expect(report.findings.length).toBeGreaterThan(0)
    expect(report.findings.filter(f => f.status === 'fail' && f.severity === 'error')).toEqual([])
    expect(report.summary.pass).toBe(report.findings.filter(f => f.status === 'pass').length)
  })

  it('exits 1 on a failing snapshot, and --fail-on none turns that into 0', async () => {
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, JSON.stringify(withFault(s => { s.containerInstances![0].agentConnected = false; s.containerInstances![1].status = 'INACTIVE' })))
    const failed = await run(['--from', broken, '--json'])
    expect(failed.code).toBe(1)
    const report = JSON.parse(failed.stdout) as Report
    const bad = report.findings.filter(f => f.status === 'fail')
    expect(bad.length).toBeGreaterThan(0)
    for (const f of bad) expect(f.fix?.summary).toBeTruthy()
    expect((await run(['--from', broken, '--json', '--fail-on', 'none'])).code).toBe(0)
  })

  it('writes --output-file and keeps stdout empty', async () => {
    const file = join(dir, 'r.json')
    const {stdout, code} = await run(['--from', 'examples/snapshots/healthy.json', '-o', 'json', '--output-file', file])
    expect(code).toBe(0)
    expect(stdout).toBe('')
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(1)
  })

  it('prints a table with a summary line by default', async () => {
    const {stdout} = await run(['--from', 'examples/snapshots/healthy.json'])
    expect(stdout).toContain('cluster prod (eu-west-1, account 123456789012)')
    expect(stdout).toMatch(/\d+ passed, \d+ failed, \d+ unknown, \d+ skipped/)
  })

  it.each([
    ['a malformed snapshot', () => { const p = join(dir, 'm.json'); writeFileSync(p, '{nope'); return ['--from', p] }, /not valid JSON/],
    ['a missing snapshot', () => ['--from', join(dir, 'absent.json')], /cannot read snapshot/],
    ['no cluster and no snapshot', () => [], /--cluster is required/],
    ['an unknown check id', () => ['--from', 'examples/snapshots/healthy.json', '--only', 'efs/nope'], /unknown check id "efs\/nope"/],
    ['a bad file system id', () => ['--cluster', 'prod', '--file-system', 'fs-xyz'], /not an EFS file system id/],
    ['a bad --output value', () => ['--from', 'examples/snapshots/healthy.json', '--output', 'yaml'], /Expected --output=yaml/],
    ['--cluster together with --from', () => ['--cluster', 'prod', '--from', 'examples/snapshots/healthy.json'], /--cluster=prod cannot also be provided when using --from/],
  ])('exits 2 with one line for %s', async (_name, argv, pattern) => {
    expectOneLineExit2(await run(argv()), pattern)
  })
})

describe('the shipped example snapshots', () => {
  it.each([
    ['broken-sg-cidr', 1, 'network/mount-target-sg-allows-nfs', 'fail', ['i-003a1b2c3d4e5f6a7', 'i-004a1b2c3d4e5f6a7', 'i-005a1b2c3d4e5f6a7', 'i-006a1b2c3d4e5f6a7']],
    ['broken-no-mount-target', 1, 'efs/mount-target-per-az', 'fail', undefined],
    ['broken-nacl', 1, 'network/nacl-allows-nfs', 'fail', undefined],
    ['broken-awsvpc-task-sg', 1, 'network/mount-target-sg-allows-nfs', 'fail', ['worker', 'worker', 'worker']],
    ['broken-container-started-before-mount', 1, 'ecs/container-sees-efs', 'fail', ['i-003a1b2c3d4e5f6a7']],
    ['denied-nacls', 0, 'network/nacl-allows-nfs', 'unknown', undefined],
  ] as const)('%s: exit %i, %s is %s', async (name, exit, checkId, status, resources) => {
    const {stdout, code} = await run(['--from', `examples/snapshots/${name}.json`, '--json'])
    expect(code).toBe(exit)
    const report = JSON.parse(stdout) as Report
    const hits = report.findings.filter(f => f.checkId === checkId && f.status === status)
    expect(hits.length).toBeGreaterThan(0)
    if (resources) expect(hits.map(f => f.resource.id).sort()).toEqual([...resources].sort())
    // Only the named fault fails: every other error-level failure would be a false positive in the example.
    expect(report.findings.filter(f => f.status === 'fail' && f.severity === 'error' && f.checkId !== checkId).map(f => f.checkId)).toEqual([])
  })

  it('healthy-probed passes every host check for all six instances', async () => {
    const {stdout, code} = await run(['--from', 'examples/snapshots/healthy-probed.json', '--json'])
    expect(code).toBe(0)
    const report = JSON.parse(stdout) as Report
    expect(report.summary).toMatchObject({fail: 0, unknown: 0})
    expect(report.findings.filter(f => f.checkId === 'host/efs-mounted' && f.status === 'pass')).toHaveLength(6)
  })
})

describe('check --from with flags that only a live run uses', () => {
  it('warns in one line that --region and --profile have no effect, and still replays', async () => {
    const r = await run(['--from', 'examples/snapshots/healthy.json', '--region', 'us-west-2', '--profile', 'ops', '--output', 'json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).scope.snapshotFile).toBe('examples/snapshots/healthy.json')
    expect(r.stderr.trim().split('\n')).toEqual(['efsdoctor: warning: --region, --profile have no effect with --from (the snapshot is replayed as it was saved)'])
  })

  it('says nothing when the region only comes from the environment', async () => {
    const r = await run(['--from', 'examples/snapshots/healthy.json', '--output', 'json'])
    expect(r.stderr).toBe('')
  })
})


describe('check --example / --list-examples (the shipped examples, after any install)', () => {
  it('lists every shipped example snapshot with the command that replays it', async () => {
    const r = await run(['--list-examples'])
    expect(r.code).toBe(0)
    const names = r.stdout.trim().split('\n').map(l => l.split(/\s+/)[0])
    const files = readdirSync('examples/snapshots').filter(f => f.endsWith('.json')).map(f => f.replace(/\.json$/, '')).sort()
    expect(names).toEqual(files)
    expect(r.stdout).toContain('efsdoctor check --example broken-sg-cidr')
  })

  it('replays an example by name exactly as --from its file does', async () => {
    const byName = await run(['--example', 'broken-sg-cidr', '--output', 'json'])
    const byFile = await run(['--from', 'examples/snapshots/broken-sg-cidr.json', '--output', 'json'])
    expect(byName.code).toBe(1)
    expect(byName.code).toBe(byFile.code)
    const strip = (s: string) => (JSON.parse(s) as Report).findings.map(f => [f.checkId, f.status, f.resource.id])
    expect(strip(byName.stdout)).toEqual(strip(byFile.stdout))
  })

  it('names the examples when the name is unknown (one line, exit 2)', async () => {
    expectOneLineExit2(await run(['--example', 'nope']), /no example named "nope"; the examples are: .*broken-sg-cidr/)
  })
})

describe('check --output-file that cannot be written', () => {
  it('names the path and the reason in one line (no errno, no temporary file name)', async () => {
    const r = await run(['--from', 'examples/snapshots/healthy.json', '--output', 'json', '--output-file', '/nonexistent/dir/x.json'])
    expectOneLineExit2(r, /^efsdoctor: cannot write \/nonexistent\/dir\/x\.json: no such directory$/)
  })
})


describe('two formats asked at once', () => {
  it('--json with --output sarif is one line and exit 2, not a JSON report for a SARIF upload', async () => {
    expectOneLineExit2(await run(['--from', 'examples/snapshots/healthy.json', '--json', '--output', 'sarif']), /--json and --output sarif ask for two formats/)
    const same = await run(['--from', 'examples/snapshots/healthy.json', '--json', '--output', 'json'])
    expect(same.code).toBe(0)
    expect(JSON.parse(same.stdout).schemaVersion).toBeGreaterThan(0)
  })
})

describe('a selection that runs nothing', () => {
  it('--only and --skip that leave no check are exit 2, and an area named without its slash says how to name it', async () => {
    expectOneLineExit2(await runCommand(Check, ['--example', 'healthy', '--only', 'efs/', '--skip', 'efs/']), /--only and --skip leave no check to run/)
    expectOneLineExit2(await runCommand(Check, ['--example', 'healthy', '--only', 'network']), /unknown check id "network" \(for the area, network\/\)/)
    expect((await runCommand(Check, ['--example', 'healthy', '--only', 'network/'])).code).toBe(0)
  })
})
