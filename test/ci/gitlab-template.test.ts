/** ci/gitlab/efsdoctor.gitlab-ci.yml: linted as YAML and as a GitLab job, then its script run as the runner would. */
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {XMLParser} from 'fast-xml-parser'
import {parseDocument} from 'yaml'
import type {Report} from '../../src/core/types.js'
import type {CodeQualityIssue} from '../../src/report/codequality.js'
import {readSchema, validatorFor} from '../support/ajv.js'
import {readGitLabTemplate, REPO, runGitLabJob} from '../support/ci-steps.js'

const FILE = 'ci/gitlab/efsdoctor.gitlab-ci.yml'
// Job keywords of GitLab CI (docs.gitlab.com/ci/yaml); anything else in a job is a typo GitLab would reject.
const JOB_KEYWORDS = new Set(['after_script', 'allow_failure', 'artifacts', 'before_script', 'cache', 'coverage', 'dependencies', 'environment',
  'extends', 'id_tokens', 'image', 'interruptible', 'needs', 'parallel', 'release', 'resource_group', 'retry', 'rules', 'script', 'secrets',
  'services', 'stage', 'tags', 'timeout', 'trigger', 'variables', 'when'])
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0 || process.env.CI === 'true'

describe('the GitLab CI template', () => {
  const template = readGitLabTemplate()
  const job = template['.efsdoctor']

  it('is valid YAML with one hidden job made only of GitLab job keywords', () => {
    const doc = parseDocument(readFileSync(FILE, 'utf8'), {strict: true, uniqueKeys: true})
    expect(doc.errors).toEqual([])
    expect(doc.warnings).toEqual([])
    expect(Object.keys(template)).toEqual(['.efsdoctor'])
    for (const k of Object.keys(job)) expect(JOB_KEYWORDS).toContain(k)
    expect(job.image).toMatch(/^node:20/)
    for (const v of Object.values(job.variables ?? {})) expect(typeof v).toBe('string')
    expect(job.artifacts).toMatchObject({when: 'always', reports: {junit: 'efsdoctor-out/junit.xml', codequality: 'efsdoctor-out/codequality.json'}})
  })

  ;(hasShellcheck ? it : it.skip)('its before_script and script are ShellCheck-clean', () => {
    const script = ['#!/usr/bin/env bash', ...job.before_script!, ...job.script!].join('\n')
    const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '-'], {input: script, encoding: 'utf8'})
    expect(r.stdout + r.stderr).toBe('')
  })

  it('a job that extends it lints a broken template: exit 1, JUnit and Code Quality where the reports point', () => {
    const project = mkdtempSync(join(tmpdir(), 'efsd-project-'))
    copyFileSync('examples/templates/broken-sg-no-2049.yaml', join(project, 'stack.yaml'))
    const r = runGitLabJob({extends: '.efsdoctor', variables: {EFSDOCTOR_HOME: REPO, EFSDOCTOR_COMMAND: 'lint', EFSDOCTOR_TEMPLATE: 'stack.yaml'}}, project)
    expect({code: r.code, log: r.log}).toEqual({code: 1, log: expect.stringContaining(`efsdoctor installed from ${REPO}`)})
    const report = JSON.parse(readFileSync(join(project, 'efsdoctor-out/efsdoctor.json'), 'utf8')) as Report
    expect(validatorFor(readSchema('schemas/report.schema.json'))(report)).toEqual([])
    const fails = report.findings.filter(f => f.status === 'fail' && !f.ignored)
    expect(fails.length).toBeGreaterThan(0)
    const xml = new XMLParser({ignoreAttributes: false, attributeNamePrefix: ''}).parse(readFileSync(join(project, job.artifacts!.reports!.junit), 'utf8')) as {testsuites: {failures: string}}
    expect(Number(xml.testsuites.failures)).toBe(fails.length)
    const issues = JSON.parse(readFileSync(join(project, job.artifacts!.reports!.codequality), 'utf8')) as CodeQualityIssue[]
    expect(issues).toHaveLength(fails.length)
    for (const i of issues) expect(i.location.path).toBe('stack.yaml')
    expect(readFileSync(join(project, 'efsdoctor-out/efsdoctor.md'), 'utf8')).toContain('## efsdoctor: template stack.yaml')
  }, 300_000)

  it('without an efsdoctor checkout to install from: one clear line, exit 2', () => {
    const project = mkdtempSync(join(tmpdir(), 'efsd-project-'))
    const r = runGitLabJob({extends: '.efsdoctor', variables: {EFSDOCTOR_TEMPLATE: 'stack.yaml'}}, project)
    expect(r.code).toBe(2)
    expect(r.log.trim()).toBe('efsdoctor: set EFSDOCTOR_GIT_URL to the efsdoctor repository (or EFSDOCTOR_HOME to a checkout)')
  })
})
