import {DescribeTasksCommand, ECSClient, ListTasksCommand} from '@aws-sdk/client-ecs'
import {mockClient} from 'aws-sdk-client-mock'
import {jest} from '@jest/globals'
import {Readable} from 'node:stream'
import ExplainCmd from '../../src/commands/explain.js'
import {runCommand} from '../support/run-command.js'

const ecs = mockClient(ECSClient)
const run = (argv: string[]) => runCommand(ExplainCmd, argv)

beforeEach(() => ecs.reset())

describe('efsdoctor explain', () => {
  test('a known message: causes, checks, fix; exit 0', async () => {
    const {stdout, error} = await run(['mount.nfs4: Connection timed out'])
    expect(stdout).toContain('NFS traffic to the mount target does not get through')
    expect(stdout).toMatch(/1\. the mount target's security group has no inbound TCP 2049 rule/)
    expect(stdout).toContain('confirm with: network/mount-target-sg-allows-nfs')
    expect(error).toBeUndefined()
  })

  test('nothing matched: says so, suggests check, exit 1', async () => {
    const {stdout, error} = await run(['Essential container in task exited'])
    expect(stdout).toContain('No known EFS/ECS error signature matched')
    expect(stdout).toContain('efsdoctor check')
    expect(error?.oclif?.exit).toBe(1)
  })

  test('--output json', async () => {
    const {stdout} = await run(["mount: /efstest: unknown filesystem type 'efs'.", '--output', 'json'])
    const json = JSON.parse(stdout)
    expect(json.matched).toBe(true)
    expect(json.message.matches[0].id).toBe('efs-utils-missing')
  })

  test('- reads a multi-line log from stdin and names the line of each match; control characters never reach the terminal', async () => {
    const log = [
      '2024-08-05 23:42:50 UTC - INFO - version=2.0.3 options={\'tls\': None}',
      "2024-08-05 23:42:52 UTC - ERROR - Command '['which', 'stunnel']' returned non-zero exit status 1.\u001B]0;owned\u0007",
    ].join('\n')
    const stdin = jest.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([log]) as unknown as typeof process.stdin)
    const {stdout, error} = await run(['-']).finally(() => stdin.mockRestore())
    expect(error).toBeUndefined()
    expect(stdout).toContain('The TLS tunnel could not start')
    expect(stdout).toContain("line 2: 2024-08-05 23:42:52 UTC - ERROR - Command '['which', 'stunnel']' returned non-zero exit status 1.")
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000B-\u001F]/)
  })

  test('no message and no cluster is a usage error', async () => {
    const {error} = await run([])
    expect(error?.oclif?.exit).toBe(2)
  })

  test('--cluster routes each distinct stopped reason (ListTasks STOPPED, DescribeTasks ≤ 100 per call)', async () => {
    const arns = Array.from({length: 150}, (_, i) => `arn:aws:ecs:eu-west-1:123456789012:task/prod/${String(i).padStart(32, '0')}`)
    ecs.on(ListTasksCommand).callsFake(input => input.nextToken
      ? {taskArns: arns.slice(100)}
      : {taskArns: arns.slice(0, 100), nextToken: 'next'})
    const rie = 'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: mount.nfs4: Connection timed out : unsuccessful EFS utils command execution; code: 32'
    ecs.on(DescribeTasksCommand).callsFake(input => ({tasks: input.tasks.map((taskArn: string, i: number) => ({
      taskArn, stoppedReason: i % 2 ? rie : 'Scaling activity initiated by (deployment ecs-svc/123)',
      containers: [{name: 'web', reason: i === 0 ? 'CannotStartContainerError: Error response from daemon: error looking up volume plugin amazon-ecs-volume-plugin: plugin "amazon-ecs-volume-plugin" not found' : undefined}],
    }))}))
    const {stdout, error} = await run(['--cluster', 'prod', '--region', 'eu-west-1', '--output', 'json'])
    expect(error).toBeUndefined()
    const json = JSON.parse(stdout)
    expect(ecs.commandCalls(ListTasksCommand)[0].args[0].input).toMatchObject({cluster: 'prod', desiredStatus: 'STOPPED'})
    expect(ecs.commandCalls(DescribeTasksCommand).map(c => c.args[0].input.tasks!.length)).toEqual([100, 50])
    const byReason = Object.fromEntries(json.stoppedTasks.map((s: {input: string}) => [s.input, s]))
    expect(byReason[rie].count).toBe(75)
    expect(byReason[rie].matches.map((m: {id: string}) => m.id)).toEqual(['connection-timeout', 'resource-initialization'])
    expect(byReason['Scaling activity initiated by (deployment ecs-svc/123)'].matches).toEqual([])
    expect(json.stoppedTasks.find((s: {source: string}) => s.source === 'container').matches[0].id).toBe('volume-plugin-missing')
  })
})
