import {defineCheck, fail, pass} from '../../src/core/define-check.js'
import {exitCodeFor} from '../../src/core/exit-code.js'
import {runChecks, selectChecks} from '../../src/core/run-checks.js'
import type {Check, Resource} from '../../src/core/types.js'
import {denied, healthy} from '../support/snapshot-builder.js'

const base = {description: 'd', remediation: 'do the thing', docsUrl: 'https://example.invalid'}
const acl = defineCheck({...base, id: 'network/test-acl', title: 'acl', severity: 'error', needs: ['networkAcls'],
  run: s => s.networkAcls!.map(a => (a.entries.length > 10 ? pass : (r: Resource, m: string) => fail(r, m, {summary: 'fix acl'}))({type: 'network-acl', id: a.id}, 'm'))})
const noFix = defineCheck({...base, id: 'efs/test-nofix', title: 'nofix', severity: 'warning', needs: ['fileSystems'],
  run: s => s.fileSystems!.map(f => ({status: 'fail' as const, resource: {type: 'efs-file-system' as const, id: f.id}, message: 'bad'}))})
const crashes = defineCheck({...base, id: 'ecs/test-crash', title: 'crash', severity: 'error', needs: [],
  run: () => { throw new Error('boom') }})
const empty = defineCheck({...base, id: 'ecs/test-empty', title: 'empty', severity: 'info', needs: [], run: () => []})
const host = defineCheck({...base, id: 'host/test-host', title: 'host', severity: 'error', needs: ['hostFacts'], run: () => []})
const all: Check[] = [acl, noFix, crashes, empty, host]

describe('runChecks', () => {
  it('turns a denied call into unknown naming the IAM action, and never into pass', () => {
    const report = runChecks(all, denied(healthy(), 'networkAcls', 'ec2:DescribeNetworkAcls'), {only: ['network/test-acl']})
    expect(report.findings).toHaveLength(1)
    expect(report.findings[0]).toMatchObject({checkId: 'network/test-acl', status: 'unknown', evidence: {missingPermissions: ['ec2:DescribeNetworkAcls']}})
    expect(report.findings[0].message).toContain('ec2:DescribeNetworkAcls')
    expect(report.findings[0].message).toMatch(/\. Next: allow ec2:DescribeNetworkAcls for this caller \(efsdoctor iam-policy prints every permission a run needs\), then run again\.$/)
    expect(report.summary).toMatchObject({pass: 0, unknown: 1})
    // A call that failed for another reason (throttled, a network error) gets no permission advice.
    const throttled = healthy()
    delete throttled.networkAcls
    throttled.gaps.push({part: 'networkAcls', action: 'ec2:DescribeNetworkAcls', code: 'Throttling', message: 'Rate exceeded'})
    expect(runChecks(all, throttled, {only: ['network/test-acl']}).findings[0].message).toBe('Could not evaluate: ec2:DescribeNetworkAcls failed (Throttling): Rate exceeded')
  })

  it('skips checks whose data was never collected (no gap)', () => {
    const f = runChecks(all, healthy(), {only: ['host/test-host']}).findings
    expect(f).toEqual([expect.objectContaining({status: 'skipped', checkId: 'host/test-host'})])
    expect(f[0].message).toBe('Not evaluated: not collected: what the host probe saw (a run with --no-probe, or a snapshot taken with it, has none).')
  })

  it('stamps id, title and severity, and gives every fail a fix', () => {
    const f = runChecks(all, healthy(), {only: ['efs/test-nofix']}).findings[0]
    expect(f).toMatchObject({checkId: 'efs/test-nofix', title: 'nofix', severity: 'warning', status: 'fail', fix: {summary: 'do the thing'}})
  })

  it('makes each finding its own object when checks return one outcome object twice', () => {
    const shared = {status: 'fail' as const, resource: {type: 'efs-file-system' as const, id: 'fs-1'}, message: 'shared'}
    const twice = defineCheck({...base, id: 'efs/test-twice', title: 'twice', severity: 'warning', needs: [], run: () => [shared, shared]})
    const again = defineCheck({...base, id: 'efs/test-again', title: 'again', severity: 'error', needs: [], run: () => [shared]})
    const f = runChecks([twice, again], healthy()).findings
    expect(f.map(x => [x.checkId, x.severity, x.key?.occurrence])).toEqual([['efs/test-twice', 'warning', undefined], ['efs/test-twice', 'warning', '2'], ['efs/test-again', 'error', undefined]])
    expect(new Set(f).size).toBe(3)
    expect(new Set(f.map(x => x.fingerprint)).size).toBe(3)
  })

  it('reports a crashing check as unknown and keeps running the others', () => {
    const r = runChecks(all, healthy(), {only: ['ecs/', 'network/test-acl']})
    expect(r.findings.find(f => f.checkId === 'ecs/test-crash')).toMatchObject({status: 'unknown', message: expect.stringContaining('boom')})
    expect(r.findings.find(f => f.checkId === 'ecs/test-empty')).toMatchObject({status: 'skipped'})
    expect(r.findings.find(f => f.checkId === 'network/test-acl')?.status).toBe('fail')
  })

  it('selects by id and area prefix', () => {
    expect(selectChecks(all, {only: ['ecs/*']}).map(c => c.id)).toEqual(['ecs/test-crash', 'ecs/test-empty'])
    expect(selectChecks(all, {skip: ['ecs/', 'host/test-host']}).map(c => c.id)).toEqual(['network/test-acl', 'efs/test-nofix'])
  })

  it('marks ignored findings, counts them, and leaves them out of the exit code', () => {
    const opts = {only: ['network/test-acl']}
    const failing = runChecks(all, healthy(), opts)
    expect(exitCodeFor(failing, 'error')).toBe(1)
    const ignored = runChecks(all, healthy(), {...opts, ignores: [{checkId: 'network/', reason: 'accepted risk'}]})
    expect(ignored.findings[0].ignored).toEqual({reason: 'accepted risk'})
    expect(ignored.summary.ignored).toBe(1)
    expect(exitCodeFor(ignored, 'error')).toBe(0)
  })
})

