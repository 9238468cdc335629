import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import type {Report} from '../../src/core/types.js'
import {jsonRenderer} from '../../src/report/json.js'
import {readSchema, validatorFor} from '../support/ajv.js'
import {ctx, report} from '../support/report-fixtures.js'
import {denied, healthy, IDS, withFault} from '../support/snapshot-builder.js'

const validate = validatorFor(readSchema('schemas/report.schema.json'))
/** What a consumer sees: the JSON output parsed back. */
const asJson = (r: Report) => JSON.parse(jsonRenderer.render(r, ctx)) as Record<string, unknown>
const clone = (r: Report) => JSON.parse(JSON.stringify(r)) as Report

describe('schemas/report.schema.json', () => {
  const broken = runChecks(allChecks, withFault(x => { x.mountTargets!.find(m => m.id === IDS.mountTargets.b)!.lifeCycleState = 'deleting' }),
    {ignores: [{checkId: 'efs/mount-target-per-az', reason: 'accepted'}]}, {source: 'snapshot', snapshotFile: 'broken.json'})

  it('accepts the report for examples/snapshots/healthy.json', () => {
    const r = runChecks(allChecks, healthy())
    expect(r.findings.length).toBeGreaterThan(0)
    expect(validate(asJson(r))).toEqual([])
  })

  it('accepts a report with failures, fixes and ignored findings from a mutated snapshot', () => {
    expect(broken.summary.fail).toBeGreaterThan(0)
    expect(validate(asJson(broken))).toEqual([])
  })

  it('accepts a report with unknowns (denied call) and the hand-made report with every status and a template location', () => {
    expect(validate(asJson(runChecks(allChecks, denied(healthy(), 'mountTargets', 'elasticfilesystem:DescribeMountTargets'))))).toEqual([])
    expect(validate(asJson(report()))).toEqual([])
  })

  it.each(['schemaVersion', 'tool', 'scope', 'findings', 'summary'] as const)('rejects a report missing %s', key => {
    const r = asJson(broken)
    delete r[key]
    expect(validate(r).join('\n')).toContain(`must have required property '${key}'`)
  })

  it('rejects a finding missing its status, a fail without a fix, an unknown status and a bad check id', () => {
    const noStatus = clone(broken)
    delete (noStatus.findings[0] as Partial<Report['findings'][number]>).status
    expect(validate(noStatus).join('\n')).toContain("must have required property 'status'")

    const noFix = clone(broken)
    const fail = noFix.findings.find(f => f.status === 'fail')!
    delete fail.fix
    expect(validate(noFix).join('\n')).toContain("must have required property 'fix'")

    const badStatus = clone(broken)
    ;(badStatus.findings[0] as {status: string}).status = 'warn'
    expect(validate(badStatus)).not.toEqual([])

    const badId = clone(broken)
    badId.findings[0].checkId = 'EFS_MountTarget'
    expect(validate(badId).join('\n')).toContain('must match pattern')
  })
})
