/**
 * Real SDK clients (no mocks) against loopback only: the errors the SDK really raises for an unreachable endpoint
 * and for a profile that does not exist must become one-line UsageErrors.
 */
import {UsageError} from '../../src/core/errors.js'
import {createClients} from '../../src/inventory/aws-clients.js'
import {collectSnapshot} from '../../src/inventory/collect.js'
import {collectForMount} from '../../src/inventory/collect-for-mount.js'

const saved = {config: process.env.AWS_CONFIG_FILE, creds: process.env.AWS_SHARED_CREDENTIALS_FILE}
beforeAll(() => {
  process.env.AWS_CONFIG_FILE = '/nonexistent/efsdoctor-test-config'
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/efsdoctor-test-credentials'
})
afterAll(() => {
  if (saved.config === undefined) delete process.env.AWS_CONFIG_FILE
  else process.env.AWS_CONFIG_FILE = saved.config
  if (saved.creds === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE
  else process.env.AWS_SHARED_CREDENTIALS_FILE = saved.creds
})

it('an endpoint that refuses connections is a UsageError naming it', async () => {
  const clients = await createClients({region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:9'})
  const err = await collectSnapshot(clients, {cluster: 'prod'}).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(UsageError)
  expect((err as Error).message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/)
  expect((err as Error).message).not.toContain('\n')
})

it('the mount collector names the unreachable endpoint too', async () => {
  const clients = await createClients({region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:9'})
  const err = await collectForMount(clients, {instanceIds: ['i-0123456789abcdef0'], fileSystemId: 'fs-0123456789abcdef0', region: 'eu-west-1'})
    .catch((e: unknown) => e)
  expect(err).toBeInstanceOf(UsageError)
  expect((err as Error).message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/)
})

it('a profile that does not exist is a UsageError about credentials', async () => {
  const clients = await createClients({region: 'eu-west-1', profile: 'efsdoctor-no-such-profile', endpointUrl: 'http://127.0.0.1:9'})
  const err = await collectSnapshot(clients, {cluster: 'prod'}).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(UsageError)
  expect((err as Error).message).toMatch(/credentials/i)
})
