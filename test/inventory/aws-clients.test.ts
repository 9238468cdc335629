import {clientConfig, createClients} from '../../src/inventory/aws-clients.js'

/** Resolved client config values are either plain values or providers, depending on the field. */
const value = async (v: unknown): Promise<unknown> => (typeof v === 'function' ? (v as () => Promise<unknown>)() : v)

describe('createClients', () => {
  it('builds adaptive-retry clients with the region, profile and endpoint given', async () => {
    expect(clientConfig({region: 'eu-west-1', profile: 'ops', endpointUrl: 'http://127.0.0.1:4566'}))
      .toEqual({retryMode: 'adaptive', maxAttempts: 6, region: 'eu-west-1', profile: 'ops', endpoint: 'http://127.0.0.1:4566',
        requestHandler: {connectionTimeout: 3000, requestTimeout: 30000, throwOnRequestTimeout: true}})
    expect(clientConfig({})).toEqual({retryMode: 'adaptive', maxAttempts: 6, requestHandler: {connectionTimeout: 3000, requestTimeout: 30000, throwOnRequestTimeout: true}})

    const c = await createClients({region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:4566'}, ['ssm', 'iam'])
    for (const client of [c.ecs, c.ec2, c.efs, c.autoScaling, c.ssm!, c.iam!]) {
      const config = (client as unknown as {config: Record<string, unknown>}).config
      expect(await value(config.region)).toBe('eu-west-1')
      expect(await value(config.maxAttempts)).toBe(6)
      expect(await value(config.retryMode)).toBe('adaptive')
    }
    const ep = await (c.ec2 as unknown as {config: {endpoint: () => Promise<{hostname: string; port?: number}>}}).config.endpoint()
    expect(ep).toMatchObject({hostname: '127.0.0.1', port: 4566})
  })

  it('builds only the four inventory clients unless asked', async () => {
    const c = await createClients({region: 'us-east-1'})
    expect(Object.keys(c).sort()).toEqual(['autoScaling', 'ec2', 'ecs', 'efs'])
  })
})