describe('exitCodeFor', () => {
  const report = runChecks(all, healthy(), {only: ['efs/test-nofix', 'ecs/test-crash']})
  it('applies the --fail-on threshold by severity', () => {
    expect(exitCodeFor(report, 'error')).toBe(0) // the fail is a warning; the unknown does not count
    expect(exitCodeFor(report, 'warning')).toBe(1)
    expect(exitCodeFor(report, 'info')).toBe(1)
    expect(exitCodeFor(report, 'none')).toBe(0)
  })
  it('counts unknown as failure only with strict', () => {
    const unknownOnly = runChecks(all, healthy(), {only: ['ecs/test-crash']})
    expect(exitCodeFor(unknownOnly, 'error')).toBe(0)
    expect(exitCodeFor(unknownOnly, 'error', true)).toBe(1)
  })
})

describe('gaps upstream of a missing part', () => {
  const needsUserData = defineCheck({...base, id: 'userdata/test-ud', title: 'ud', severity: 'error', needs: ['userData'], run: () => []})
  it('make a check unknown naming the upstream action when its part was never collected because of it', () => {
    const s = denied(healthy(), 'instances', 'ec2:DescribeInstances')
    delete s.userData // read from the instances' launch templates, so never collected
    const f = runChecks([needsUserData], s).findings[0]
    expect(f).toMatchObject({status: 'unknown', evidence: {missingPermissions: ['ec2:DescribeInstances']}})
  })
  it('leave a part that is missing for no recorded reason skipped', () => {
    const s = healthy()
    delete s.userData
    expect(runChecks([needsUserData], s).findings[0].status).toBe('skipped')
  })
})

