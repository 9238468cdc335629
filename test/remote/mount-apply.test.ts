import {applyMount, describeState, mountExitCode, mountScript, parseResultLine} from '../../src/remote/mount-apply.js'
import {planMount, validateMountRequest} from '../../src/remote/mount-plan.js'
import type {InvocationResult, RunOptions, SsmRunner} from '../../src/remote/ssm-runner.js'
import {healthy, IDS, withFault} from '../support/snapshot-builder.js'

const PATH = '/mnt/efs'
const DNS = `${IDS.fs}.efs.eu-west-1.amazonaws.com`

/** Fake runner: mount commands answer per instance from `mountAnswers`; probe commands report the mount state. */
class FakeRunner implements SsmRunner {
  calls: {ids: string[]; script: string; opts: RunOptions}[] = []
  mounted = new Set<string>()
  constructor(private readonly mountAnswers: Record<string, Partial<InvocationResult>> = {}) {}

  async run(instanceIds: string[], script: string, opts: RunOptions): Promise<InvocationResult[]> {
    this.calls.push({ids: instanceIds, script, opts})
    if (script.includes('efsdoctor-probe')) {
      return instanceIds.map(id => ({instanceId: id, status: 'Success', exitCode: 0, stderr: '',
        stdout: ['EFSD\t1\ttest', ...this.mounted.has(id) ? [`MOUNT\t${PATH}\t${DNS}:/\tnfs4\trw,vers=4.1`, `FSTAB\t${DNS}:/\t${PATH}\tnfs4\t_netdev,nofail`] : [], 'END', ''].join('\n')}))
    }
    return instanceIds.map(id => {
      const answer = this.mountAnswers[id] ?? {status: 'Success', exitCode: 0,
        stdout: 'EFSD_RESULT status=applied method=nfs mount=mounted fstab=added backup=/etc/fstab.efsdoctor.x.bak\n'}
      if (answer.exitCode === 0) this.mounted.add(id)
      return {instanceId: id, status: 'Success', stdout: '', stderr: '', ...answer} as InvocationResult
    })
  }

  mountCalls() { return this.calls.filter(c => c.script.includes('efsdoctor-mount')) }
}

const plan = (ids: string[], snapshot = healthy()) =>
  planMount(validateMountRequest({fileSystemId: IDS.fs, path: PATH, method: 'nfs'}), snapshot, ids, mountScript())

describe('parseResultLine', () => {
  test('reads status, fields and a reason with spaces', () => {
    expect(parseResultLine('noise\nEFSD_RESULT status=refused reason=/mnt/efs is not empty (use --allow-non-empty)\n')).toEqual({
      status: 'refused', fields: {}, reason: '/mnt/efs is not empty (use --allow-non-empty)'})
    expect(parseResultLine('EFSD_RESULT status=unchanged method=efs mount=present fstab=present')).toEqual({
      status: 'unchanged', fields: {method: 'efs', mount: 'present', fstab: 'present'}, reason: undefined})
  })

  test('no result line, or a bogus status → undefined', () => {
    expect(parseResultLine('bash: line 1: syntax error')).toBeUndefined()
    expect(parseResultLine('EFSD_RESULT status=pwned')).toBeUndefined()
  })
})

