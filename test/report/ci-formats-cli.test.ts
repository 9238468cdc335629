/** `efsdoctor check --from … --output junit|sarif|markdown` and `--config`, end to end through the command. */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {XMLParser} from 'fast-xml-parser'
import Check from '../../src/commands/check.js'
import type {Report} from '../../src/core/types.js'
import {readSchema, validatorFor} from '../support/ajv.js'
import {IDS, withFault} from '../support/snapshot-builder.js'
import {runCommand} from '../support/run-command.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-ci-'))
const broken = join(dir, 'broken.json')
writeFileSync(broken, JSON.stringify(withFault(x => { x.mountTargets!.find(m => m.id === IDS.mountTargets.b)!.lifeCycleState = 'deleting' })))

const run = (argv: string[]) => runCommand(Check, argv)

describe('CI formats through efsdoctor check', () => {
  it('junit: parses back, failures counted, exit 1', async () => {
    const {stdout, code} = await run(['--from', broken, '--output', 'junit'])
    expect(code).toBe(1)
    const xml = new XMLParser({ignoreAttributes: false, attributeNamePrefix: ''}).parse(stdout) as {testsuites: {failures: string}}
    expect(Number(xml.testsuites.failures)).toBeGreaterThan(0)
  })

  it('sarif: schema-valid with results, exit 1', async () => {
    const {stdout, code} = await run(['--from', broken, '--output', 'sarif'])
    expect(code).toBe(1)
    const log = JSON.parse(stdout) as {runs: {results: unknown[]}[]}
    expect(validatorFor(readSchema('test/fixtures/schemas/sarif-schema-2.1.0.json'))(log)).toEqual([])
    expect(log.runs[0].results.length).toBeGreaterThan(0)
  })

  it('markdown: failure table, exit 1', async () => {
    const {stdout, code} = await run(['--from', broken, '--output', 'markdown'])
    expect(code).toBe(1)
    expect(stdout).toContain('### Failures')
    expect(stdout).toContain(IDS.mountTargets.b)
  })

  it('--config: ignored fails stay in the report, marked, and exit 0', async () => {
    const before = JSON.parse((await run(['--from', broken, '--json'])).stdout) as Report
    const fails = before.findings.filter(f => f.status === 'fail' && f.severity === 'error')
    expect(fails.length).toBeGreaterThan(0)
    const cfg = join(dir, 'ignore.yml')
    writeFileSync(cfg, `ignore:\n${fails.map(f => `  - check: ${f.checkId}\n    resource: ${f.resource.id}\n    reason: replacing it`).join('\n')}\n`)
    const {stdout, code} = await run(['--from', broken, '--json', '--config', cfg])
    expect(code).toBe(0)
    const after = JSON.parse(stdout) as Report
    expect(after.findings.filter(f => f.ignored?.reason === 'replacing it').length).toBe(fails.length)
  })

  it('--config with a missing reason is a usage error (exit 2)', async () => {
    const cfg = join(dir, 'bad.yml')
    writeFileSync(cfg, 'ignore:\n  - check: efs/mount-target-available\n')
    const {code, stderr} = await run(['--from', broken, '--config', cfg])
    expect(code).toBe(2)
    expect(stderr).toContain('"reason" is required')
  })
})
