/**
 * Runs that cannot work at all, through the real `check` command and SDK clients: an endpoint that refuses
 * connections, a host name that does not resolve, expired credentials and a wrong region (the cluster is not
 * there) all exit 2 with one line on stderr and no stack trace.
 */
import {createServer} from 'node:net'
import Check from '../../src/commands/check.js'
import Explain from '../../src/commands/explain.js'
import {startFakeAws, type FakeAws} from './harness.js'
import {expectOneLineExit2, runCommand} from '../support/run-command.js'

const run = (argv: string[]) => runCommand(Check, [...argv, '--no-probe', '--output', 'json'])

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as {port: number}).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

describe('check exits 2 with one line when it cannot run', () => {
  let fake: FakeAws
  beforeAll(async () => {
    fake = await startFakeAws({instances: 3, latencyMs: 0, rateLimit: false})
    // NOTE: the first oclif run in a jest VM may print a one-off module-cache warning; absorb it here.
    await run(['--from', 'examples/snapshots/healthy.json'])
  })
  afterAll(async () => { await fake.stop() })
  afterEach(() => { fake.faults = {} })

  it('endpoint unreachable (closed loopback port)', async () => {
    const port = await closedPort()
    const r = await run(['--cluster', 'prod', '--endpoint-url', `http://127.0.0.1:${port}`])
    // The endpoint given is named, not "the AWS endpoint for <region>".
    expectOneLineExit2(r, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`))
  }, 60_000)

  it('every command words an unreachable endpoint the same way, in one line (check --preflight, explain --cluster)', async () => {
    const port = await closedPort()
    const url = `http://127.0.0.1:${port}`
    const same = new RegExp(`^efsdoctor: cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`)
    expectOneLineExit2(await run(['--cluster', 'prod', '--endpoint-url', url, '--preflight']), same)
    expectOneLineExit2(await runCommand(Explain, ['--cluster', 'prod', '--endpoint-url', url]), same)
  }, 60_000)

  it('--debug names the kind of failure (NetworkError), not UsageError', async () => {
    const port = await closedPort()
    const r = await run(['--cluster', 'prod', '--endpoint-url', `http://127.0.0.1:${port}`, '--debug'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^NetworkError: cannot reach/m)
    expect(r.stderr).not.toMatch(/UsageError/)
  }, 60_000)

  it('no region anywhere (flag, environment or profile)', async () => {
    const saved = {region: process.env.AWS_REGION, config: process.env.AWS_CONFIG_FILE, def: process.env.AWS_DEFAULT_REGION}
    delete process.env.AWS_REGION
    delete process.env.AWS_DEFAULT_REGION
    process.env.AWS_CONFIG_FILE = '/nonexistent/efsdoctor-test-config'
    try {
      const r = await run(['--cluster', 'prod', '--endpoint-url', fake.url])
      expectOneLineExit2(r, /no AWS region: pass --region, set AWS_REGION/)
      expect(fake.records).toEqual([])
    } finally {
      process.env.AWS_REGION = saved.region
      if (saved.config === undefined) delete process.env.AWS_CONFIG_FILE
      else process.env.AWS_CONFIG_FILE = saved.config
      if (saved.def !== undefined) process.env.AWS_DEFAULT_REGION = saved.def
    }
  }, 60_000)

  it('DNS failure (an .invalid host never resolves)', async () => {
    const r = await run(['--cluster', 'prod', '--endpoint-url', 'http://efsdoctor-test.invalid'])
    expectOneLineExit2(r, /cannot reach http:\/\/efsdoctor-test\.invalid \((ENOTFOUND|EAI_AGAIN)\)/)
  }, 60_000)

  it.each([
    ['expired credentials (ECS ExpiredTokenException)', {code: 'ExpiredTokenException', message: 'The security token included in the request is expired'}],
    ['expired credentials (EC2 AuthFailure)', {code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials', status: 401,
      actions: ['ec2:DescribeInstances']}],
    ['invalid access key (UnrecognizedClientException)', {code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.'}],
  ])('%s', async (_name, everyCall) => {
    fake.faults = {everyCall}
    const r = await run(['--cluster', 'prod', '--endpoint-url', fake.url])
    expectOneLineExit2(r, new RegExp(`credentials not usable \\(${everyCall.code}\\)`))
  })

  it('wrong region: the cluster is not there (DescribeClusters MISSING)', async () => {
    const r = await run(['--cluster', 'prod-elsewhere', '--endpoint-url', fake.url, '--region', 'us-east-2'])
    expectOneLineExit2(r, /cluster "prod-elsewhere" not found in us-east-2/)
  })

  it('wrong region: ClusterNotFoundException from a list call', async () => {
    fake.faults = {everyCall: {code: 'ClusterNotFoundException', message: 'Cluster not found.', actions: ['ecs:DescribeClusters', 'ecs:ListContainerInstances']}}
    const r = await run(['--cluster', 'prod', '--endpoint-url', fake.url, '--region', 'ap-southeast-2'])
    expectOneLineExit2(r, /cluster "prod" not found in ap-southeast-2/)
  })
})
