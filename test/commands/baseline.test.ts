/** `--baseline REPORT.json` and `--write-baseline FILE` on `check` and `lint`, end to end through the commands. */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {XMLParser} from 'fast-xml-parser'
import Check from '../../src/commands/check.js'
import Lint from '../../src/commands/lint.js'
import type {Report} from '../../src/core/types.js'
import {readSchema, validatorFor} from '../support/ajv.js'
import {expectOneLineExit2, runCommand} from '../support/run-command.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-baseline-'))
const at = (name: string) => join(dir, name)
const check = (argv: string[]) => runCommand(Check, argv)
const lint = (argv: string[]) => runCommand(Lint, argv)
const validReport = validatorFor(readSchema('schemas/report.schema.json'))
const HEALTHY = 'examples/snapshots/healthy.json'
const BROKEN = 'examples/snapshots/broken-awsvpc-task-sg.json'

describe('--write-baseline and --baseline (check)', () => {
  beforeAll(async () => {
    expect((await check(['--from', HEALTHY, '--write-baseline', at('healthy.json')])).code).toBe(0)
    expect((await check(['--from', BROKEN, '--write-baseline', at('broken.json'), '--output', 'markdown'])).code).toBe(1)
  })

  it('writes a schema-valid JSON report whatever --output is, with a fingerprint on every finding', () => {
    const base = JSON.parse(readFileSync(at('broken.json'), 'utf8')) as Report
    expect(validReport(base)).toEqual([])
    expect(base.findings.every(f => /^[0-9a-f]{64}$/.test(f.fingerprint ?? ''))).toBe(true)
    expect(base.findings.filter(f => f.status === 'fail').length).toBeGreaterThan(0)
  })

  it('a report against itself exits 0: every failure is baselined, nothing new, nothing fixed', async () => {
    const r = await check(['--from', BROKEN, '--baseline', at('broken.json'), '--json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as Report
    expect(validReport(report)).toEqual([])
    const fails = report.findings.filter(f => f.status === 'fail')
    expect(fails.length).toBeGreaterThan(0)
    expect(fails.every(f => f.baselined)).toBe(true)
    expect(report.baseline).toEqual({file: at('broken.json'), new: 0, fixed: []})
    expect(report.summary.baselined).toBe(report.findings.filter(f => f.baselined).length)
  })

  it('a broken cluster against a healthy baseline exits 1 and counts the new failures', async () => {
    const r = await check(['--from', BROKEN, '--baseline', at('healthy.json'), '--json'])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as Report
    expect(report.findings.some(f => f.baselined)).toBe(false)
    expect(report.baseline!.new).toBe(report.findings.filter(f => f.status === 'fail' || f.status === 'unknown').length)
  })

  it('a new failure next to baselined ones still fails the run', async () => {
    const base = JSON.parse(readFileSync(at('broken.json'), 'utf8')) as Report
    const firstFail = base.findings.findIndex(f => f.status === 'fail')
    base.findings.splice(firstFail, 1)
    writeFileSync(at('partial.json'), JSON.stringify(base))
    const r = await check(['--from', BROKEN, '--baseline', at('partial.json'), '--json'])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as Report
    expect(report.baseline!.new).toBe(1)
    expect(report.findings.filter(f => f.status === 'fail' && !f.baselined).map(f => f.fingerprint)).toEqual([JSON.parse(readFileSync(at('broken.json'), 'utf8')).findings[firstFail].fingerprint])
  })

  it('failures that are gone are listed as fixed (table and markdown say so)', async () => {
    const json = await check(['--from', HEALTHY, '--baseline', at('broken.json'), '--json'])
    expect(json.code).toBe(0)
    const report = JSON.parse(json.stdout) as Report
    const broken = JSON.parse(readFileSync(at('broken.json'), 'utf8')) as Report
    expect(report.baseline!.fixed.map(f => f.fingerprint).sort()).toEqual(broken.findings.filter(f => f.status === 'fail').map(f => f.fingerprint).sort())
    const table = await check(['--from', HEALTHY, '--baseline', at('broken.json')])
    expect(table.stdout).toMatch(/Fixed since the baseline \(3\)/)
    expect(table.stdout.replace(/\s+/g, ' ')).toContain(`against baseline ${at('broken.json')}: 0 new, 0 baselined, 3 fixed`)
    const md = await check(['--from', HEALTHY, '--baseline', at('broken.json'), '--output', 'markdown'])
    expect(md.stdout).toContain('### Fixed since the baseline (3)')
  })

  it('a check that did not run (--only) proves nothing fixed', async () => {
    const r = await check(['--from', HEALTHY, '--baseline', at('broken.json'), '--only', 'efs/', '--json'])
    expect((JSON.parse(r.stdout) as Report).baseline!.fixed).toEqual([])
  })

  it('SARIF marks results unchanged or new; JUnit skips baselined failures', async () => {
    const sarif = JSON.parse((await check(['--from', BROKEN, '--baseline', at('partial.json'), '--output', 'sarif'])).stdout) as {runs: {results: {baselineState: string}[]}[]}
    expect(sarif.runs[0].results.map(r => r.baselineState).sort()).toEqual(['new', 'unchanged', 'unchanged'])
    expect(validatorFor(readSchema('test/fixtures/schemas/sarif-schema-2.1.0.json'))(sarif)).toEqual([])
    const xml = (await check(['--from', BROKEN, '--baseline', at('broken.json'), '--output', 'junit'])).stdout
    const root = new XMLParser({ignoreAttributes: false, attributeNamePrefix: ''}).parse(xml) as {testsuites: {failures: string}}
    expect(root.testsuites.failures).toBe('0')
    expect(xml).toContain('baselined: failed in the baseline too')
  })
})

describe('a baseline that is not a report of this schema version: one line, exit 2', () => {
  const cases: [string, string, RegExp][] = [
    ['not JSON', 'not json {', /baseline .* is not an efsdoctor JSON report \(not valid JSON\)/],
    ['a snapshot', readFileSync(HEALTHY, 'utf8'), /is not an efsdoctor JSON report \(no tool "efsdoctor" with findings\)/],
    ['SARIF', JSON.stringify({version: '2.1.0', runs: []}), /is not an efsdoctor JSON report/],
    ['another schema version', JSON.stringify({schemaVersion: 2, tool: {name: 'efsdoctor', version: '9.0.0'}, findings: []}), /schema version 2; this efsdoctor reads version 1/],
    ['a broken report', JSON.stringify({schemaVersion: 1, tool: {name: 'efsdoctor', version: '0.1.0'}, scope: {source: 'aws'}, findings: [{checkId: 'efs/x'}], summary: {}}), /is not a valid efsdoctor report: \/findings\/0 /],
  ]
  it.each(cases)('%s', async (name, text, pattern) => {
    const file = at(`bad-${name.replace(/\W+/g, '-')}.json`)
    writeFileSync(file, text)
    expectOneLineExit2(await check(['--from', HEALTHY, '--baseline', file]), pattern)
    expectOneLineExit2(await lint(['examples/templates/ecs-efs-stack.yaml', '--baseline', file]), pattern)
  })

  it('a bad --write value, before any work', async () => {
    expectOneLineExit2(await check(['--from', HEALTHY, '--write', 'pdf=x.pdf']), /--write needs FORMAT=FILE with FORMAT one of table, json/)
    expectOneLineExit2(await lint(['examples/templates/ecs-efs-stack.yaml', '--write', 'sarif']), /--write needs FORMAT=FILE .*got "sarif"/)
  })

  it('a missing file', async () => {
    expectOneLineExit2(await check(['--from', HEALTHY, '--baseline', at('nope.json')]), /cannot read baseline .*nope\.json: ENOENT/)
  })
})

describe('--baseline on lint', () => {
  it('a template against its own baseline exits 0; against a healthy template\'s baseline exits 1', async () => {
    const broken = 'examples/templates/broken-nacl-return.yaml'
    expect((await lint([broken, '--write-baseline', at('nacl.json')])).code).toBe(1)
    expect((await lint([broken, '--baseline', at('nacl.json')])).code).toBe(0)
    expect((await lint(['examples/templates/ecs-efs-stack.yaml', '--write-baseline', at('stack.json')])).code).toBe(0)
    const r = await lint([broken, '--baseline', at('stack.json'), '--json'])
    expect(r.code).toBe(1)
    expect((JSON.parse(r.stdout) as Report).baseline!.new).toBeGreaterThan(0)
  })
})
