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
    // EC2 and Auto Scaling are built on their first call (their SDK modules load while ECS and EFS calls run).
    const built = async (client: unknown) => (client as {built?: () => Promise<unknown>}).built?.() ?? client
    expect('config' in c.ec2).toBe(false)
    for (const client of await Promise.all([c.ecs, c.ec2, c.efs, c.autoScaling, c.ssm!, c.iam!].map(built))) {
      const config = (client as unknown as {config: Record<string, unknown>}).config
      expect(await value(config.region)).toBe('eu-west-1')
      expect(await value(config.maxAttempts)).toBe(6)
      expect(await value(config.retryMode)).toBe('adaptive')
    }
    const ep = await (await built(c.ec2) as {config: {endpoint: () => Promise<{hostname: string; port?: number}>}}).config.endpoint()
    expect(ep).toMatchObject({hostname: '127.0.0.1', port: 4566})
  })

  it('builds only the four inventory clients unless asked', async () => {
    const c = await createClients({region: 'us-east-1'})
    expect(Object.keys(c).sort()).toEqual(['autoScaling', 'ec2', 'ecs', 'efs'])
  })
})

describe('deferred', () => {
  it('builds the client once, on the first send, and shares it between concurrent first calls', async () => {
    const {deferred} = await import('../../src/inventory/aws-clients.js')
    let builds = 0
    const sent: unknown[] = []
    const c = deferred(async () => { builds++; return {send: async (command: unknown) => { sent.push(command); return {ok: sent.length} }} })
    expect(builds).toBe(0)
    const results = await Promise.all([c.send({a: 1} as never), c.send({b: 2} as never)])
    expect(builds).toBe(1)
    expect(sent).toEqual([{a: 1}, {b: 2}])
    expect(results).toEqual([{ok: 1}, {ok: 2}])
  })

  it('passes a failed build to every call', async () => {
    const {deferred} = await import('../../src/inventory/aws-clients.js')
    const c = deferred(async () => { throw new Error('no module') })
    await expect(c.send({} as never)).rejects.toThrow('no module')
  })
})
