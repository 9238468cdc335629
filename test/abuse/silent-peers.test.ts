/**
 * Items 1 and 1b: silent and failing peers. An endpoint that accepts connections and never answers ends the run
 * at its deadline (exit 2 when nothing answered, else a report whose unknowns name the action and "timed out");
 * `mount --yes` stops waiting when reading the result keeps failing.
 */
import Check from '../../src/commands/check.js'
import Mount from '../../src/commands/mount.js'
import type {Report} from '../../src/core/types.js'
import {clientConfig, createSsmClient} from '../../src/inventory/aws-clients.js'
import {COLLECT_TIMEOUT, runTimeout} from '../../src/inventory/live.js'
import {createSsmRunner} from '../../src/remote/ssm-runner.js'
import {expectOneLineExit2, runCommand} from '../support/run-command.js'
import {withFake} from '../faults/harness.js'
import {bounded, silentServer, warmUp} from './bounded.js'

beforeAll(async () => {
  await warmUp()
  // NOTE: one full command run first, so the first bounded case does not pay for oclif's own start-up.
  await runCommand(Check, ['--from', 'examples/snapshots/healthy.json', '--json'])
})

describe('a silent endpoint', () => {
  it('check --no-probe: exit 2 with one line naming the deadline, within the bound', async () => {
    const peer = await silentServer()
    try {
      const r = await bounded(() => runCommand(Check, ['--cluster', 'prod', '--region', 'eu-west-1', '--endpoint-url', peer.url,
        '--no-probe', '--timeout', '1']))
      expectOneLineExit2(r, /cannot reach http:\/\/127\.0\.0\.1:\d+: no AWS call answered within 1s \(--timeout\)/)
    } finally {
      await peer.stop()
    }
  })

  it('check: one silent action becomes an unknown naming it and "timed out"; the report still prints', async () => {
    await withFake({instances: 3, faults: {silent: ['ec2:DescribeNetworkAcls']}}, async fake => {
      const r = await bounded(() => runCommand(Check, ['--cluster', 'prod', '--region', 'eu-west-1', '--endpoint-url', fake.url,
        '--no-probe', '--timeout', '1', '--json']))
      expect(r.stderr).toBe('')
      const report = JSON.parse(r.stdout) as Report
      const nacl = report.findings.filter(f => f.checkId === 'network/nacl-allows-nfs')
      expect(nacl.length).toBeGreaterThan(0)
      for (const f of nacl) expect(f.status).toBe('unknown')
      expect(nacl.some(f => /ec2:DescribeNetworkAcls failed \(TimedOut\): ec2:DescribeNetworkAcls timed out/.test(f.message))).toBe(true)
    })
  })

  it('the defaults: 3 s connect, 30 s per request, a run deadline ≤ 60 s without the probe that covers the probe with it', () => {
    expect(clientConfig({})).toMatchObject({requestHandler: {connectionTimeout: 3000, requestTimeout: 30000}})
    expect(clientConfig({connectTimeout: 1, requestTimeout: 2})).toMatchObject({requestHandler: {connectionTimeout: 1000, requestTimeout: 2000}})
    expect(runTimeout()).toBe(COLLECT_TIMEOUT)
    expect(runTimeout()).toBeLessThanOrEqual(60)
    expect(runTimeout(60)).toBeGreaterThan(COLLECT_TIMEOUT + 60)
  })

  it('the request timeout ends a request the endpoint never answers', async () => {
    const peer = await silentServer()
    try {
      const ssm = await createSsmClient({region: 'eu-west-1', endpointUrl: peer.url, requestTimeout: 1, sdkConfig: {maxAttempts: 1}})
      const {DescribeInstanceInformationCommand} = await import('@aws-sdk/client-ssm')
      await bounded(() => expect(ssm.send(new DescribeInstanceInformationCommand({}))).rejects.toMatchObject({name: 'TimeoutError'}))
    } finally {
      await peer.stop()
    }
  })
})

