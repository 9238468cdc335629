import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import type {Report} from '../../src/core/types.js'
import {jsonRenderer, reportJsonChunks} from '../../src/report/json.js'
import {report} from '../support/report-fixtures.js'
import {healthy, withFault, IDS} from '../support/snapshot-builder.js'

describe('JSON report in pieces', () => {
  const broken = runChecks(allChecks, withFault(x => { x.mountTargets!.find(m => m.id === IDS.mountTargets.b)!.lifeCycleState = 'deleting' }))
  // Many findings (pieces of about 64 KB), none, keys before and after the findings, and a report that is only findings.
  const many: Report = {...broken, findings: Array.from({length: 40}, () => broken.findings).flat()}
  const cases: [string, Report][] = [['healthy', runChecks(allChecks, healthy())], ['broken', broken], ['many findings', many],
    ['no findings', {...broken, findings: []}], ['fixture', report()], ['findings only', {findings: broken.findings} as unknown as Report]]

  it.each(cases)('%s: the pieces joined are JSON.stringify(report, null, 2)', (_name, r) => {
    const pieces = [...reportJsonChunks(r)]
    expect(pieces.join('')).toBe(JSON.stringify(r, null, 2))
    expect(jsonRenderer.render(r, {catalogue: allChecks, color: false, verbose: false})).toBe(pieces.join(''))
  })

  it('a large report comes in pieces of about 64 KB, never as one string', () => {
    const pieces = [...reportJsonChunks(many)]
    expect(pieces.length).toBeGreaterThan(3)
    expect(Math.max(...pieces.map(p => p.length))).toBeLessThan(2 * 65_536)
  })
})