describe('applyMount', () => {
  test('passes rate control through, batches by 50 and groups instances sharing a command', async () => {
    const ids = Array.from({length: 60}, (_, i) => `i-${(i + 0x100).toString(16).padStart(17, '0')}`)
    const s = withFault(x => {
      for (const id of ids) x.instances![id] = {...x.instances![IDS.instances[0]], id}
    })
    const runner = new FakeRunner()
    const results = await applyMount(runner, plan(ids, s), {maxConcurrency: '5', maxErrors: '1', probe: false})
    const calls = runner.mountCalls()
    expect(calls.map(c => c.ids.length)).toEqual([50, 10])
    for (const c of calls) expect(c.opts).toMatchObject({maxConcurrency: '5', maxErrors: '1', timeoutSeconds: 600})
    expect(calls[0].opts.comment).toBe(`efsdoctor mount ${IDS.fs} at ${PATH}`)
    expect(results.every(r => r.status === 'applied')).toBe(true)
    expect(mountExitCode(results)).toBe(0)
  })

  test('instances in different AZs get different commands (their own mount target)', async () => {
    const s = withFault(x => { x.vpcs![IDS.vpc].enableDnsSupport = false })
    const runner = new FakeRunner()
    await applyMount(runner, plan([IDS.instances[0], IDS.instances[2]], s), {probe: false})
    const calls = runner.mountCalls()
    expect(calls).toHaveLength(2)
    expect(calls[0].script).toContain('export EFSD_TARGET=\'10.20.1.25\'')
    expect(calls[1].script).toContain('export EFSD_TARGET=\'10.20.5.25\'')
  })

  test('partial failures are reported per instance and make the exit code 1', async () => {
    const [a, b, c, d, e] = IDS.instances
    const runner = new FakeRunner({
      [b]: {status: 'Failed', exitCode: 3, stdout: 'EFSD_RESULT status=unchanged method=nfs mount=present fstab=present\n'},
      [c]: {status: 'Failed', exitCode: 5, stdout: 'EFSD_RESULT status=failed method=nfs reason=mount of x:/ at /mnt/efs failed (exit 32)\n'},
      [d]: {status: 'Undeliverable', reason: 'instance is not managed by SSM (no ping)'},
      [e]: {status: 'Failed', exitCode: 4, stdout: '', stderr: 'efsdoctor: refused: /mnt/efs is not empty\n'},
    })
    const results = await applyMount(runner, plan([a, b, c, d, e]), {probe: false})
    expect(results.map(r => [r.instanceId, r.status])).toEqual([[a, 'applied'], [b, 'unchanged'], [c, 'failed'], [d, 'failed'], [e, 'refused']])
    expect(results[2].reason).toBe('mount of x:/ at /mnt/efs failed (exit 32)')
    expect(results[3].reason).toBe('instance is not managed by SSM (no ping)')
    expect(results[4].reason).toBe('efsdoctor: refused: /mnt/efs is not empty')
    expect(mountExitCode(results)).toBe(1)
    expect(mountExitCode(results.filter(r => r.status !== 'failed' && r.status !== 'refused'))).toBe(0)
  })

  test('reasons quoted from the host have their secrets redacted', async () => {
    const [a, b] = IDS.instances
    const runner = new FakeRunner({
      [a]: {status: 'Failed', exitCode: 5, stderr: 'Errors during downloading metadata for repository https://deploy:s3cr3t-pass@repo.example.com/el9\n'},
      [b]: {status: 'Failed', exitCode: 5, stdout: 'EFSD_RESULT status=failed reason=install failed: password=hunter2-secret\n'},
    })
    const results = await applyMount(runner, plan([a, b]), {probe: false})
    expect(results[0].reason).toContain('https://deploy:***REDACTED***@repo.example.com')
    expect(results[1].reason).toBe('install failed: password=***REDACTED***')
    expect(JSON.stringify(results)).not.toMatch(/s3cr3t-pass|hunter2-secret/)
  })

  test('instances whose AZ has no mount target are skipped, never sent', async () => {
    const s = withFault(x => { x.mountTargets = x.mountTargets!.filter(m => m.id !== IDS.mountTargets.a) })
    const runner = new FakeRunner()
    const results = await applyMount(runner, plan([IDS.instances[0], IDS.instances[2]], s), {probe: false})
    expect(results[0]).toMatchObject({status: 'skipped'})
    expect(results[0].reason).toContain('no mount target in eu-west-1a')
    expect(runner.mountCalls().flatMap(c => c.ids)).toEqual([IDS.instances[2]])
    expect(mountExitCode(results)).toBe(1)
  })

  test('probes before and after and reports the change', async () => {
    const [a, b] = IDS.instances
    const runner = new FakeRunner({[b]: {status: 'Failed', exitCode: 5, stdout: 'EFSD_RESULT status=failed reason=boom\n'}})
    const results = await applyMount(runner, plan([a, b]))
    expect(runner.calls.map(c => c.script.includes('efsdoctor-probe') ? 'probe' : 'mount')).toEqual(['probe', 'mount', 'probe'])
    expect(runner.calls[0].script).toContain('export EFSD_EXPECTED_PATHS=\'/mnt/efs\'')
    expect(results[0].before).toEqual({known: true, mounted: false, fstab: false})
    expect(results[0].after).toEqual({known: true, mounted: true, source: `${DNS}:/`, fstype: 'nfs4', fstab: true})
    expect(describeState(results[0].after)).toBe(`mounted nfs4 ${DNS}:/, in fstab`)
    expect(results[1].after).toMatchObject({mounted: false})
  })
})
