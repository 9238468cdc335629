import {AutoScalingClient} from '@aws-sdk/client-auto-scaling'
import {
  DescribeContainerInstancesCommand, DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient,
  ListContainerInstancesCommand, ListServicesCommand, ListTasksCommand,
} from '@aws-sdk/client-ecs'
import {
  DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, DescribeNetworkAclsCommand, DescribeInstanceAttributeCommand, EC2Client,
  DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeImagesCommand,
} from '@aws-sdk/client-ec2'
import {DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient, DescribeFileSystemPolicyCommand} from '@aws-sdk/client-efs'
import {mockClient} from 'aws-sdk-client-mock'
import {UsageError} from '../../src/core/errors.js'
import {INVENTORY_ACTIONS} from '../../src/model/actions.js'
import type {AwsClients} from '../../src/inventory/aws-clients.js'
import {RoundCounter, type CallEvent} from '../../src/inventory/call.js'
import {collectSnapshot, instanceIdPartitions} from '../../src/inventory/collect.js'
import {ACCOUNT, AZS, EFS_SG, FS, HOST_SG, LT, NACL, OTHER_FS, REGION, VPC, installFakeCluster, instanceId, type Stubs} from './fake-cluster.js'

const stubs: Stubs = {ecs: mockClient(ECSClient), ec2: mockClient(EC2Client), efs: mockClient(EFSClient), asg: mockClient(AutoScalingClient)}
const clients = (): AwsClients => ({
  ecs: new ECSClient({region: REGION}), ec2: new EC2Client({region: REGION}), efs: new EFSClient({region: REGION}),
  autoScaling: new AutoScalingClient({region: REGION}),
})
/** The same clients with a fixed latency per call, so "ended before it started" means "waited on it" (RoundCounter). */
const slowClients = (ms = 4): AwsClients => {
  const slow = (c: AwsClients[keyof AwsClients] & object) => ({send: async (cmd: unknown) => {
    await new Promise(r => setTimeout(r, ms))
    return c.send(cmd)
  }})
  const c = clients()
  return {ecs: slow(c.ecs), ec2: slow(c.ec2), efs: slow(c.efs), autoScaling: slow(c.autoScaling)}
}
const allStubs = () => Object.values(stubs)
/** Every call the stubs saw, as IAM-style actions: 'ecs:DescribeClusters', … */
function sentActions(): string[] {
  const prefix = new Map<unknown, string>([[stubs.ecs, 'ecs'], [stubs.ec2, 'ec2'], [stubs.efs, 'elasticfilesystem'], [stubs.asg, 'autoscaling']])
  return allStubs().flatMap(s => s.calls().map((c: {args: unknown[]}) => `${prefix.get(s)}:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`))
}

beforeEach(() => { for (const s of allStubs()) s.reset() })

/** `count` running standalone tasks over three task-definition families, served 100 per ListTasks page. */
function runningTasks(count: number): void {
  const arns = Array.from({length: count}, (_, i) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/${i.toString(16).padStart(32, '0')}`)
  stubs.ecs.on(ListTasksCommand).callsFake((input: {nextToken?: string}) => {
    const start = Number(input.nextToken ?? 0)
    return {taskArns: arns.slice(start, start + 100), nextToken: start + 100 < arns.length ? String(start + 100) : undefined}
  })
  stubs.ecs.on(DescribeTasksCommand).callsFake((input: {tasks: string[]}) => ({tasks: input.tasks.map(a => ({
    taskArn: a, taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/batch-${arns.indexOf(a) % 3}:1`,
  }))}))
}

