/** `--output codequality`: the GitLab Code Quality (Code Climate) subset GitLab reads. */
import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import {lintTemplate} from '../../src/lint/index.js'
import {type CodeQualityIssue, codequalityRenderer} from '../../src/report/codequality.js'
import {faulty} from '../support/faults.js'
import {EXAMPLE_TEMPLATES} from '../support/identity-inputs.js'
import {ctx, findings, report} from '../support/report-fixtures.js'

const render = (r: Parameters<typeof codequalityRenderer.render>[0]) => JSON.parse(codequalityRenderer.render(r, ctx)) as CodeQualityIssue[]
const KEYS = ['check_name', 'description', 'fingerprint', 'location', 'severity']

describe('codequality renderer', () => {
  it('one issue per unignored fail, with exactly the fields GitLab reads', () => {
    const issues = render(report())
    expect(issues.map(i => i.check_name).sort()).toEqual(['efs/mount-target-available', 'userdata/fstab-netdev'])
    for (const i of issues) {
      expect(Object.keys(i).sort()).toEqual(KEYS)
      expect(Object.keys(i.location).sort()).toEqual(['lines', 'path'])
      expect(i.location.lines.begin).toBeGreaterThanOrEqual(1)
      expect(i.fingerprint).toMatch(/^[0-9a-f]{64}$/)
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(i.severity)
    }
    const lint = issues.find(i => i.check_name === 'userdata/fstab-netdev')!
    expect(lint).toMatchObject({severity: 'minor', location: {path: 'examples/templates/broken stack.yml', lines: {begin: 42}}})
    expect(lint.description).toContain('Fix: Add _netdev,nofail')
    const live = issues.find(i => i.check_name === 'efs/mount-target-available')!
    expect(live).toMatchObject({severity: 'major', location: {path: 'aws/eu-west-1/efs-mount-target/fsmt-0bb2220000000000b', lines: {begin: 1}}})
  })

  it('an empty list when nothing fails', () => {
    expect(render(report([findings[0]]))).toEqual([])
  })

  it('the same finding in two templates gets two fingerprints (GitLab merges a pipeline\'s reports), stable across runs', () => {
    const a = render(report([findings[5]], {source: 'template', template: 'a.yaml'}))
    const b = render(report([findings[5]], {source: 'template', template: 'b.yaml'}))
    expect(a[0].fingerprint).not.toBe(b[0].fingerprint)
    expect(render(report([findings[5]], {source: 'template', template: 'a.yaml'}))[0].fingerprint).toBe(a[0].fingerprint)
  })

  it.each([...EXAMPLE_TEMPLATES.map(t => `template ${t}`), 'snapshot broken-awsvpc-task-sg', 'snapshot broken-nacl'])('%s: pairwise-distinct fingerprints', name => {
    const [kind, what] = name.split(' ')
    const r = kind === 'template' ? lintTemplate(`examples/templates/${what}`).report : runChecks(allChecks, faulty(what))
    const fps = render(r).map(i => i.fingerprint)
    expect(new Set(fps).size).toBe(fps.length)
  })
})
