import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {efsDnsName} from '../../src/remote/mount-plan.js'
import {
  allMountTargetIps, expectedPaths, instancesToProbe, mountTargetIps, probeInputs, probeInstances, toHostFacts,
} from '../../src/remote/probe.js'
import type {InvocationResult, RunOptions, SsmRunner} from '../../src/remote/ssm-runner.js'
import {healthy, IDS, withFault} from '../support/snapshot-builder.js'

/** A runner that really executes the command with bash on this machine (once per call) and records its calls. */
class LocalRunner implements SsmRunner {
  calls: {ids: string[]; script: string; opts: RunOptions}[] = []
  constructor(private readonly env: NodeJS.ProcessEnv) {}
  async run(instanceIds: string[], script: string, opts: RunOptions): Promise<InvocationResult[]> {
    this.calls.push({ids: instanceIds, script, opts})
    // stdin not a socket: bash -c with a socket on stdin (Node's default pipe) thinks sshd started it and reads ~/.bashrc.
    const r = spawnSync('bash', ['-c', script], {env: this.env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe']})
    return instanceIds.map(instanceId => ({instanceId, status: r.status === 0 ? 'Success' : 'Failed', exitCode: r.status ?? -1,
      stdout: r.stdout, stderr: r.stderr}))
  }
}

let dir: string
let server: Server
let port: number

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'efsd-probe-ts-'))
  mkdirSync(join(dir, 'etc'), {recursive: true})
  writeFileSync(join(dir, 'etc/fstab'), 'fs-0a1b2c3d4e5f60718:/ /mnt/efs efs _netdev,noresvport,tls 0 0\n')
  writeFileSync(join(dir, 'etc/os-release'), 'ID="amzn"\nVERSION_ID="2023"\nPRETTY_NAME="Amazon Linux 2023"\n')
  server = createServer(sock => sock.end())
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as {port: number}).port
})

afterAll(async () => {
  rmSync(dir, {recursive: true, force: true})
  await new Promise(resolve => server.close(resolve))
})

function localEnv(): NodeJS.ProcessEnv {
  // docker is kept off PATH's fake dirs; EFSD_ROOT points file reads at the temp tree.
  return {PATH: process.env.PATH, EFSD_ROOT: dir, EFSD_NFS_PORT: String(port), EFSD_CMD_TIMEOUT: '1', EFSD_IMDS: '127.0.0.1:1'}
}

describe('probe inputs', () => {
  test('DNS names per file system, .com.cn in China regions', () => {
    expect(efsDnsName('fs-12345678', 'eu-west-1')).toBe('fs-12345678.efs.eu-west-1.amazonaws.com')
    expect(efsDnsName('fs-12345678', 'cn-north-1')).toBe('fs-12345678.efs.cn-north-1.amazonaws.com.cn')
    expect(probeInputs(healthy(), IDS.instances[0]).fsDnsNames).toEqual([`${IDS.fs}.efs.eu-west-1.amazonaws.com`])
  })

  test('mountTargetIps: the mount target of the instance\'s own AZ (matched by AZ id)', () => {
    expect(mountTargetIps(healthy(), IDS.instances[0])).toEqual(['10.20.1.25'])
    expect(mountTargetIps(healthy(), IDS.instances[2])).toEqual(['10.20.5.25'])
    const noMt = withFault(s => { s.mountTargets = s.mountTargets!.filter(m => m.azName !== 'eu-west-1a') })
    expect(mountTargetIps(noMt, IDS.instances[0])).toEqual([])
  })

  test('the probe is told every mount-target IP in scope, the same for instances in any AZ', () => {
    expect(allMountTargetIps(healthy())).toEqual(['10.20.1.25', '10.20.5.25', '10.20.9.25'])
    expect(probeInputs(healthy(), IDS.instances[0])).toEqual(probeInputs(healthy(), IDS.instances[4]))
    expect(probeInputs(healthy(), IDS.instances).mountTargetIps).toEqual(['10.20.1.25', '10.20.5.25', '10.20.9.25'])
    const deleted = withFault(s => { s.mountTargets![0].lifeCycleState = 'deleted' })
    expect(allMountTargetIps(deleted)).toHaveLength(2)
  })

  test('expected paths: UserData mount points and task-definition source paths', () => {
    expect(expectedPaths(healthy(), IDS.instances[0])).toEqual(['/mnt/efs', '/mnt/efs/shared'])
  })

  test('probes ACTIVE container instances with a connected agent only', () => {
    const s = withFault(x => {
      x.containerInstances![0].agentConnected = false
      x.containerInstances![1].status = 'DRAINING'
    })
    expect(instancesToProbe(s)).toEqual(IDS.instances.slice(2))
  })
})

