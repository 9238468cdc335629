import {DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListServicesCommand, ListTasksCommand} from '@aws-sdk/client-ecs'
import {mockClient} from 'aws-sdk-client-mock'
import {jest} from '@jest/globals'
import {Readable} from 'node:stream'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import ExplainCmd from '../../src/commands/explain.js'
import {runCommand} from '../support/run-command.js'
import {terminalWidth} from '../../src/report/terminal.js'

const ecs = mockClient(ECSClient)
const run = (argv: string[]) => runCommand(ExplainCmd, argv)

beforeEach(() => ecs.reset())

describe('efsdoctor explain', () => {
  test('a lone argument that names a file gets a hint to pipe the file in (quoted), not only "no known signature"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'efsd-explain-'))
    const file = join(dir, "mount'log.txt")
    writeFileSync(file, 'mount.nfs4: Connection timed out\n')
    const r = await run([file])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`is a file; to explain what it holds: efsdoctor explain - < '${file.replace("'", "'\\''")}'`)
    expect((await run(['mount.nfs4: no such thing'])).stderr).not.toContain('is a file')
  })

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
    // NOTE: wrapped at the terminal's width: joined back, the line is whole.
    expect(stdout.replace(/\n +/g, ' ')).toContain("line 2: 2024-08-05 23:42:52 UTC - ERROR - Command '['which', 'stunnel']' returned non-zero exit status 1.")
    expect(Math.max(...stdout.split('\n').map(l => l.length))).toBeLessThanOrEqual(terminalWidth())
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

  test('--cluster also explains the services\' recent error events (DescribeServices ≤ 10 per call), grouped with task ids folded', async () => {
    const names = Array.from({length: 12}, (_, i) => `svc-${i}`)
    ecs.on(ListTasksCommand).resolves({taskArns: []})
    ecs.on(ListServicesCommand).resolves({serviceArns: names.map(n => `arn:aws:ecs:eu-west-1:123456789012:service/prod/${n}`)})
    const now = Date.now()
    const rie = (task: string) => `(service svc-3) failed to launch a task with (error ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve "fs-0123456789abcdef0.efs.eu-west-1.amazonaws.com" - check that your file system ID is correct.) (task ${task})`
    ecs.on(DescribeServicesCommand).callsFake(input => ({services: input.services.map((arn: string) => {
      const serviceName = arn.split('/').pop()!
      if (serviceName !== 'svc-3') return {serviceName, events: [{message: `(service ${serviceName}) has reached a steady state.`, createdAt: new Date(now)}]}
      return {serviceName, events: [
        {message: rie('aaaa1111'), createdAt: new Date(now - 60_000)},
        {message: rie('bbbb2222'), createdAt: new Date(now - 120_000)},
        {message: rie('cccc3333'), createdAt: new Date(now - 3 * 24 * 3600_000)},
        {message: '(service svc-3) failed to launch a task with (error CannotCreateContainerError: Error response from daemon: failed to copy file info for /var/lib/ecs/volumes/ecs-web-2-data: failed to chown /var/lib/ecs/volumes/ecs-web-2-data: lchown /var/lib/ecs/volumes/ecs-web-2-data: operation not permitted)', createdAt: new Date(now - 30_000)},
        {message: '(service svc-3) has reached a steady state.', createdAt: new Date(now)},
      ]}
    })}))
    const {stdout, stderr, error} = await run(['--cluster', 'prod', '--region', 'eu-west-1', '--output', 'json'])
    expect(stderr).toBe('')
    expect(error).toBeUndefined()
    expect(ecs.commandCalls(DescribeServicesCommand).map(c => c.args[0].input.services!.length)).toEqual([10, 2])
    const json = JSON.parse(stdout)
    expect(json.serviceEvents.map((e: {service: string; count: number; matches: {id: string}[]}) => [e.service, e.count, e.matches[0].id]))
      .toEqual([['svc-3', 1, 'access-point-chown'], ['svc-3', 2, 'dns-resolve']])
    expect(json.serviceEvents[1].input).toContain('(task …)')
    const table = await run(['--cluster', 'prod', '--region', 'eu-west-1'])
    expect(table.stdout).toContain('Service error events in prod (last 24 hours): 2 distinct message(s)')
    expect(table.stdout).toContain('2× in service svc-3')
  })

  test('--cluster without ecs:DescribeServices still explains the stopped tasks and says on stderr what it could not read', async () => {
    ecs.on(ListTasksCommand).resolves({taskArns: ['arn:aws:ecs:eu-west-1:123456789012:task/prod/0123']})
    ecs.on(DescribeTasksCommand).resolves({tasks: [{taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/prod/0123', stoppedReason: 'mount.nfs4: Connection timed out'}]})
    ecs.on(ListServicesCommand).resolves({serviceArns: ['arn:aws:ecs:eu-west-1:123456789012:service/prod/web']})
    ecs.on(DescribeServicesCommand).rejects(Object.assign(new Error('User is not authorized to perform: ecs:DescribeServices'), {name: 'AccessDeniedException'}))
    const {stdout, stderr, error} = await run(['--cluster', 'prod', '--region', 'eu-west-1', '--output', 'json'])
    expect(error).toBeUndefined()
    const json = JSON.parse(stdout)
    expect(json.stoppedTasks[0].matches[0].id).toBe('connection-timeout')
    expect(json.serviceEventsError).toBe('could not read the service events of prod: AccessDeniedException: User is not authorized to perform: ecs:DescribeServices')
    expect(stderr.trim().split('\n')).toEqual([`efsdoctor: ${json.serviceEventsError}`])
  })
})
