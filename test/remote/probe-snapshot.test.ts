import {DescribeInstanceInformationCommand, SendCommandCommand, SSMClient} from '@aws-sdk/client-ssm'
import {mockClient} from 'aws-sdk-client-mock'
import {probeSnapshot} from '../../src/remote/probe.js'
import {healthy, IDS, withFault} from '../support/snapshot-builder.js'

const ssm = mockClient(SSMClient)
beforeEach(() => ssm.reset())

describe('probeSnapshot (collect, then probe)', () => {
  test('fills hostFacts for every ACTIVE connected instance; unmanaged ones are not-managed, never ok', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: []})
    const s = await probeSnapshot(new SSMClient({region: 'eu-west-1'}), healthy(), {timeoutSeconds: 30})
    expect(Object.keys(s.hostFacts!).sort()).toEqual([...IDS.instances].sort())
    expect(Object.values(s.hostFacts!).every(h => h.status === 'not-managed')).toBe(true)
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(0)
  })

  test('no probe-able instances → empty hostFacts, no SSM calls', async () => {
    const s = await probeSnapshot(new SSMClient({region: 'eu-west-1'}), withFault(x => { x.containerInstances = [] }))
    expect(s.hostFacts).toEqual({})
    expect(ssm.calls()).toHaveLength(0)
  })
})