describe('fingerprints only when something reads them', () => {
  it('fingerprints: false leaves the findings unstamped, and the table (which never shows them) reads the same', async () => {
    const {allChecks} = await import('../../src/checks/index.js')
    const {renderReport} = await import('../../src/report/index.js')
    const {sanitizeShown} = await import('../../src/report-flags.js')
    const {sanitizeDeep} = await import('../../src/core/sanitize.js')
    const {withFault, IDS} = await import('../support/snapshot-builder.js')
    const snapshot = withFault(x => { x.mountTargets!.find(m => m.id === IDS.mountTargets.b)!.lifeCycleState = 'deleting' })
    const stamped = runChecks(allChecks, snapshot)
    const bare = runChecks(allChecks, snapshot, {fingerprints: false})
    expect(stamped.findings.every(f => /^[0-9a-f]{64}$/.test(f.fingerprint ?? ''))).toBe(true)
    expect(bare.findings.some(f => f.fingerprint !== undefined)).toBe(false)
    expect(bare.summary.fail).toBeGreaterThan(0)
    // Without --verbose the table gets sanitizeShown's copy (passes reduced to counts), with it the whole report.
    for (const [verbose, clean] of [[false, sanitizeShown], [true, sanitizeDeep]] as const) {
      const ctx = {catalogue: allChecks, color: false, verbose, width: 100}
      expect(await renderReport('table', clean(bare), ctx)).toBe(await renderReport('table', clean(stamped), ctx))
    }
    expect(await renderReport('table', sanitizeShown(stamped), {catalogue: allChecks, color: false, verbose: false, width: 100}))
      .toBe(await renderReport('table', sanitizeDeep(stamped), {catalogue: allChecks, color: false, verbose: false, width: 100}))
  })

  it('needsFingerprints: every format but the table, a --write of one, and the baselines', async () => {
    const {needsFingerprints} = await import('../../src/report-flags.js')
    const flags = (more: Record<string, unknown>) => ({output: 'table', json: false, write: [] as string[], ...more})
    expect(needsFingerprints(flags({}))).toBe(false)
    expect(needsFingerprints(flags({write: ['table=t.txt']}))).toBe(false)
    for (const more of [{output: 'json'}, {json: true}, {output: 'sarif'}, {output: 'junit'}, {write: ['sarif=r.sarif']}, {baseline: 'b.json'}, {'write-baseline': 'b.json'}]) {
      expect([more, needsFingerprints(flags(more))]).toEqual([more, true])
    }
  })
})

