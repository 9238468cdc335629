import Mount, {type MountDeps} from '../../src/commands/mount.js'
import Userdata from '../../src/commands/userdata.js'
import type {Snapshot} from '../../src/model/snapshot.js'
import type {ProbeFacts} from '../../src/model/probe-facts.js'
import {userDataSnippet} from '../../src/remote/user-data-snippet.js'
import type {InvocationResult, RunOptions, SsmRunner} from '../../src/remote/ssm-runner.js'
import {healthy, IDS} from '../support/snapshot-builder.js'
import {runCommand} from '../support/run-command.js'

const [I1, I2, I3] = IDS.instances
const BASE = ['--file-system', IDS.fs, '--path', '/mnt/efs']

const run = (cmd: typeof Mount | typeof Userdata, argv: string[]) => runCommand(cmd, argv)

class FakeRunner implements SsmRunner {
  calls: {ids: string[]; script: string; opts: RunOptions}[] = []
  constructor(private readonly fail: Set<string> = new Set()) {}
  async run(ids: string[], script: string, opts: RunOptions): Promise<InvocationResult[]> {
    this.calls.push({ids, script, opts})
    if (script.includes('efsdoctor-probe')) {
      return ids.map(id => ({instanceId: id, status: 'Success', exitCode: 0, stderr: '', stdout: 'EFSD\t1\tt\nEND\n'}))
    }
    return ids.map(id => this.fail.has(id)
      ? {instanceId: id, status: 'Failed', exitCode: 5, stderr: '', stdout: 'EFSD_RESULT status=failed method=nfs reason=mount failed (exit 32)\n'}
      : {instanceId: id, status: 'Success', exitCode: 0, stderr: '', stdout: 'EFSD_RESULT status=applied method=nfs mount=mounted fstab=added\n'})
  }
}

let runner: FakeRunner
let runnerCreated: number
let inventoryCalls: {cluster?: string; instanceIds?: string[]}[]
let snapshot: Snapshot

beforeEach(() => {
  runner = new FakeRunner()
  runnerCreated = 0
  inventoryCalls = []
  snapshot = healthy()
  const deps: MountDeps = {
    inventory: async opts => { inventoryCalls.push(opts); return snapshot },
    runner: async () => { runnerCreated++; return runner },
  }
  Mount.deps = deps
})

const mountCalls = () => runner.calls.filter(c => c.script.includes('efsdoctor-mount'))

