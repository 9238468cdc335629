import {
  DescribeInstanceInformationCommand, GetCommandInvocationCommand, ListCommandInvocationsCommand, SendCommandCommand, SSMClient,
} from '@aws-sdk/client-ssm'
import {mockClient} from 'aws-sdk-client-mock'
import {
  createSsmRunner, GET_CONCURRENCY, LIST_FAILURES_BEFORE_GET, READ_CONCURRENCY, SEND_CONCURRENCY, splitPluginOutput, type RunnerResult,
} from '../../src/remote/ssm-runner.js'

const ssmMock = mockClient(SSMClient)

function awsError(name: string, message = name, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), {name, $metadata: {httpStatusCode}})
}

function ids(n: number): string[] {
  return Array.from({length: n}, (_, i) => `i-${String(i).padStart(17, '0')}`)
}

/** A fake clock: sleep advances time instantly. */
function clock() {
  let t = 0
  return {now: () => t, sleep: async (ms: number) => { t += ms }}
}

function runner(extra: Parameters<typeof createSsmRunner>[1] = {}) {
  return createSsmRunner(new SSMClient({region: 'eu-west-1'}), {...clock(), ...extra})
}

/** Every instance is Online Linux. */
function allOnline(): void {
  ssmMock.on(DescribeInstanceInformationCommand).callsFake(input => ({
    InstanceInformationList: input.Filters[0].Values.map((id: string) => ({InstanceId: id, PingStatus: 'Online', PlatformType: 'Linux'})),
  }))
}

/** SendCommand hands out cmd-1, cmd-2, … and remembers which instances each got. */
function sendRecorder(): Map<string, string[]> {
  const sent = new Map<string, string[]>()
  ssmMock.on(SendCommandCommand).callsFake(input => {
    const id = `cmd-${sent.size + 1}`.padEnd(36, '0')
    sent.set(id, input.InstanceIds)
    return {Command: {CommandId: id}}
  })
  return sent
}

function byId(results: RunnerResult[]): Record<string, RunnerResult> {
  return Object.fromEntries(results.map(r => [r.instanceId, r]))
}

beforeEach(() => ssmMock.reset())