describe('probeInstances', () => {
  test('one identical command for every instance across the three AZs: one runner call', async () => {
    const runner = new LocalRunner(localEnv())
    runner.run = async (ids, script, opts) => {
      runner.calls.push({ids, script, opts})
      return ids.map(instanceId => ({instanceId, status: 'NotManaged', stdout: '', stderr: '', reason: 'not managed'}))
    }
    const facts = await probeInstances(runner, healthy(), IDS.instances, {timeoutSeconds: 45})
    expect(runner.calls.map(c => c.ids)).toEqual([IDS.instances])
    expect(runner.calls[0].opts).toMatchObject({timeoutSeconds: 45, waitSeconds: 75})
    expect(runner.calls[0].script).toContain("export EFSD_MT_IPS='10.20.1.25 10.20.5.25 10.20.9.25'")
    expect(runner.calls[0].script).toContain("export EFSD_EXPECTED_PATHS='/mnt/efs /mnt/efs/shared'")
    expect(Object.values(facts).map(f => f.status)).toEqual(Array(6).fill('not-managed'))
  })

  test('runs the real probe.sh through bash and parses what it printed', async () => {
    const s = withFault(x => {
      for (const mt of x.mountTargets!) mt.ipAddress = '127.0.0.1'
      x.taskDefinitions![0].volumes[0].host = {sourcePath: "/mnt/efs/it's"}
    })
    const runner = new LocalRunner(localEnv())
    const facts = await probeInstances(runner, s, IDS.instances.slice(0, 2), {timeoutSeconds: 30})
    expect(runner.calls).toHaveLength(1)
    const f = facts[IDS.instances[0]]
    expect(f.status).toBe('ok')
    expect(f.facts!.complete).toBe(true)
    expect(f.facts!.tcp).toEqual([{ip: '127.0.0.1', port, status: 'open'}])
    expect(f.facts!.dns.map(d => d.name)).toEqual([`${IDS.fs}.efs.eu-west-1.amazonaws.com`])
    // A path with a quote is not a plain path (the allow-list of `mount --path`): it is never sent to the host.
    expect(runner.calls[0].script).toContain("export EFSD_EXPECTED_PATHS='/mnt/efs'")
    expect(f.facts!.expectedPaths.map(p => p.path)).toEqual(['/mnt/efs'])
    expect(f.facts!.fstab[0]).toMatchObject({device: 'fs-0a1b2c3d4e5f60718:/', mountPoint: '/mnt/efs', fstype: 'efs'})
    expect(facts[IDS.instances[1]].status).toBe('ok')
  })

  test('a runner that throws leaves the hosts as error, not the run lost', async () => {
    const runner: SsmRunner = {run: async () => { throw new Error('boom') }}
    const facts = await probeInstances(runner, healthy(), [IDS.instances[0]])
    expect(facts[IDS.instances[0]]).toEqual({instanceId: IDS.instances[0], status: 'error', reason: 'boom'})
  })
})

describe('toHostFacts', () => {
  const r = (x: Partial<InvocationResult>): InvocationResult => ({instanceId: 'i-1', status: 'Success', stdout: '', stderr: '', ...x})

  test.each([
    ['NotManaged', 'not-managed'], ['Undeliverable', 'offline'], ['DeliveryTimedOut', 'offline'], ['InvalidPlatform', 'not-linux'],
    ['TimedOut', 'timed-out'], ['ExecutionTimedOut', 'timed-out'], ['Failed', 'failed'], ['Cancelled', 'failed'],
    ['Terminated', 'failed'], ['AccessDenied', 'error'], ['Error', 'error'],
  ] as const)('%s → %s with the reason', (status, expected) => {
    expect(toHostFacts(r({status, reason: 'because'}))).toEqual({instanceId: 'i-1', status: expected, reason: 'because'})
  })

  test('a failed run\'s reason (the host\'s stderr) has its secrets redacted', () => {
    const h = toHostFacts(r({status: 'Failed', reason: 'the script exited with code 1: curl -H "Authorization: Bearer abcdef123456" failed'}))
    expect(h).toMatchObject({status: 'failed', reason: expect.stringContaining('Bearer ***REDACTED***')})
    expect(h.reason).not.toContain('abcdef123456')
  })

  test('output without the header, cut by SSM, or without END is unparseable', () => {
    expect(toHostFacts(r({stdout: 'bash: line 1: syntax error'})).status).toBe('unparseable')
    // moto's SendCommand: Success at once, with no output at all.
    expect(toHostFacts(r({stdout: '', stderr: ''}))).toEqual({instanceId: 'i-1', status: 'unparseable', reason: 'SSM reported the command as successful but returned no output'})
    expect(toHostFacts(r({stdout: 'EFSD\t1\t1\nEND\t10\n', truncated: true}))).toMatchObject({status: 'unparseable', reason: expect.stringMatching(/24,000/)})
    expect(toHostFacts(r({stdout: 'EFSD\t1\t1\nKERNEL\t6.1\n'}))).toMatchObject({status: 'unparseable', reason: expect.stringMatching(/END/)})
    expect(toHostFacts(r({stdout: 'EFSD\t1\t1\nKERNEL\t6.1\nEND\t20\n'})).status).toBe('ok')
  })
})
