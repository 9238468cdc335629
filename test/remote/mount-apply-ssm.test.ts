/** applyMount through the real SSM runner, with the SSM client mocked at the SDK (aws-sdk-client-mock). */
import {
  DescribeInstanceInformationCommand, GetCommandInvocationCommand, ListCommandInvocationsCommand, SendCommandCommand, SSMClient,
} from '@aws-sdk/client-ssm'
import {mockClient} from 'aws-sdk-client-mock'
import {applyMount, mountExitCode, mountScript} from '../../src/remote/mount-apply.js'
import {planMount, validateMountRequest} from '../../src/remote/mount-plan.js'
import {createSsmRunner} from '../../src/remote/ssm-runner.js'
import {IDS, withFault} from '../support/snapshot-builder.js'

const ssmMock = mockClient(SSMClient)
beforeEach(() => ssmMock.reset())

test('60 instances: SendCommand batches of ≤ 50 with MaxConcurrency/MaxErrors, per-instance results, exit 1 on a failure', async () => {
  const ids = Array.from({length: 60}, (_, i) => `i-${(i + 0x100).toString(16).padStart(17, '0')}`)
  const [bad, same] = [ids[7], ids[8]]
  const s = withFault(x => { for (const id of ids) x.instances![id] = {...x.instances![IDS.instances[0]], id} })
  ssmMock.on(DescribeInstanceInformationCommand).callsFake(input => ({
    InstanceInformationList: input.Filters[0].Values.map((id: string) => ({InstanceId: id, PingStatus: 'Online', PlatformType: 'Linux'})),
  }))
  const sent = new Map<string, string[]>()
  ssmMock.on(SendCommandCommand).callsFake(input => {
    const id = `cmd-${sent.size + 1}`.padEnd(36, '0')
    sent.set(id, input.InstanceIds)
    return {Command: {CommandId: id}}
  })
  const code = (id: string) => (id === bad ? 5 : id === same ? 3 : 0)
  const line = (c: number) => c === 5 ? 'EFSD_RESULT status=failed method=nfs reason=mount of x:/ at /mnt/efs failed (exit 32)'
    : c === 3 ? 'EFSD_RESULT status=unchanged method=nfs mount=present fstab=present'
      : 'EFSD_RESULT status=applied method=nfs mount=mounted fstab=added'
  // The List plugin output holds the whole (short) stdout, as real SSM returns it; no GetCommandInvocation is needed.
  ssmMock.on(ListCommandInvocationsCommand).callsFake(input => ({
    CommandInvocations: sent.get(input.CommandId)!.map(id => ({InstanceId: id, Status: code(id) ? 'Failed' : 'Success',
      StatusDetails: code(id) ? 'Failed' : 'Success', CommandPlugins: [{ResponseCode: code(id), Output: `${line(code(id))}\n`}]})),
  }))
  ssmMock.on(GetCommandInvocationCommand).callsFake(input => {
    const c = code(input.InstanceId)
    return {Status: c ? 'Failed' : 'Success', StatusDetails: c ? 'Failed' : 'Success', ResponseCode: c, StandardOutputContent: `${line(c)}\n`, StandardErrorContent: ''}
  })
  let t = 0
  const runner = createSsmRunner(new SSMClient({region: 'eu-west-1'}), {now: () => t, sleep: async ms => { t += ms }})
  const plan = planMount(validateMountRequest({fileSystemId: IDS.fs, path: '/mnt/efs', method: 'nfs'}), s, ids, mountScript())
  const results = await applyMount(runner, plan, {maxConcurrency: '5', maxErrors: '1', probe: false})

  const sends = ssmMock.commandCalls(SendCommandCommand).map(c => c.args[0].input)
  expect(sends.map(x => x.InstanceIds!.length)).toEqual([50, 10])
  for (const x of sends) {
    expect(x).toMatchObject({DocumentName: 'AWS-RunShellScript', MaxConcurrency: '5', MaxErrors: '1'})
    expect(x.Parameters!.commands!.join('\n')).toContain(`export EFSD_FS_ID='${IDS.fs}'`)
    expect(x.Parameters!.executionTimeout).toEqual(['600'])
  }
  const byId = Object.fromEntries(results.map(r => [r.instanceId, r]))
  expect(byId[bad]).toMatchObject({status: 'failed', reason: 'mount of x:/ at /mnt/efs failed (exit 32)'})
  expect(byId[same].status).toBe('unchanged')
  expect(results.filter(r => r.status === 'applied')).toHaveLength(58)
  expect(mountExitCode(results)).toBe(1)
})