describe('createSsmRunner', () => {
  test('120 instances: 3 SendCommand calls of ≤ 50, one List per command per round, complete List output needs no Get', async () => {
    allOnline()
    const sent = sendRecorder()
    let round = 0
    ssmMock.on(ListCommandInvocationsCommand).callsFake(input => {
      round++
      const status = round <= 3 ? 'InProgress' : 'Success'
      return {CommandInvocations: sent.get(input.CommandId)!.map(id => ({InstanceId: id, Status: status, StatusDetails: status,
        CommandPlugins: [{ResponseCode: status === 'Success' ? 0 : -1, Output: status === 'Success' ? `hello ${id}\n` : ''}]}))}
    })
    ssmMock.on(GetCommandInvocationCommand).rejects(awsError('ShouldNotBeCalled'))
    const all = ids(120)
    const results = await runner().run(all, '#!/bin/bash\necho hello\n', {timeoutSeconds: 60})

    const sends = ssmMock.commandCalls(SendCommandCommand)
    expect(sends.map(c => c.args[0].input.InstanceIds!.length).sort()).toEqual([20, 50, 50])
    const first = sends[0].args[0].input
    expect(first.DocumentName).toBe('AWS-RunShellScript')
    expect(first.Parameters).toEqual({commands: ['#!/bin/bash', 'echo hello'], executionTimeout: ['60']})
    expect(first.TimeoutSeconds).toBeGreaterThanOrEqual(30)
    // Two rounds (InProgress, then Success) × 3 commands — not 120 per round.
    expect(ssmMock.commandCalls(ListCommandInvocationsCommand)).toHaveLength(6)
    expect(ssmMock.commandCalls(ListCommandInvocationsCommand)[0].args[0].input.Details).toBe(true)
    // The List output (< 2,500 characters) is complete: no GetCommandInvocation at all.
    expect(ssmMock.commandCalls(GetCommandInvocationCommand)).toHaveLength(0)
    expect(ssmMock.commandCalls(DescribeInstanceInformationCommand)).toHaveLength(3)
    expect(results).toHaveLength(120)
    expect(results.every(r => r.status === 'Success' && r.exitCode === 0 && !r.truncated)).toBe(true)
    expect(byId(results)[all[77]].stdout).toBe(`hello ${all[77]}\n`)
  })

  test('GetCommandInvocation only for outputs the List cut at 2,500 characters (or marked truncated by the agent)', async () => {
    allOnline()
    const sent = sendRecorder()
    const [short, long, noted, failed] = ids(4)
    const output: Record<string, string> = {
      [short]: 'EFSD\t1\t1\nEND\t12\n',
      [long]: 'x'.repeat(2500),
      [noted]: `${'y'.repeat(2000)}\n---Output truncated---`,
      [failed]: 'partial\n\n----------ERROR-------\nline1\nfindmnt: not found\n',
    }
    ssmMock.on(ListCommandInvocationsCommand).callsFake(input => ({CommandInvocations: sent.get(input.CommandId)!.map(id => ({
      InstanceId: id, Status: id === failed ? 'Failed' : 'Success', StatusDetails: id === failed ? 'Failed' : 'Success',
      CommandPlugins: [{ResponseCode: id === failed ? 2 : 0, Output: output[id]}]}))}))
    ssmMock.on(GetCommandInvocationCommand).callsFake(input => ({Status: 'Success', StatusDetails: 'Success', ResponseCode: 0,
      StandardOutputContent: `full ${input.InstanceId}\n`, StandardErrorContent: ''}))
    const r = byId(await runner().run([short, long, noted, failed], 'x', {timeoutSeconds: 30}))
    expect(ssmMock.commandCalls(GetCommandInvocationCommand).map(c => c.args[0].input.InstanceId).sort()).toEqual([long, noted].sort())
    expect(r[short]).toMatchObject({status: 'Success', stdout: output[short], stderr: ''})
    expect(r[long]).toMatchObject({status: 'Success', stdout: `full ${long}\n`})
    expect(r[long].truncated).toBeUndefined()
    expect(r[noted].stdout).toBe(`full ${noted}\n`)
    // stdout and stderr come apart at the ERROR line of aws:runShellScript plugin output.
    expect(r[failed]).toMatchObject({status: 'Failed', exitCode: 2, stdout: 'partial\n', stderr: 'line1\nfindmnt: not found\n'})
    expect(r[failed].reason).toMatch(/exited with code 2: line1 \| findmnt: not found/)
  })

  test('Get denied: a cut List output is kept and marked truncated; a complete one is used as is', async () => {
    allOnline()
    const sent = sendRecorder()
    const [short, long] = ids(2)
    ssmMock.on(ListCommandInvocationsCommand).callsFake(input => ({CommandInvocations: sent.get(input.CommandId)!.map(id => ({
      InstanceId: id, Status: 'Success', StatusDetails: 'Success', CommandPlugins: [{ResponseCode: 0, Output: id === long ? 'z'.repeat(2500) : 'ok\n'}]}))}))
    ssmMock.on(GetCommandInvocationCommand).rejects(awsError('AccessDeniedException'))
    const r = byId(await runner().run([short, long], 'x', {timeoutSeconds: 30}))
    expect(r[short]).toMatchObject({status: 'Success', stdout: 'ok\n'})
    expect(r[long]).toMatchObject({status: 'Success', stdout: 'z'.repeat(2500), truncated: true})
  })

  test('independent calls run concurrently within their bounds', async () => {
    const inFlight: Record<string, {now: number; max: number}> = {}
    const track = async <T>(op: string, value: T): Promise<T> => {
      const s = (inFlight[op] ??= {now: 0, max: 0})
      s.now++
      s.max = Math.max(s.max, s.now)
      await new Promise(resolve => setTimeout(resolve, 2))
      s.now--
      return value
    }
    ssmMock.on(DescribeInstanceInformationCommand).callsFake(input => track('describe', {
      InstanceInformationList: input.Filters[0].Values.map((id: string) => ({InstanceId: id, PingStatus: 'Online', PlatformType: 'Linux'})),
    }))
    const sent = new Map<string, string[]>()
    ssmMock.on(SendCommandCommand).callsFake(input => {
      const id = `cmd-${sent.size + 1}-`.padEnd(36, '0')
      sent.set(id, input.InstanceIds)
      return track('send', {Command: {CommandId: id}})
    })
    ssmMock.on(ListCommandInvocationsCommand).callsFake(input => track('list', {CommandInvocations: sent.get(input.CommandId)!.map(id => ({
      InstanceId: id, Status: 'Success', StatusDetails: 'Success', CommandPlugins: [{ResponseCode: 0, Output: 'x'.repeat(3000).slice(0, 2500)}]}))}))
    ssmMock.on(GetCommandInvocationCommand).callsFake(input => track('get', {Status: 'Success', StatusDetails: 'Success', ResponseCode: 0,
      StandardOutputContent: `long ${input.InstanceId}\n`}))
    const results = await runner().run(ids(1100), 'x', {timeoutSeconds: 30})
    expect(results.find(r => !(r.status === 'Success' && r.stdout.startsWith('long ')))).toBeUndefined()
    expect(ssmMock.commandCalls(SendCommandCommand)).toHaveLength(22)
    expect(ssmMock.commandCalls(GetCommandInvocationCommand)).toHaveLength(1100)
    // 22 chunks of 50: pre-flight chunks and a round's Lists 20 at a time, SendCommand 5, Get 16.
    expect(inFlight.describe.max).toBe(READ_CONCURRENCY)
    expect(inFlight.list.max).toBe(READ_CONCURRENCY)
    expect(inFlight.send.max).toBe(SEND_CONCURRENCY)
    expect(inFlight.get.max).toBe(GET_CONCURRENCY)
  })

  test('splitPluginOutput: stdout, stderr and completeness', () => {
    expect(splitPluginOutput('a\nb\n')).toEqual({stdout: 'a\nb\n', stderr: '', complete: true})
    expect(splitPluginOutput('out\n\n----------ERROR-------\nerr\n')).toEqual({stdout: 'out\n', stderr: 'err\n', complete: true})
    expect(splitPluginOutput('----------ERROR-------\nonly err')).toEqual({stdout: '', stderr: 'only err', complete: true})
    expect(splitPluginOutput('x'.repeat(2499)).complete).toBe(true)
    expect(splitPluginOutput('x'.repeat(2500)).complete).toBe(false)
    expect(splitPluginOutput('abc\n---Output truncated---').complete).toBe(false)
  })

  test('MaxConcurrency, MaxErrors and the comment are passed through', async () => {
    allOnline()
    const sent = sendRecorder()
    ssmMock.on(ListCommandInvocationsCommand).callsFake(input => ({CommandInvocations: sent.get(input.CommandId)!.map(id => ({InstanceId: id, Status: 'Success', StatusDetails: 'Success'}))}))
    ssmMock.on(GetCommandInvocationCommand).resolves({Status: 'Success', StatusDetails: 'Success', ResponseCode: 0, StandardOutputContent: 'ok'})
    await runner().run(ids(2), 'true', {timeoutSeconds: 30, maxConcurrency: '10', maxErrors: '100%', comment: 'efsdoctor probe'})
    const input = ssmMock.commandCalls(SendCommandCommand)[0].args[0].input
    expect(input).toMatchObject({MaxConcurrency: '10', MaxErrors: '100%', Comment: 'efsdoctor probe'})
  })

  test('falls back to GetCommandInvocation when List is denied, retrying InvocationDoesNotExist', async () => {
    sendRecorder()
    ssmMock.on(ListCommandInvocationsCommand).rejects(awsError('AccessDeniedException'))
    ssmMock.on(GetCommandInvocationCommand)
      .rejectsOnce(awsError('InvocationDoesNotExist'))
      .rejectsOnce(awsError('InvocationDoesNotExist'))
      .resolves({Status: 'Success', StatusDetails: 'Success', ResponseCode: 0, StandardOutputContent: 'facts\n'})
    const [r] = await runner({preflight: false}).run(['i-0123456789abcdef0'], 'echo facts', {timeoutSeconds: 30})
    expect(r).toMatchObject({status: 'Success', stdout: 'facts\n', exitCode: 0})
    expect(ssmMock.commandCalls(GetCommandInvocationCommand)).toHaveLength(3)
  })

  test('List failing round after round with HTTP 500 (moto: not implemented) falls back to Get after LIST_FAILURES_BEFORE_GET rounds', async () => {
    sendRecorder()
    // NOTE: moto answers an unimplemented action with HTTP 500 and an HTML page, which the SDK cannot parse.
    ssmMock.on(ListCommandInvocationsCommand).rejects(awsError('SyntaxError', 'Unexpected token \'<\', "<!doctype "... is not valid JSON', 500))
    ssmMock.on(GetCommandInvocationCommand).resolves({Status: 'Success', StatusDetails: 'Success', ResponseCode: 0, StandardOutputContent: 'facts\n'})
    const [r] = await runner({preflight: false}).run(['i-0123456789abcdef0'], 'echo facts', {timeoutSeconds: 30})
    expect(r).toMatchObject({status: 'Success', stdout: 'facts\n'})
    expect(ssmMock.commandCalls(ListCommandInvocationsCommand)).toHaveLength(LIST_FAILURES_BEFORE_GET)
    expect(ssmMock.commandCalls(GetCommandInvocationCommand)).toHaveLength(1)
  })

  test('one failed List round is retried with List; List and Get both failing for good end as "could not read the result", naming the error and the command id', async () => {
    const sent = sendRecorder()
    ssmMock.on(ListCommandInvocationsCommand)
      .rejectsOnce(awsError('InternalServerError', 'try again', 500))
      .callsFake(input => ({CommandInvocations: sent.get(input.CommandId)!.map(id => ({InstanceId: id, Status: 'Success', StatusDetails: 'Success',
        CommandPlugins: [{ResponseCode: 0, Output: 'ok\n'}]}))}))
    const [ok] = await runner({preflight: false}).run(['i-0123456789abcdef0'], 'x', {timeoutSeconds: 30})
    expect(ok).toMatchObject({status: 'Success', stdout: 'ok\n'})
    expect(ssmMock.commandCalls(GetCommandInvocationCommand)).toHaveLength(0)

    ssmMock.reset()
    sendRecorder()
    ssmMock.on(ListCommandInvocationsCommand).rejects(awsError('InternalServerError', 'down', 500))
    ssmMock.on(GetCommandInvocationCommand).rejects(awsError('InternalServerError', 'down', 500))
    const [r] = await runner({preflight: false}).run(['i-0123456789abcdef0'], 'x', {timeoutSeconds: 5, waitSeconds: 10})
    expect(r.status).toBe('Error')
    expect(r.reason).toBe('could not read the result (InternalServerError: down)')
    expect(r.unread).toMatchObject({commandId: expect.stringMatching(/^cmd-/), error: 'InternalServerError: down'})
  })

  test('instances still running at the deadline are TimedOut with their last status', async () => {
    allOnline()
    const sent = sendRecorder()
    ssmMock.on(ListCommandInvocationsCommand).callsFake(input => ({CommandInvocations: sent.get(input.CommandId)!.map(id => ({InstanceId: id, Status: 'InProgress', StatusDetails: 'InProgress'}))}))
    const c = clock()
    const results = await createSsmRunner(new SSMClient({region: 'eu-west-1'}), c).run(ids(3), 'sleep 999', {timeoutSeconds: 10, waitSeconds: 20})
    expect(results.map(r => r.status)).toEqual(['TimedOut', 'TimedOut', 'TimedOut'])
    expect(results[0].reason).toMatch(/no result within 20s \(last status: InProgress\)/)
    expect(c.now()).toBeGreaterThanOrEqual(20000)
    expect(c.now()).toBeLessThan(30000)
    expect(ssmMock.commandCalls(GetCommandInvocationCommand)).toHaveLength(0)
  })

  test('an invocation that never appears also times out (eventual consistency gone wrong)', async () => {
    allOnline()
    sendRecorder()
    ssmMock.on(ListCommandInvocationsCommand).resolves({CommandInvocations: []})
    const [r] = await runner().run(['i-0123456789abcdef0'], 'true', {timeoutSeconds: 5, waitSeconds: 5})
    expect(r.status).toBe('TimedOut')
    expect(r.reason).toMatch(/never appeared/)
  })

  test('Failed, Cancelled, Undeliverable, InvalidPlatform, Terminated and timed-out invocations are data', async () => {
    allOnline()
    const [a, b, c, d, e, f, g] = ids(7)
    const details: Record<string, [string, string]> = {
      [a]: ['Failed', 'Failed'], [b]: ['Cancelled', 'Canceled'], [c]: ['Failed', 'Undeliverable'], [d]: ['Failed', 'InvalidPlatform'],
      [e]: ['Cancelled', 'Terminated'], [f]: ['TimedOut', 'DeliveryTimedOut'], [g]: ['TimedOut', 'ExecutionTimedOut'],
    }
    sendRecorder()
    ssmMock.on(ListCommandInvocationsCommand).resolves({CommandInvocations: Object.entries(details).map(([id, [Status, StatusDetails]]) => ({InstanceId: id, Status: Status as never, StatusDetails}))})
    ssmMock.on(GetCommandInvocationCommand).callsFake(input => input.InstanceId === a
      ? {Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 2, StandardOutputContent: 'partial', StandardErrorContent: 'line1\nfindmnt: not found\n'}
      : {Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut', ResponseCode: -1, StandardOutputContent: 'half'})
    const r = byId(await runner().run(Object.keys(details), 'x', {timeoutSeconds: 30}))
    expect(r[a]).toMatchObject({status: 'Failed', exitCode: 2, stdout: 'partial'})
    expect(r[a].reason).toMatch(/exited with code 2: line1 \| findmnt: not found/)
    expect(r[b].status).toBe('Cancelled')
    expect(r[c].status).toBe('Undeliverable')
    expect(r[c].reason).toMatch(/agent/)
    expect(r[d].status).toBe('InvalidPlatform')
    expect(r[e].status).toBe('Terminated')
    expect(r[f].status).toBe('DeliveryTimedOut')
    expect(r[g]).toMatchObject({status: 'ExecutionTimedOut', stdout: 'half'})
    expect(r[g].reason).toMatch(/30s/)
    // Output is fetched only for the invocations that ran.
    expect(ssmMock.commandCalls(GetCommandInvocationCommand).map(cl => cl.args[0].input.InstanceId).sort()).toEqual([a, g].sort())
  })

  test('pre-flight: not managed, ConnectionLost and Windows instances are not sent', async () => {
    const [ok, gone, lost, win] = ids(4)
    ssmMock.on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: [
      {InstanceId: ok, PingStatus: 'Online', PlatformType: 'Linux'},
      {InstanceId: lost, PingStatus: 'ConnectionLost', PlatformType: 'Linux', LastPingDateTime: new Date('2026-11-20T10:00:00Z')},
      {InstanceId: win, PingStatus: 'Online', PlatformType: 'Windows', PlatformName: 'Microsoft Windows Server 2022 Datacenter'},
    ]})
    const sent = sendRecorder()
    ssmMock.on(ListCommandInvocationsCommand).resolves({CommandInvocations: [{InstanceId: ok, Status: 'Success', StatusDetails: 'Success'}]})
    ssmMock.on(GetCommandInvocationCommand).resolves({Status: 'Success', StatusDetails: 'Success', ResponseCode: 0, StandardOutputContent: 'ok'})
    const r = byId(await runner().run([ok, gone, lost, win], 'x', {timeoutSeconds: 30}))
    expect([...sent.values()]).toEqual([[ok]])
    expect(r[ok].status).toBe('Success')
    expect(r[gone].status).toBe('NotManaged')
    expect(r[gone].reason).toMatch(/AmazonSSMManagedInstanceCore/)
    expect(r[lost].status).toBe('Undeliverable')
    expect(r[lost].reason).toMatch(/ConnectionLost since 2026-11-20T10:00:00/)
    expect(r[win].status).toBe('InvalidPlatform')
  })

  test('InvalidInstanceId on a batch is narrowed down to the instances SSM rejects', async () => {
    const [good, bad] = ids(2)
    ssmMock.on(SendCommandCommand).callsFake(input => {
      if (input.InstanceIds.includes(bad)) throw awsError('InvalidInstanceId', `Instances [[${bad}]] not in a valid state for account 123456789012`)
      return {Command: {CommandId: 'c'.repeat(36)}}
    })
    ssmMock.on(ListCommandInvocationsCommand).resolves({CommandInvocations: [{InstanceId: good, Status: 'Success', StatusDetails: 'Success'}]})
    ssmMock.on(GetCommandInvocationCommand).resolves({Status: 'Success', StatusDetails: 'Success', ResponseCode: 0, StandardOutputContent: 'ok'})
    const r = byId(await runner({preflight: false}).run([good, bad], 'x', {timeoutSeconds: 30}))
    expect(r[good].status).toBe('Success')
    expect(r[bad].status).toBe('NotManaged')
    expect(r[bad].reason).toMatch(/InvalidInstanceId/)
  })

  test('AccessDenied on SendCommand: every instance AccessDenied naming the action', async () => {
    allOnline()
    ssmMock.on(SendCommandCommand).rejects(awsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ssm:SendCommand'))
    const results = await runner().run(ids(3), 'x', {timeoutSeconds: 30})
    expect(results.map(r => r.status)).toEqual(['AccessDenied', 'AccessDenied', 'AccessDenied'])
    expect(results[0].reason).toMatch(/ssm:SendCommand denied/)
  })

  test('an SSM endpoint that does not implement the API gives Error with the reason, not a crash', async () => {
    ssmMock.on(DescribeInstanceInformationCommand).rejects(awsError('UnknownOperationException', 'not implemented', 501))
    ssmMock.on(SendCommandCommand).rejects(awsError('InternalFailure', 'The API action SendCommand for service ssm is not yet implemented', 501))
    const results = await runner().run(ids(2), 'x', {timeoutSeconds: 30})
    expect(results.map(r => r.status)).toEqual(['Error', 'Error'])
    expect(results[0].reason).toMatch(/does not implement SendCommand/)
  })

  test('stdout at the 24,000-character limit is marked truncated', async () => {
    allOnline()
    sendRecorder()
    ssmMock.on(ListCommandInvocationsCommand).resolves({CommandInvocations: [{InstanceId: ids(1)[0], Status: 'Success', StatusDetails: 'Success'}]})
    ssmMock.on(GetCommandInvocationCommand).resolves({Status: 'Success', StatusDetails: 'Success', ResponseCode: 0, StandardOutputContent: 'x'.repeat(24000)})
    const [r] = await runner().run(ids(1), 'x', {timeoutSeconds: 30})
    expect(r.truncated).toBe(true)
  })
})