describe('passes only counted when nothing reads more of them', () => {
  it('countPasses keeps every pass (check, status, severity) without message, evidence or resource; the rest, the summary and the table are the same', async () => {
    const {allChecks} = await import('../../src/checks/index.js')
    const {renderReport} = await import('../../src/report/index.js')
    const {sanitizeShown} = await import('../../src/report-flags.js')
    const {withFault, IDS} = await import('../support/snapshot-builder.js')
    const snapshot = withFault(x => { x.mountTargets!.find(m => m.id === IDS.mountTargets.b)!.lifeCycleState = 'deleting' })
    const full = runChecks(allChecks, snapshot, {fingerprints: false})
    const counted = runChecks(allChecks, snapshot, {fingerprints: false, countPasses: true})
    expect(full.summary.pass).toBeGreaterThan(10)
    expect(full.summary.fail).toBeGreaterThan(0)
    expect(counted.summary).toEqual(full.summary)
    expect(counted.findings.length).toBe(full.findings.length)
    full.findings.forEach((f, i) => {
      const c = counted.findings[i]
      if (f.status !== 'pass') return expect(c).toEqual(f)
      expect(f.message).not.toBe('')
      expect({...c, resource: undefined}).toEqual({status: 'pass', resource: undefined, message: '', checkId: f.checkId, title: f.title, severity: f.severity})
    })
    // Without fingerprints to stamp, a check's counted passes are one object; with them (stamped one by one), one each.
    const firstPass = counted.findings.find(f => f.status === 'pass')!
    expect(counted.findings.filter(f => f === firstPass).length).toBe(full.findings.filter(f => f.status === 'pass' && f.checkId === firstPass.checkId).length)
    const stamped = runChecks(allChecks, snapshot, {countPasses: true})
    expect(new Set(stamped.findings).size).toBe(stamped.findings.length)
    expect(stamped.summary).toEqual(full.summary)
    const ctx = {catalogue: allChecks, color: false, verbose: false, width: 100}
    expect(await renderReport('table', sanitizeShown(counted), ctx)).toBe(await renderReport('table', sanitizeShown(full), ctx))
  })

  it('the per-instance loops cut a pass down as soon as it is made, only in a run that counts passes (asKept)', async () => {
    const {COUNTED_PASS, ONLY_COUNTS_PASSES} = await import('../../src/core/define-check.js')
    const {withMemo} = await import('../../src/core/memo.js')
    const {withHostFacts: healthy} = await import('../support/host-facts.js')
    const {port2049Reachable: reachable} = await import('../../src/checks/host/port-2049-reachable.js')
    const {mountTargetSgAllowsNfs: sgIn} = await import('../../src/checks/network/mount-target-sg-allows-nfs.js')
    for (const check of [reachable, sgIn]) {
      const whole = check.run(healthy())
      const passes = whole.filter(o => o.status === 'pass')
      expect(passes.length).toBeGreaterThan(0)
      expect(passes.every(o => o.message !== '' && o.evidence !== undefined)).toBe(true)
      const counted = check.run(withMemo(healthy(), {[ONLY_COUNTS_PASSES]: true}))
      expect(counted.map(o => o.status)).toEqual(whole.map(o => o.status))
      counted.forEach((o, i) => expect(o).toBe(o.status === 'pass' ? COUNTED_PASS : o))
      counted.forEach((o, i) => o.status !== 'pass' && expect(o).toEqual(whole[i]))
    }
  })

  it('passFor builds the message and extras of a pass only when the run keeps them', async () => {
    const {COUNTED_PASS, ONLY_COUNTS_PASSES, passFor} = await import('../../src/core/define-check.js')
    const {withMemo} = await import('../../src/core/memo.js')
    const r = {type: 'ec2-instance' as const, id: 'i-1'}
    let built = 0
    const message = () => { built++; return 'i-1 is fine.' }
    const extra = () => { built++; return {evidence: {a: 1}} }
    expect(passFor(withMemo({}, {[ONLY_COUNTS_PASSES]: true}), r, message, extra)).toBe(COUNTED_PASS)
    expect(COUNTED_PASS).toEqual({status: 'pass', resource: expect.anything(), message: ''})
    expect(built).toBe(0)
    expect(passFor({}, r, message, extra)).toEqual({status: 'pass', resource: r, message: 'i-1 is fine.', evidence: {a: 1}})
    expect(built).toBe(2)
  })

  it('onlyCountsPasses: the table alone, without --verbose or baselines', async () => {
    const {onlyCountsPasses} = await import('../../src/report-flags.js')
    const flags = (more: Record<string, unknown>) => ({output: 'table', json: false, write: [] as string[], verbose: false, ...more})
    expect(onlyCountsPasses(flags({}))).toBe(true)
    expect(onlyCountsPasses(flags({write: ['table=t.txt']}))).toBe(true)
    for (const more of [{verbose: true}, {output: 'json'}, {json: true}, {write: ['sarif=r.sarif']}, {baseline: 'b.json'}, {'write-baseline': 'b.json'}]) {
      expect([more, onlyCountsPasses(flags(more))]).toEqual([more, false])
    }
  })
})

describe('countPasses with ignore rules', () => {
  it('ignores mark the same findings (never a pass), so the summary matches the full run', async () => {
    const {allChecks} = await import('../../src/checks/index.js')
    const {withFault, IDS} = await import('../support/snapshot-builder.js')
    const snapshot = withFault(x => { x.mountTargets!.find(m => m.id === IDS.mountTargets.b)!.lifeCycleState = 'deleting' })
    const probe = runChecks(allChecks, snapshot, {fingerprints: false})
    const failing = probe.findings.find(f => f.status === 'fail')!
    const passing = probe.findings.find(f => f.status === 'pass')!
    const ignores = [{checkId: failing.checkId, reason: 'known'}, {checkId: passing.checkId, resource: passing.resource.id, reason: 'a pass'}]
    const full = runChecks(allChecks, snapshot, {fingerprints: false, ignores})
    const counted = runChecks(allChecks, snapshot, {fingerprints: false, ignores, countPasses: true})
    expect(full.summary.ignored).toBeGreaterThan(0)
    expect(counted.summary).toEqual(full.summary)
    expect(counted.findings.filter(f => f.ignored)).toEqual(full.findings.filter(f => f.ignored))
  })
})