describe('collectSnapshot on a small healthy cluster', () => {
  it('maps every part into our types and joins instances, subnets, mount targets and UserData', async () => {
    const ids = installFakeCluster(stubs, 6, {gzipUserData: true})
    const steps: string[] = []
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION, onStep: t => steps.push(t)})

    expect(steps).toHaveLength(5)
    expect(s.gaps).toEqual([])
    expect(s.scope).toMatchObject({source: 'aws', region: REGION, accountId: ACCOUNT, partition: 'aws', cluster: 'prod'})
    expect(s.tool.name).toBe('efsdoctor')
    expect(s.cluster).toEqual({name: 'prod', arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`, status: 'ACTIVE'})
    expect(s.containerInstances).toHaveLength(6)
    expect(s.containerInstances![0].attributes).toEqual({'ecs.availability-zone': 'eu-west-1a', 'ecs.capability.efsAuth': ''})

    // Instances joined to their subnet and, through it, to an AZ id.
    const i2 = s.instances![ids[1]]
    expect(i2).toMatchObject({subnetId: AZS[1].subnet, vpcId: VPC, azName: 'eu-west-1b', securityGroupIds: [HOST_SG],
      launchTemplate: {id: LT, version: '7'}, autoScalingGroupName: 'prod-ecs-asg', userDataId: `launch-template:${LT}:7`})
    expect(s.subnets![i2.subnetId!].azId).toBe('euw1-az1')

    // Mount targets carry their security groups from the ENIs; only the file system in scope is kept.
    expect(s.mountTargets!.map(m => m.id).sort()).toEqual(AZS.map(a => a.mt))
    expect(s.mountTargets!.every(m => m.securityGroupIds?.[0] === EFS_SG && m.azId)).toBe(true)
    expect(Object.keys(s.securityGroups!).sort()).toEqual([HOST_SG, EFS_SG].sort())
    expect(s.securityGroups![EFS_SG].ingress[0]).toEqual({protocol: 'tcp', fromPort: 2049, toPort: 2049, ipv4Cidrs: [], ipv6Cidrs: [], groupIds: [HOST_SG], prefixListIds: []})
    expect(s.fileSystems!.map(f => f.id)).toEqual([FS])
    expect(s.fileSystems![0]).toMatchObject({encrypted: true, throughputMode: 'elastic', replicationOverwriteProtection: 'ENABLED'})
    expect(s.fileSystemPolicies).toEqual({[FS]: null})
    expect(s.accessPoints![0]).toMatchObject({id: 'fsap-0123456789abcdef0', rootDirectory: {path: '/app', creationInfo: {ownerUid: 1000, ownerGid: 1000, permissions: '755'}}})

    expect(s.networkAcls).toHaveLength(1)
    expect(s.networkAcls![0]).toMatchObject({id: NACL, subnetIds: AZS.map(a => a.subnet), isDefault: true})
    expect(s.networkAcls![0].entries[2]).toEqual({ruleNumber: 100, egress: true, protocol: '6', action: 'allow', cidr: '10.20.0.0/16', portRange: {from: 0, to: 65535}})
    expect(s.vpcs![VPC]).toEqual({id: VPC, cidrs: ['10.20.0.0/16'], dhcpOptionsId: 'dopt-0123', enableDnsSupport: true, enableDnsHostnames: false,
      domainNameServers: ['AmazonProvidedDNS']})
    expect(s.autoScalingGroups![0]).toMatchObject({name: 'prod-ecs-asg', subnetIds: AZS.map(a => a.subnet), launchTemplate: {id: LT, version: '7', name: 'prod-ecs'},
      userDataId: `launch-template:${LT}:7`})

    // One UserData entry for the launch-template version all six instances share: gunzipped, secrets masked.
    expect(s.userData).toHaveLength(1)
    expect(s.userData![0]).toMatchObject({id: `launch-template:${LT}:7`, source: {type: 'launch-template', id: LT, version: '7'}, instanceIds: ids})
    expect(s.userData![0].text).toContain(`${FS}.efs.${REGION}.amazonaws.com:/ /mnt/efs efs`)
    expect(s.userData![0].text).not.toContain('hunter2')
    expect(stubs.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand)).toHaveLength(1)
    expect(stubs.ec2.commandCalls(DescribeInstanceAttributeCommand)).toHaveLength(0)

    expect(s.taskDefinitions![0].volumes[0].efsVolumeConfiguration).toEqual({fileSystemId: FS, transitEncryption: 'ENABLED', authorizationConfig: {iam: 'ENABLED'}})
    expect(s.services).toEqual([expect.objectContaining({name: 'web', taskDefinitionArn: expect.stringContaining('prod-web:42')})])

    // Inference: the referenced file system with every reason; the unrelated one in another VPC is left out.
    expect(s.scope.fileSystems).toEqual([{id: FS, reasons: [
      'task definition prod-web:42 volume "shared"',
      'task definition prod-web:42 volume "uploads" (host path /mnt/efs/uploads)',
      `has mount targets in ${VPC} where the instances run`,
      `UserData launch-template ${LT} v7 mounts it`,
    ], usedBy: [
      {client: {kind: 'launch-template', id: LT, version: '7'}, evidence: [{kind: 'userdata', userDataId: `launch-template:${LT}:7`, line: 5, path: '/mnt/efs'}]},
      {client: {kind: 'task-definition', id: 'prod-web', version: '42'}, evidence: [
        {kind: 'task-volume', volume: 'shared'}, {kind: 'task-host-path', volume: 'uploads', path: '/mnt/efs/uploads'}]},
    ]}])
    expect(s.scope.fileSystems.map(f => f.id)).not.toContain(OTHER_FS)
    expect(JSON.parse(JSON.stringify(s))).toEqual(s)
  })

  it('follows nextToken / Marker pagination to the end', async () => {
    installFakeCluster(stubs, 250)
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    // 250 > 100 registered: four concurrent partitions of about 63 instances each, and no plain page.
    const lists = stubs.ecs.commandCalls(ListContainerInstancesCommand).map(c => c.args[0].input)
    expect(lists.map(i => i.filter)).toEqual(instanceIdPartitions(250))
    expect(instanceIdPartitions(250)).toHaveLength(4)
    expect(stubs.efs.commandCalls(DescribeFileSystemsCommand).map(c => c.args[0].input.Marker)).toEqual([undefined, '1'])
    expect(s.containerInstances).toHaveLength(250)
    expect(new Set(s.containerInstances!.map(c => c.arn)).size).toBe(250)
  })

  it('uses the named file systems only, and says why', async () => {
    installFakeCluster(stubs, 3)
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION, fileSystemIds: [FS]})
    expect(s.scope.fileSystems).toEqual([{id: FS, reasons: ['named with --file-system'], named: true, usedBy: [
      {client: {kind: 'user', id: '--file-system'}, evidence: [{kind: 'named'}]},
      expect.objectContaining({client: {kind: 'launch-template', id: LT, version: '7'}}),
      expect.objectContaining({client: {kind: 'task-definition', id: 'prod-web', version: '42'}}),
    ]}])
    expect(stubs.efs.commandCalls(DescribeFileSystemsCommand).map(c => c.args[0].input.FileSystemId)).toEqual([FS])
    expect(stubs.efs.commandCalls(DescribeMountTargetsCommand).map(c => c.args[0].input.FileSystemId)).toEqual([FS])
  })
})

describe('batching and call bounds', () => {
  it('describes a 250-instance cluster in 3 DescribeContainerInstances calls and 1 DescribeInstances call', async () => {
    installFakeCluster(stubs, 250)
    const rounds = new RoundCounter()
    const s = await collectSnapshot(slowClients(), {cluster: 'prod', region: REGION, onCall: rounds.onCall})
    expect(Object.keys(s.instances!)).toHaveLength(250)
    expect(stubs.ecs.commandCalls(DescribeContainerInstancesCommand).map(c => c.args[0].input.containerInstances!.length).sort()).toEqual([100, 100, 50].sort())
    expect(stubs.ec2.commandCalls(DescribeInstancesCommand).map(c => c.args[0].input.InstanceIds!.length)).toEqual([250])
    expect(stubs.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand)).toHaveLength(1)
    const total = sentActions().length
    expect(total).toBeLessThanOrEqual(25 + 3 * Math.ceil(250 / 100) + 1)
    expect(rounds.rounds).toBeLessThanOrEqual(8)
  })

  it('keeps the number of dependent rounds the same from 10 to 1000 instances, with 2 running tasks per instance', async () => {
    const measure = async (n: number) => {
      for (const st of allStubs()) st.reset()
      installFakeCluster(stubs, n)
      runningTasks(2 * n)
      const rounds = new RoundCounter()
      const s = await collectSnapshot(slowClients(), {cluster: 'prod', region: REGION, onCall: rounds.onCall})
      return {rounds: rounds.rounds, calls: sentActions().length, notes: s.scope.notes ?? [],
        taskDefinitions: stubs.ecs.commandCalls(DescribeTaskDefinitionCommand).length,
        policyReads: stubs.efs.commandCalls(DescribeFileSystemPolicyCommand).map(c => c.args[0].input.FileSystemId),
        scoped: s.scope.fileSystems.map(f => f.id)}
    }
    const sizes = [await measure(10), await measure(100), await measure(1000)]
    if (process.env.EFSDOCTOR_PRINT_ROUNDS) console.log(JSON.stringify(sizes))
    // Step 1: DescribeClusters → ListContainerInstances (one page, or partitions sized by the count) → describe;
    // then one round each for steps 2–4; step 5's policy and access-point reads of file systems UserData already
    // uses run alongside step 4, so step 5 adds none. The running-task chain (ListTasks → ListTasks → DescribeTasks
    // → DescribeTaskDefinition) ends with step 2, so it never adds a round.
    expect(sizes.map(x => x.rounds)).toEqual([6, 6, 6])
    // Read early, but once each, and only for the file systems in scope.
    for (const x of sizes) expect(x.policyReads).toEqual(x.scoped)
    // One service task definition plus the three standalone families, each described once.
    expect(sizes.map(x => x.taskDefinitions)).toEqual([4, 4, 4])
    expect(sizes[2].calls).toBeLessThanOrEqual(25 + 3 * Math.ceil(1000 / 100) + 1)
    expect(sizes[1].notes).toEqual([])
    expect(sizes[2].notes).toEqual([expect.stringMatching(/only the first 200 running tasks/)])
    expect(stubs.ecs.commandCalls(ListTasksCommand)).toHaveLength(2)
  })

  it('falls back to page-by-page listing when the partitions do not add up', async () => {
    installFakeCluster(stubs, 450, {ignoreListFilter: true})
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    expect(new Set(s.containerInstances!.map(c => c.arn)).size).toBe(450)
    expect(s.containerInstances).toHaveLength(450)
    expect(s.gaps).toEqual([])
    expect(s.scope.notes).toEqual([expect.stringContaining('page by page')])
    const plain = stubs.ecs.commandCalls(ListContainerInstancesCommand).map(c => c.args[0].input).filter(i => !i.filter)
    expect(plain.map(i => i.nextToken)).toEqual([undefined, '100', '200', '300', '400'])
  })

  it('lists one plain page up to 100 registered instances, two partitions just above', async () => {
    installFakeCluster(stubs, 100)
    const small = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    expect(stubs.ecs.commandCalls(ListContainerInstancesCommand).map(c => c.args[0].input)).toEqual([
      expect.objectContaining({nextToken: undefined, filter: undefined}),
    ])
    expect(small.containerInstances).toHaveLength(100)

    for (const st of allStubs()) st.reset()
    installFakeCluster(stubs, 150)
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    expect(stubs.ecs.commandCalls(ListContainerInstancesCommand).map(c => c.args[0].input.filter)).toEqual(instanceIdPartitions(150))
    expect(instanceIdPartitions(150)).toHaveLength(2)
    expect(s.containerInstances).toHaveLength(150)
  })

  it('partitions on the last hex digit: disjoint, covering every digit, sized to the cluster', () => {
    for (const [count, k] of [[101, 2], [180, 2], [201, 4], [700, 8], [1000, 16], [5000, 16]] as const) {
      const parts = instanceIdPartitions(count)
      expect(parts).toHaveLength(k)
      const digits = parts.flatMap(p => [...p.matchAll(/=~ \.\*([0-9a-f])\$/g)].map(m => m[1]))
      expect(digits.sort().join('')).toBe('0123456789abcdef')
      expect(parts.every(p => !/[()[\]]/.test(p))).toBe(true)
    }
  })

  it('calls only operations listed in INVENTORY_ACTIONS, and reports each through onCall', async () => {
    installFakeCluster(stubs, 5)
    const seen: CallEvent[] = []
    await collectSnapshot(clients(), {cluster: 'prod', region: REGION, onCall: e => seen.push(e)})
    const sent = sentActions()
    expect(sent.filter(a => !INVENTORY_ACTIONS.includes(a))).toEqual([])
    expect(seen.filter(e => e.phase === 'start').map(e => e.action).sort()).toEqual([...sent].sort())
  })
})

describe('awsvpc services', () => {
  const TASK_SG = 'sg-0a5c0de0000000001'
  const TASK_SUBNET = 'subnet-0dd4440000000000d'
  /** Calls per action for one collection of a 6-instance cluster, after `tweak` changed the fake. */
  async function collectWith(tweak: () => void) {
    for (const st of allStubs()) st.reset()
    installFakeCluster(stubs, 6)
    tweak()
    const rounds = new RoundCounter()
    const s = await collectSnapshot(slowClients(), {cluster: 'prod', region: REGION, onCall: rounds.onCall})
    const counts: Record<string, number> = {}
    for (const a of sentActions()) counts[a] = (counts[a] ?? 0) + 1
    return {s, counts, rounds: rounds.rounds}
  }

  it('reads the services\' task security groups and subnets in the existing batched calls, adding no call or round', async () => {
    const before = await collectWith(() => undefined)
    const after = await collectWith(() => {
      stubs.ecs.on(DescribeServicesCommand).resolves({services: [{
        serviceName: 'web', serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/web`, status: 'ACTIVE', taskDefinition: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/prod-web:42`,
        launchType: 'EC2', networkConfiguration: {awsvpcConfiguration: {subnets: [AZS[0].subnet, TASK_SUBNET], securityGroups: [TASK_SG]}},
      }]})
      stubs.ec2.on(DescribeSecurityGroupsCommand).callsFake((input: {Filters: {Values: string[]}[]}) => ({SecurityGroups: input.Filters[0].Values
        .filter(g => [HOST_SG, EFS_SG, TASK_SG].includes(g))
        .map(g => ({GroupId: g, VpcId: VPC, IpPermissions: [], IpPermissionsEgress: [{IpProtocol: '-1', IpRanges: [{CidrIp: '0.0.0.0/0'}]}]}))}))
      const subnets = [...AZS.map(a => ({id: a.subnet, name: a.name, az: a.id, cidr: a.cidr})), {id: TASK_SUBNET, name: 'eu-west-1d', az: 'euw1-az4', cidr: '10.20.12.0/22'}]
      stubs.ec2.on(DescribeSubnetsCommand).callsFake((input: {Filters: {Values: string[]}[]}) => ({Subnets: subnets
        .filter(x => input.Filters[0].Values.includes(x.id))
        .map(x => ({SubnetId: x.id, VpcId: VPC, CidrBlock: x.cidr, AvailabilityZone: x.name, AvailabilityZoneId: x.az}))}))
    })

    expect(after.s.services![0]).toMatchObject({name: 'web', subnetIds: [AZS[0].subnet, TASK_SUBNET], securityGroupIds: [TASK_SG]})
    expect(after.s.securityGroups![TASK_SG]).toBeDefined()
    expect(after.s.subnets![TASK_SUBNET]).toMatchObject({azId: 'euw1-az4', cidr: '10.20.12.0/22'})
    // The ids rode along in the one DescribeSecurityGroups / DescribeSubnets / DescribeNetworkAcls call of step 4.
    const ids = (cmd: Parameters<typeof stubs.ec2.commandCalls>[0]) => stubs.ec2.commandCalls(cmd).flatMap(c => c.args[0].input.Filters[0].Values)
    expect(stubs.ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(1)
    expect(ids(DescribeSecurityGroupsCommand)).toContain(TASK_SG)
    expect(stubs.ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(1)
    expect(ids(DescribeSubnetsCommand)).toContain(TASK_SUBNET)
    expect(ids(DescribeNetworkAclsCommand)).toContain(TASK_SUBNET)
    expect(after.counts).toEqual(before.counts)
    expect(after.rounds).toBe(before.rounds)
  })
})

describe('gaps and errors', () => {
  it('records a denied DescribeNetworkAcls as a gap and still collects everything else', async () => {
    installFakeCluster(stubs, 6)
    stubs.ec2.on(DescribeNetworkAclsCommand).rejects(Object.assign(new Error('You are not authorized to perform this operation.'), {name: 'UnauthorizedOperation'}))
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    expect(s.gaps).toEqual([expect.objectContaining({part: 'networkAcls', action: 'ec2:DescribeNetworkAcls', code: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.'})])
    expect(s.networkAcls).toBeUndefined()
    for (const part of ['cluster', 'containerInstances', 'instances', 'subnets', 'securityGroups', 'mountTargets', 'vpcs', 'userData', 'fileSystems',
      'fileSystemPolicies', 'accessPoints', 'autoScalingGroups', 'taskDefinitions', 'services'] as const) {
      expect(s[part]).toBeDefined()
    }
  })

  it('reads the image of each UserData\'s hosts from their AMI name in one batched ec2:DescribeImages call', async () => {
    installFakeCluster(stubs, 250)
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    expect(s.userData![0].image).toEqual({kind: 'ecs-al2', name: 'amzn2-ami-ecs-hvm-2.0.20251120-x86_64-ebs'})
    expect(stubs.ec2.commandCalls(DescribeImagesCommand).map(c => c.args[0].input)).toEqual([{ImageIds: ['ami-0f1e2d3c4b5a69788']}])
  })

  it('leaves the image unknown (never guessed) when DescribeImages is denied or the AMI is gone or unnamed', async () => {
    installFakeCluster(stubs, 6)
    stubs.ec2.on(DescribeImagesCommand).rejects(Object.assign(new Error('You are not authorized to perform this operation.'), {name: 'UnauthorizedOperation'}))
    const denied = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    expect(denied.userData![0].image).toBeUndefined()
    expect(denied.gaps).toEqual([expect.objectContaining({part: 'instances', action: 'ec2:DescribeImages', resourceIds: ['ami-0f1e2d3c4b5a69788']})])
    expect(Object.keys(denied.instances!)).toHaveLength(6)
    stubs.ec2.on(DescribeImagesCommand).rejects(Object.assign(new Error('The image id does not exist'), {name: 'InvalidAMIID.NotFound'}))
    const gone = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    expect([gone.userData![0].image, gone.gaps]).toEqual([undefined, []])
    stubs.ec2.on(DescribeImagesCommand).resolves({Images: [{ImageId: 'ami-0f1e2d3c4b5a69788', Name: 'my-golden-image-2025'}]})
    expect((await collectSnapshot(clients(), {cluster: 'prod', region: REGION})).userData![0].image).toBeUndefined()
  })

  it('keeps a partial part with resourceIds when only one batch fails', async () => {
    const ids = installFakeCluster(stubs, 1200, {throttleInstanceBatchWith: instanceId(1200)})
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    const gap = s.gaps.find(g => g.action === 'ec2:DescribeInstances')
    expect(gap).toMatchObject({part: 'instances', code: 'RequestLimitExceeded'})
    expect(gap!.resourceIds).toContain(instanceId(250))
    expect(Object.keys(s.instances!).length + gap!.resourceIds!.length).toBe(1200)
    expect(Object.keys(s.instances!).length).toBeGreaterThan(0)
    expect([...Object.keys(s.instances!), ...gap!.resourceIds!].sort()).toEqual([...ids].sort())
  })

  it('describes up to 1,000 instance ids per call by InstanceIds, following NextToken', async () => {
    const ids = installFakeCluster(stubs, 1500, {instancePageSize: 400})
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    const inputs = stubs.ec2.commandCalls(DescribeInstancesCommand).map(c => c.args[0].input)
    // 1,000 + 500 ids; the fake pages at 400, so the first batch takes three pages and the second two.
    expect(inputs.map(i => [i.InstanceIds!.length, i.NextToken ?? null])).toEqual(expect.arrayContaining([
      [1000, null], [1000, '400'], [1000, '800'], [500, null], [500, '400']]))
    expect(inputs).toHaveLength(5)
    expect(inputs.every(i => i.MaxResults === undefined && i.Filters === undefined)).toBe(true)
    expect(Object.keys(s.instances!).sort()).toEqual([...ids].sort())
    expect(s.gaps).toEqual([])
  })

  it('drops instances terminated between listing and describing, keeps the rest, and says which', async () => {
    const ids = installFakeCluster(stubs, 12, {terminated: [instanceId(3), instanceId(8)]})
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    const calls = stubs.ec2.commandCalls(DescribeInstancesCommand).map(c => c.args[0].input.InstanceIds!)
    // The first call fails naming both ids; the retry leaves them out.
    expect(calls).toEqual([ids, ids.filter(id => id !== instanceId(3) && id !== instanceId(8))])
    expect(Object.keys(s.instances!).sort()).toEqual(ids.filter(id => id !== instanceId(3) && id !== instanceId(8)).sort())
    expect(s.gaps.filter(g => g.part === 'instances')).toEqual([])
    expect(s.scope.notes).toEqual([expect.stringContaining(`${instanceId(3)}, ${instanceId(8)}`)])
    // The container-instance check then names the missing EC2 instance instead of losing every instance.
    const {containerInstancesHealthy} = await import('../../src/checks/ecs/container-instances-healthy.js')
    const outcomes = containerInstancesHealthy.run(s)
    const failed = (Array.isArray(outcomes) ? outcomes : [outcomes]).filter(o => o.status === 'fail')
    expect(failed.map(o => o.resource?.id).sort()).toEqual([instanceId(3), instanceId(8)])
    expect(failed[0].message).toMatch(/EC2 has no such instance/)
  })

  it('splits the batch when InvalidInstanceID.NotFound names no id it asked for', async () => {
    const ids = installFakeCluster(stubs, 8)
    stubs.ec2.on(DescribeInstancesCommand).callsFake((input: {InstanceIds: string[]}) => {
      if (input.InstanceIds.includes(instanceId(5))) throw Object.assign(new Error('The instance ID does not exist'), {name: 'InvalidInstanceID.NotFound'})
      return {Reservations: [{Instances: input.InstanceIds.map(id => ({InstanceId: id, State: {Name: 'running'}, VpcId: VPC}))}]}
    })
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    expect(Object.keys(s.instances!).sort()).toEqual(ids.filter(id => id !== instanceId(5)).sort())
    expect(s.scope.notes).toEqual([expect.stringContaining(instanceId(5))])
    expect(s.gaps.filter(g => g.part === 'instances')).toEqual([])
  })

  it('throws a UsageError for a cluster that does not exist', async () => {
    installFakeCluster(stubs, 1)
    stubs.ecs.on(ListContainerInstancesCommand).rejects(Object.assign(new Error('Cluster not found.'), {name: 'ClusterNotFoundException'}))
    stubs.ecs.on(ListServicesCommand).rejects(Object.assign(new Error('Cluster not found.'), {name: 'ClusterNotFoundException'}))
    const run = collectSnapshot(clients(), {cluster: 'nope', region: REGION})
    await expect(run).rejects.toBeInstanceOf(UsageError)
    await expect(run).rejects.toThrow(`cluster "nope" not found in ${REGION}`)
  })

  it('throws a UsageError for an INACTIVE cluster', async () => {
    installFakeCluster(stubs, 1)
    stubs.ecs.on(DescribeClustersCommand).resolves({clusters: [{clusterName: 'prod', status: 'INACTIVE'}]})
    await expect(collectSnapshot(clients(), {cluster: 'prod', region: REGION})).rejects.toThrow('cluster "prod" not found')
  })

  it('throws a UsageError for a named file system that does not exist', async () => {
    installFakeCluster(stubs, 1)
    await expect(collectSnapshot(clients(), {cluster: 'prod', region: REGION, fileSystemIds: ['fs-0000000000000dead']}))
      .rejects.toThrow(`file system fs-0000000000000dead not found in ${REGION}`)
  })

  it('turns missing credentials and an unreachable endpoint into one-line UsageErrors', async () => {
    installFakeCluster(stubs, 1)
    stubs.ecs.on(DescribeClustersCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'}))
    const noCreds = collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    await expect(noCreds).rejects.toBeInstanceOf(UsageError)
    await expect(noCreds).rejects.toThrow(/credentials/)

    for (const st of allStubs()) st.reset()
    installFakeCluster(stubs, 1)
    stubs.ecs.on(DescribeClustersCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {code: 'ECONNREFUSED'}))
    const down = collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    await expect(down).rejects.toThrow(/^cannot reach .*ECONNREFUSED/)
  })
})

describe('UserData sources and degraded discovery', () => {
  it('reads UserData from the launch configuration, and from the instance when there is neither', async () => {
    const ids = installFakeCluster(stubs, 4, {launchConfiguration: true})
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    expect(s.userData!.map(u => u.id).sort()).toEqual([`instance:${ids[3]}`, 'launch-configuration:prod-lc'])
    const lc = s.userData!.find(u => u.source.type === 'launch-configuration')!
    expect(lc.instanceIds).toEqual(ids.slice(0, 3))
    expect(lc.text).toContain('/mnt/efs efs')
    expect(s.instances![ids[0]].userDataId).toBe('launch-configuration:prod-lc')
    expect(s.instances![ids[3]].userDataId).toBe(`instance:${ids[3]}`)
    expect(s.userData!.find(u => u.source.type === 'instance')!.text).toBe('#!/bin/bash\necho standalone')
    expect(stubs.ec2.commandCalls(DescribeInstanceAttributeCommand).map(c => c.args[0].input.InstanceId)).toEqual([ids[3]])
    expect(s.scope.fileSystems[0].reasons).toContain('UserData launch-configuration prod-lc mounts it')
    expect(s.autoScalingGroups![0].userDataId).toBe('launch-configuration:prod-lc')
  })

  it('reads what the Auto Scaling group launches next when no running instance uses it', async () => {
    const ids = installFakeCluster(stubs, 3, {asgVersion: '$Latest'})
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    expect(s.userData!.map(u => [u.id, u.instanceIds])).toEqual([[`launch-template:${LT}:7`, ids], [`launch-template:${LT}:8`, []]])
    expect(s.userData![1].text).not.toContain('efs')
    expect(s.autoScalingGroups![0]).toMatchObject({launchTemplate: {version: '$Latest'}, userDataId: `launch-template:${LT}:8`})
    expect(stubs.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand).map(c => c.args[0].input.Versions)).toEqual([['7'], ['$Latest']])
  })

  it('still scopes and describes file systems when DescribeFileSystems is denied', async () => {
    installFakeCluster(stubs, 3)
    stubs.efs.on(DescribeFileSystemsCommand).rejects(Object.assign(new Error('not authorized'), {name: 'AccessDeniedException'}))
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    expect(s.gaps).toEqual([expect.objectContaining({part: 'fileSystems', action: 'elasticfilesystem:DescribeFileSystems', code: 'AccessDeniedException'})])
    expect(s.fileSystems).toBeUndefined()
    // Task definitions and UserData still name the file system; its mount targets, their groups and policy are read.
    expect(s.scope.fileSystems.map(f => f.id)).toEqual([FS])
    expect(s.mountTargets).toHaveLength(3)
    expect(s.mountTargets!.every(m => m.securityGroupIds?.includes(EFS_SG))).toBe(true)
    expect(s.securityGroups![EFS_SG]).toBeDefined()
    expect(s.fileSystemPolicies).toEqual({[FS]: null})
  })

  it('keeps the policy text when the file system has one', async () => {
    const policy = JSON.stringify({Statement: [{Effect: 'Deny', Principal: '*', Action: '*', Condition: {Bool: {'aws:SecureTransport': 'false'}}}]})
    installFakeCluster(stubs, 2, {policy})
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION, fileSystemIds: [FS]})
    expect(s.fileSystemPolicies).toEqual({[FS]: policy})
  })
})

describe('an endpoint that is down for every call', () => {
  it('rejects once with a UsageError and leaves no unhandled rejection behind', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (e: unknown) => { unhandled.push(e) }
    process.on('unhandledRejection', onUnhandled)
    try {
      installFakeCluster(stubs, 300)
      const down = () => Object.assign(new Error('getaddrinfo ENOTFOUND ecs.eu-west-1.example'), {code: 'ENOTFOUND'})
      // Fail after the listing has started fanning out, so many calls are in flight when the error hits.
      stubs.ecs.on(ListServicesCommand).callsFake(async (input: {nextToken?: string}) => {
        if (input.nextToken) throw down()
        return {serviceArns: Array.from({length: 30}, (_, i) => `arn:svc/${i}`), nextToken: 'x'}
      })
      stubs.ecs.on(DescribeServicesCommand).rejects(down())
      stubs.ecs.on(DescribeClustersCommand).callsFake(async () => { await new Promise(r => setTimeout(r, 5)); throw down() })
      stubs.ecs.on(ListContainerInstancesCommand).rejects(down())
      await expect(collectSnapshot(clients(), {cluster: 'prod', region: REGION})).rejects.toThrow(/^cannot reach .*ENOTFOUND/)
      await new Promise(r => setTimeout(r, 30))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
