/**
 * The IAM policy must list every operation the code calls: a static scan of src/ for SDK commands, and recorded
 * runs of the collector, the probe and the mount lookup against the simulated AWS (bench/fake-aws).
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import * as asg from '@aws-sdk/client-auto-scaling'
import * as ec2 from '@aws-sdk/client-ec2'
import * as ecs from '@aws-sdk/client-ecs'
import * as efs from '@aws-sdk/client-efs'
import * as iam from '@aws-sdk/client-iam'
import * as ssm from '@aws-sdk/client-ssm'
import * as sts from '@aws-sdk/client-sts'
import IamPolicyCmd from '../../src/commands/iam-policy.js'
import {iamPolicy, POLICY_TARGETS, PREFLIGHT_ACTIONS, requiredActions} from '../../src/core/iam-policy.js'
import {createClients} from '../../src/inventory/aws-clients.js'
import {collectForMount} from '../../src/inventory/collect-for-mount.js'
import {probeLive} from '../../src/inventory/live.js'
import {INVENTORY_ACTIONS} from '../../src/model/actions.js'
import {collect, withFake} from '../faults/harness.js'
import {runCommand} from '../support/run-command.js'

const MODULES: [string, Record<string, unknown>][] = [
  ['ec2', ec2], ['ecs', ecs], ['elasticfilesystem', efs], ['autoscaling', asg], ['ssm', ssm], ['iam', iam], ['sts', sts],
]

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : []
  })
}

/** Every `new …XxxCommand(` in src/ that is an AWS SDK command, as an IAM action. */
function actionsInSource(): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const file of sources('src')) {
    for (const m of readFileSync(file, 'utf8').matchAll(/new\s+(?:\w+\.)?([A-Z]\w*)Command\(/g)) {
      const services = MODULES.filter(([, mod]) => typeof mod[`${m[1]}Command`] === 'function').map(([prefix]) => prefix)
      if (!services.length) continue
      // NOTE: an operation name two SDKs share would be ambiguous; none of ours is, and the test says so if one appears.
      expect({op: m[1], services: services.length}).toEqual({op: m[1], services: 1})
      const action = `${services[0]}:${m[1]}`
      out.set(action, [...(out.get(action) ?? []), file])
    }
  }
  return out
}

const everything = new Set([...requiredActions({for: POLICY_TARGETS}), ...PREFLIGHT_ACTIONS])

describe('iam policy covers every operation the code calls', () => {
  it('static: every SDK command constructed in src/ is in some policy', () => {
    const found = actionsInSource()
    expect(found.size).toBeGreaterThan(20)
    const missing = [...found].filter(([a]) => !everything.has(a)).map(([a, files]) => `${a} (${files.join(', ')})`)
    expect(missing).toEqual([])
    // And the inventory list is exactly what the collector constructs (no stale entries).
    for (const a of INVENTORY_ACTIONS) expect([...found.keys()]).toContain(a)
  })

  it('recorded: check (collector + SSM probe) calls only what --for check lists; --no-probe calls no SSM', async () => {
    await withFake({instances: 6}, async fake => {
      await collect(fake, {probe: true})
      const seen = new Set(fake.records.map(r => r.action))
      expect(seen.has('ssm:SendCommand')).toBe(true)
      // The image of the hosts (issue 9 item 6): one batched DescribeImages, in the check policy.
      expect(fake.records.filter(r => r.action === 'ec2:DescribeImages')).toHaveLength(1)
      expect(requiredActions({for: ['check']})).toContain('ec2:DescribeImages')
      expect([...seen].filter(a => !requiredActions({for: ['check']}).includes(a))).toEqual([])
      fake.reset()
      await collect(fake)
      const noProbe = new Set(fake.records.map(r => r.action))
      expect([...noProbe].filter(a => !requiredActions({for: ['check'], probe: false}).includes(a))).toEqual([])
    })
  })

  it('recorded: probe --instance and the mount lookup call only what --for probe / --for mount list', async () => {
    await withFake({instances: 3}, async fake => {
      const ids = fake.cluster.instanceIds
      await probeLive({instanceIds: ids, fileSystemIds: ['fs-0a1b2c3d4e5f60718'], region: 'eu-west-1', endpointUrl: fake.url, timeoutSeconds: 10})
      const probeSeen = new Set(fake.records.map(r => r.action))
      expect(probeSeen.has('ssm:SendCommand')).toBe(true)
      expect([...probeSeen].filter(a => !requiredActions({for: ['probe']}).includes(a))).toEqual([])
      fake.reset()
      const clients = await createClients({region: 'eu-west-1', endpointUrl: fake.url})
      const s = await collectForMount(clients, {instanceIds: ids.slice(0, 1), fileSystemId: 'fs-0a1b2c3d4e5f60718', region: 'eu-west-1'})
      expect(s.gaps).toEqual([])
      const mountSeen = new Set(fake.records.map(r => r.action))
      expect([...mountSeen].filter(a => !requiredActions({for: ['mount']}).includes(a))).toEqual([])
    })
  })
})