describe('efsdoctor mount', () => {
  test('without --yes and stdin not a TTY: exit 2 with a clear line, nothing read or sent', async () => {
    const r = await run(Mount, ['--instance', I1, ...BASE])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('stdin is not a terminal: add --yes')
    expect(inventoryCalls).toEqual([])
    expect(runnerCreated).toBe(0)
  })

  test('--dry-run prints the plan (target per AZ, fstab line, header) and never creates a runner', async () => {
    const r = await run(Mount, ['--instance', I1, '--instance', I3, ...BASE, '--method', 'nfs', '--dry-run'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`${I1}: ${IDS.mountTargets.a} in eu-west-1a by DNS name`)
    expect(r.stdout).toContain(`${I3}: ${IDS.mountTargets.b} in eu-west-1b by DNS name`)
    expect(r.stdout).toContain(`fstab: ${IDS.fs}.efs.eu-west-1.amazonaws.com:/ /mnt/efs nfs4 nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev,nofail 0 0`)
    expect(r.stdout).toContain(`export EFSD_FS_ID='${IDS.fs}'`)
    expect(runnerCreated).toBe(0)
    expect(runner.calls).toEqual([])
    // It says that nothing was sent, and exits 0: both instances have a mount target in their AZ.
    expect(r.stdout).toContain(`Would send to ${I1} (AWS-RunShellScript)`)
    expect(r.stdout).not.toMatch(/^Sent to/m)
    expect(r.stdout).toContain('Dry run: nothing was sent.')
    expect(r.code).toBe(0)
  })

  test('--dry-run warns when the file-system policy would refuse the mount as planned, and not once it admits it', async () => {
    const cdkDefault = {Effect: 'Allow', Principal: {AWS: '*'}, Action: ['elasticfilesystem:ClientRootAccess', 'elasticfilesystem:ClientWrite'], Condition: {Bool: {'elasticfilesystem:AccessedViaMountTarget': 'true'}}}
    snapshot.fileSystemPolicies = {[IDS.fs]: JSON.stringify({Version: '2012-10-17', Statement: [cdkDefault]})}
    const refused = await run(Mount, ['--instance', I1, ...BASE, '--method', 'nfs', '--dry-run'])
    expect(refused.stdout).toContain(`note: the file-system policy of ${IDS.fs} would refuse this mount ("access denied by server")`)
    const admitted = await run(Mount, ['--instance', I1, ...BASE, '--tls', '--iam', '--dry-run'])
    expect(admitted.stdout).not.toContain('would refuse this mount')
  })

  test('--dry-run exits 1 when a real run would skip an instance (no mount target in its AZ)', async () => {
    snapshot.mountTargets = snapshot.mountTargets!.filter(m => m.id !== IDS.mountTargets.b)
    const r = await run(Mount, ['--instance', I1, '--instance', I3, ...BASE, '--method', 'nfs', '--dry-run'])
    expect(r.code).toBe(1)
    expect(runner.calls).toEqual([])
  })

  test('--yes applies with rate control passed through and prints a per-instance table', async () => {
    const r = await run(Mount, ['--instance', I1, ...BASE, '--yes', '--max-concurrency', '25%', '--max-errors', '2'])
    expect(r.code).toBe(0)
    expect(mountCalls()).toHaveLength(1)
    expect(mountCalls()[0].opts).toMatchObject({maxConcurrency: '25%', maxErrors: '2', timeoutSeconds: 600})
    expect(r.stdout).toMatch(new RegExp(`${I1}.*applied`))
    expect(r.stdout).toContain('1 applied, 0 unchanged, 0 refused, 0 failed, 0 skipped')
    // Probed before and after with the full host probe, then the host checks re-run on that instance.
    expect(runner.calls.map(c => c.script.includes('efsdoctor-probe') ? 'probe' : 'mount')).toEqual(['probe', 'mount', 'probe'])
    expect(r.stdout).toMatch(/Host checks on these instances: \d+ failing(, \d+ unknown)? before → \d+ failing(, \d+ unknown)? after\./)
  })

  test('a failed instance makes the exit code 1; json output lists each instance', async () => {
    runner = new FakeRunner(new Set([I2]))
    const r = await run(Mount, ['--instance', I1, '--instance', I2, ...BASE, '--yes', '--output', 'json'])
    expect(r.code).toBe(1)
    const out = JSON.parse(r.stdout) as {results: {instanceId: string; status: string; reason?: string}[]}
    expect(out.results.map(x => [x.instanceId, x.status])).toEqual([[I1, 'applied'], [I2, 'failed']])
    expect(out.results[1].reason).toBe('mount failed (exit 32)')
  })

  test('--cluster sends only to instances that lack the mount per the probe', async () => {
    const facts = (mounted: boolean): ProbeFacts => ({
      formatVersion: 1, probeVersion: 't', complete: true, clients: {mountNfs4: true, mountEfs: false}, packages: {}, services: {},
      dns: [], tcp: [], expectedPaths: [], containers: [], containerMounts: [], logs: [], truncated: [], efsStateFiles: [],
      mounts: mounted ? [{target: '/mnt/efs', source: `${IDS.fs}.efs.eu-west-1.amazonaws.com:/`, fstype: 'nfs4', options: []}] : [],
      fstab: mounted ? [{device: `${IDS.fs}.efs.eu-west-1.amazonaws.com:/`, mountPoint: '/mnt/efs', fstype: 'nfs4', options: []}] : [],
    })
    snapshot.hostFacts = Object.fromEntries(IDS.instances.map((id, i) => [id,
      i === 5 ? {instanceId: id, status: 'not-managed' as const, reason: 'no SSM agent'} : {instanceId: id, status: 'ok' as const, facts: facts(i < 2)}]))
    const r = await run(Mount, ['--cluster', 'prod', ...BASE, '--yes', '--output', 'json'])
    expect(inventoryCalls[0]).toMatchObject({cluster: 'prod', fileSystemId: IDS.fs})
    expect(mountCalls().flatMap(c => c.ids).sort()).toEqual(IDS.instances.slice(2, 5).sort())
    const out = JSON.parse(r.stdout) as {results: {instanceId: string; status: string}[]}
    const status = Object.fromEntries(out.results.map(x => [x.instanceId, x.status]))
    expect(status).toMatchObject({[I1]: 'unchanged', [I2]: 'unchanged', [I3]: 'applied', [IDS.instances[5]]: 'skipped'})
    expect(r.code).toBe(1)
    // Before-states come from the probe that picked the instances: only the after-probe is sent.
    expect(runner.calls.filter(c => c.script.includes('efsdoctor-probe')).flatMap(c => c.ids).sort()).toEqual(IDS.instances.slice(2, 5).sort())
    expect(Object.keys(JSON.parse(r.stdout))).toContain('hostChecks')
  })

  test.each([
    [['--instance', 'i-123', ...BASE, '--yes'], 'not an EC2 instance id'],
    [['--instance', I1, '--file-system', 'fs-1', '--path', '/mnt/efs', '--yes'], 'not an EFS file system id'],
    [['--instance', I1, '--file-system', IDS.fs, '--path', '/mnt/efs;reboot', '--yes'], 'absolute path'],
    [[...BASE, '--yes'], '--instance i-… (repeatable) or --cluster'],
    [['--instance', I1, ...BASE, '--yes', '--max-concurrency', '0'], '--max-concurrency'],
  ])('bad input %p → exit 2, nothing sent', async (argv, message) => {
    const r = await run(Mount, argv)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(message)
    expect(runnerCreated).toBe(0)
  })
})

describe('efsdoctor userdata', () => {
  test('prints the bash snippet', async () => {
    const r = await run(Userdata, [...BASE, '--tls'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(userDataSnippet({fileSystemId: IDS.fs, path: '/mnt/efs', tls: true}))
    expect(r.stdout).toContain('efs tls,_netdev,nofail 0 0')
  })

  test('cfn-yaml uses !Sub with the file system as given: the id, or a reference to the template\'s', async () => {
    const r = await run(Userdata, [...BASE, '--format', 'cfn-yaml'])
    expect(r.stdout).toContain('Fn::Base64: !Sub |')
    expect(r.stdout).toContain(`EFS_FS_ID='${IDS.fs}'`)
    expect(r.stdout).not.toContain('${FileSystemId}')
    const ref = await run(Userdata, ['--file-system', '${FileSystemId}', '--path', '/mnt/efs', '--format', 'cfn-yaml'])
    expect(ref.stdout).toContain('EFS_FS_ID=\'${FileSystemId}\'')
  })

  test('bad input → exit 2', async () => {
    const r = await run(Userdata, ['--file-system', IDS.fs, '--path', 'relative'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('absolute path')
  })
})
