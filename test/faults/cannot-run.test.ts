/**
 * Runs that cannot work at all, through the real `check` command and SDK clients: an endpoint that refuses
 * connections, a host name that does not resolve, expired credentials and a wrong region (the cluster is not
 * there) all exit 2 with one line on stderr and no stack trace.
 */
import {captureOutput} from '@oclif/test'
import {createServer} from 'node:net'
import Check from '../../src/commands/check.js'
import {startFakeAws, type FakeAws} from './harness.js'

const root = process.cwd()

async function run(argv: string[]) {
  process.exitCode = undefined
  const out = await captureOutput(() => Check.run([...argv, '--no-probe', '--output', 'json'], {root}))
  const code = (out.error as {oclif?: {exit?: number}} | undefined)?.oclif?.exit ?? (process.exitCode as number | undefined) ?? 0
  process.exitCode = undefined
  return {...out, code}
}

function expectOneLine(r: {stdout: string; stderr: string; code: number}, pattern: RegExp): void {
  expect(r.code).toBe(2)
  expect(r.stdout).toBe('')
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^efsdoctor: /)
  expect(lines[0]).toMatch(pattern)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}

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
    expectOneLine(r, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`))
  }, 60_000)

  it('DNS failure (an .invalid host never resolves)', async () => {
    const r = await run(['--cluster', 'prod', '--endpoint-url', 'http://efsdoctor-test.invalid'])
    expectOneLine(r, /cannot reach http:\/\/efsdoctor-test\.invalid \((ENOTFOUND|EAI_AGAIN)\)/)
  }, 60_000)

  it.each([
    ['expired credentials (ECS ExpiredTokenException)', {code: 'ExpiredTokenException', message: 'The security token included in the request is expired'}],
    ['expired credentials (EC2 AuthFailure)', {code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials', status: 401,
      actions: ['ec2:DescribeInstances']}],
    ['invalid access key (UnrecognizedClientException)', {code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.'}],
  ])('%s', async (_name, everyCall) => {
    fake.faults = {everyCall}
    const r = await run(['--cluster', 'prod', '--endpoint-url', fake.url])
    expectOneLine(r, new RegExp(`credentials not usable \\(${everyCall.code}\\)`))
  })

  it('wrong region: the cluster is not there (DescribeClusters MISSING)', async () => {
    const r = await run(['--cluster', 'prod-elsewhere', '--endpoint-url', fake.url, '--region', 'us-east-2'])
    expectOneLine(r, /cluster "prod-elsewhere" not found in us-east-2/)
  })

  it('wrong region: ClusterNotFoundException from a list call', async () => {
    fake.faults = {everyCall: {code: 'ClusterNotFoundException', message: 'Cluster not found.', actions: ['ecs:DescribeClusters', 'ecs:ListContainerInstances']}}
    const r = await run(['--cluster', 'prod', '--endpoint-url', fake.url, '--region', 'ap-southeast-2'])
    expectOneLine(r, /cluster "prod" not found in ap-southeast-2/)
  })
})