describe('iamPolicy', () => {
  it('scopes ssm:SendCommand to AWS-RunShellScript and EC2 instances; reads on *', () => {
    const p = iamPolicy({for: ['check'], region: 'eu-west-1', account: '123456789012'})
    expect(p.Version).toBe('2012-10-17')
    const send = p.Statement.find(s => s.Action.includes('ssm:SendCommand'))!
    expect(send.Action).toEqual(['ssm:SendCommand'])
    expect(send.Resource).toEqual(['arn:aws:ssm:eu-west-1::document/AWS-RunShellScript', 'arn:aws:ec2:eu-west-1:123456789012:instance/*'])
    const reads = p.Statement.find(s => s.Sid === 'EfsdoctorReadOnly')!
    expect(reads.Resource).toBe('*')
    expect(reads.Action.every(a => /^[a-z0-9]+:(Describe|List|Get)/.test(a))).toBe(true)
    for (const a of INVENTORY_ACTIONS) expect(reads.Action).toContain(a)
  })

  it('--no-probe leaves SSM out; probe alone needs no ECS', () => {
    expect(JSON.stringify(iamPolicy({for: ['check'], probe: false}))).not.toContain('ssm:')
    const probe = requiredActions({for: ['probe']})
    expect(probe.some(a => a.startsWith('ecs:'))).toBe(false)
    expect(probe).toEqual(expect.arrayContaining(['ssm:SendCommand', 'ssm:GetCommandInvocation', 'ec2:DescribeInstances']))
  })
})

describe('efsdoctor iam-policy', () => {
  const run = (argv: string[]) => runCommand(IamPolicyCmd, argv)

  it('prints valid policy JSON for the chosen commands', async () => {
    const {stdout, code} = await run(['--for', 'mount', '--for', 'check', '--partition', 'aws-cn'])
    expect(code).toBe(0)
    const policy = JSON.parse(stdout)
    expect(policy).toEqual(iamPolicy({for: ['mount', 'check'], partition: 'aws-cn'}))
    expect(stdout).toContain('arn:aws-cn:ssm:*::document/AWS-RunShellScript')
  })

  it('exits 2 with one line for a bad account id', async () => {
    await run(['--for', 'check'])
    const {stderr, code} = await run(['--account', '12345'])
    expect(code).toBe(2)
    expect(stderr.trim().split('\n').filter(l => l.startsWith('efsdoctor:'))).toEqual(['efsdoctor: "12345" is not a 12-digit AWS account id'])
  })

  it('exits 2 with one line for a region that is not an AWS region name', async () => {
    const {stderr, code} = await run(['--region', 'mars'])
    expect(code).toBe(2)
    expect(stderr.trim().split('\n').filter(l => l.startsWith('efsdoctor:'))).toEqual(['efsdoctor: "mars" is not an AWS region name (e.g. eu-west-1)'])
  })
})