describe('mount --yes when reading the result keeps failing (HTTP 500)', () => {
  const saved = Mount.deps
  afterEach(() => { Mount.deps = saved })

  it('ends the wait: unknown per instance, the command id and how to look it up', async () => {
    await withFake({instances: 2, faults: {everyCall: {code: 'InternalFailure', status: 500,
      actions: ['ssm:ListCommandInvocations', 'ssm:GetCommandInvocation']}}}, async fake => {
      const id = fake.cluster.instanceIds[0]
      Mount.deps = {
        inventory: async () => { throw new Error('no inventory in this test') },
        runner: async () => createSsmRunner(await createSsmClient({region: 'eu-west-1', endpointUrl: fake.url, sdkConfig: {maxAttempts: 1}}),
          {pollMs: 5, maxPollMs: 10}),
      }
      const r = await bounded(() => runCommand(Mount, ['--instance', id, '--file-system', 'fs-0123456789abcdef0', '--path', '/mnt/efs',
        '--yes', '--timeout', '30', '--region', 'eu-west-1', '--method', 'efs-utils']))
      expect(r.code).toBe(1)
      expect(r.stdout).toMatch(new RegExp(`${id}.*unknown`, 's'))
      // NOTE: the table wraps the details column; read it with the borders and line breaks folded away.
      const folded = r.stdout.replace(/[│\s]+/g, ' ')
      expect(folded).toMatch(new RegExp(`${id} resolved on host unknown commandId=`))
      expect(folded).toMatch(/ — could not read the result /)
      expect(folded).toMatch(/\(InternalFailure: InternalFailure/)
      expect(r.stdout).toMatch(/^0 applied, 0 unchanged, 0 refused, 0 failed, 0 skipped, 1 unknown$/m)
      expect(r.stdout).toMatch(/the command may still be running on the host; look it up with: aws ssm list-command-invocations --command-id [\w-]+ --details/)
    })
  })
})

describe('an endpoint that answers, but not as AWS', () => {
  /** An HTTP server that answers every request with `status` and an HTML page (a proxy, the wrong port, a web app). */
  async function webServer(status: number): Promise<{url: string; stop: () => Promise<void>}> {
    const {createServer} = await import('node:http')
    const server = createServer((_req, res) => { res.writeHead(status, {'content-type': 'text/html'}); res.end('<!DOCTYPE html><html><body>Not here</body></html>') })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    return {url: `http://127.0.0.1:${(server.address() as {port: number}).port}`, stop: () => new Promise<void>(resolve => server.close(() => resolve()))}
  }

  it.each([200, 404])('HTML with status %i for every call: exit 2 with one line, never a green report of unknowns', async status => {
    const web = await webServer(status)
    try {
      const r = await bounded(() => runCommand(Check, ['--cluster', 'prod', '--region', 'eu-west-1', '--endpoint-url', web.url, '--no-probe', '--json']))
      expectOneLineExit2(r, /^efsdoctor: nothing could be read from http:\/\/127\.0\.0\.1:\d+: no AWS call got an answer from AWS \(first: \w+:\w+: /)
    } finally {
      await web.stop()
    }
  })

  it('every call denied is an answer: the report prints, each unknown naming the IAM action', async () => {
    await withFake({instances: 3, faults: {everyCall: {code: 'AccessDeniedException', message: 'not authorized', status: 400}}}, async fake => {
      const r = await bounded(() => runCommand(Check, ['--cluster', 'prod', '--region', 'eu-west-1', '--endpoint-url', fake.url, '--no-probe', '--json']))
      expect(r.code).not.toBe(2)
      const report = JSON.parse(r.stdout) as Report
      expect(report.summary.pass).toBe(0)
      expect(report.findings.some(f => f.status === 'unknown' && /ecs:\w+ failed \(AccessDeniedException\)/.test(f.message))).toBe(true)
    })
  })

  it('an --endpoint-url that is not an http(s) URL is a usage error before any call', async () => {
    for (const url of ['not-a-url', 'ftp://127.0.0.1/', 'http://']) {
      expectOneLineExit2(await runCommand(Check, ['--cluster', 'prod', '--region', 'eu-west-1', '--endpoint-url', url, '--no-probe']),
        /is not an http:\/\/ or https:\/\/ URL/)
    }
  })
})
