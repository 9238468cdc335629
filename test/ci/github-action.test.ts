/** action.yml, run step by step in a temporary GITHUB_* environment, as a job would run it. */
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Report} from '../../src/core/types.js'
import {readSchema, validatorFor} from '../support/ajv.js'
import {type ActionRun, readAction, runAction} from '../support/ci-steps.js'
import {githubIngestionProblems} from '../support/github-sarif.js'

const validSarif = validatorFor(readSchema('test/fixtures/schemas/sarif-schema-2.1.0.json'))
const validReport = validatorFor(readSchema('schemas/report.schema.json'))
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0 || process.env.CI === 'true'

const workspace = mkdtempSync(join(tmpdir(), 'efsd-workspace-'))
copyFileSync('examples/templates/broken-nacl-return.yaml', join(workspace, 'stack.yaml'))
const readReport = (run: ActionRun) => JSON.parse(readFileSync(run.outputs['report-path'], 'utf8')) as Report

describe('action.yml', () => {
  const action = readAction()

  it('is a composite action on Node 20 with the documented inputs and outputs', () => {
    expect(action.runs.using).toBe('composite')
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'baseline', 'cluster', 'command', 'fail-on', 'file-system', 'region', 'template'])
    expect(Object.keys(action.outputs).sort()).toEqual(['exit-code', 'failed', 'report-path', 'sarif-path', 'unknown'])
    const setup = action.runs.steps.filter(s => s.uses)
    expect(setup).toEqual([expect.objectContaining({uses: 'actions/setup-node@v4', with: {'node-version': 20}})])
    for (const step of action.runs.steps.filter(s => s.run)) {
      expect(step.shell).toBe('bash')
      // NOTE: inputs reach scripts only through env:, never pasted into the script (no injection through an input).
      expect(step.run).not.toMatch(/\$\{\{/)
    }
  })

  const scripts = ['ci/install.sh', 'ci/run.sh', 'ci/github/run.sh']
  ;(hasShellcheck ? it.each(scripts) : it.skip.each(scripts))('%s is ShellCheck-clean', file => {
    const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', file], {encoding: 'utf8'})
    expect(r.stdout + r.stderr).toBe('')
  })

  let first: ActionRun
  it('lint of a broken template: fails the step, writes the summary, SARIF, the report and the outputs', () => {
    first = runAction({command: 'lint', template: 'stack.yaml'}, workspace)
    // NOTE: the log is part of the comparison so that a failure shows what the steps printed.
    expect({code: first.code, log: first.log}).toEqual({code: 1, log: expect.stringContaining('efsdoctor installed from')})
    expect(first.skippedUses).toEqual(['actions/setup-node@v4 {"node-version":20}'])
    expect(first.outputs['exit-code']).toBe('1')
    const report = readReport(first)
    expect(validReport(report)).toEqual([])
    expect(report.scope.template).toBe('stack.yaml')
    const fails = report.findings.filter(f => f.status === 'fail' && !f.ignored)
    expect(first.outputs.failed).toBe(String(fails.length))
    expect(Number(first.outputs.failed)).toBeGreaterThan(0)
    expect(first.outputs.unknown).toBe(String(report.findings.filter(f => f.status === 'unknown' && !f.ignored).length))
    expect(first.outputs['report-path'].startsWith(first.runnerTemp)).toBe(true)
    const sarifText = readFileSync(first.outputs['sarif-path'], 'utf8')
    expect(validSarif(JSON.parse(sarifText))).toEqual([])
    expect(githubIngestionProblems(sarifText)).toEqual([])
    expect((JSON.parse(sarifText) as {runs: {results: unknown[]}[]}).runs[0].results).toHaveLength(fails.length)
    expect(first.summary).toMatch(/^## efsdoctor: template stack\.yaml/)
    expect(first.summary).toContain(`**${fails.length} failed**`)
    expect(first.summary).toContain('network/nacl-allows-nfs')
  }, 300_000)

  it('the same template against its own report as baseline: passes, nothing counted as failed', () => {
    const again = runAction({command: 'lint', template: 'stack.yaml', baseline: first.outputs['report-path'], args: '--verbose'}, workspace)
    expect({code: again.code, log: again.log}).toEqual({code: 0, log: expect.stringContaining('efsdoctor installed from')})
    expect(again.outputs).toMatchObject({'exit-code': '0', failed: '0'})
    const report = readReport(again)
    expect(report.baseline).toMatchObject({new: 0, fixed: []})
    expect(report.findings.some(f => f.baselined)).toBe(true)
    expect(again.summary).toMatch(/### Baselined \(\d+\)/)
  }, 300_000)

  it('a missing input: exit 2 with an error annotation, and no report', () => {
    const r = runAction({command: 'check', region: 'eu-west-1'}, workspace)
    expect(r.code).toBe(2)
    expect(r.log).toContain("EFSDOCTOR_CLUSTER (input 'cluster') is required for check")
    expect(r.log).toContain('::error title=efsdoctor::')
    expect(r.outputs['exit-code']).toBe('2')
    expect(r.outputs.failed).toBe('')
  }, 300_000)
})
