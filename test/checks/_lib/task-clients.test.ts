import {awsvpcTaskClients, evaluateIngressFromSubnet} from '../../../src/checks/_lib/task-clients.js'
import {mountTargetPerAz} from '../../../src/checks/efs/mount-target-per-az.js'
import {clientSgEgressNfs} from '../../../src/checks/network/client-sg-egress-nfs.js'
import {mountTargetSgAllowsNfs} from '../../../src/checks/network/mount-target-sg-allows-nfs.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Check} from '../../../src/core/types.js'
import type {SecurityGroup, SgRule, Snapshot} from '../../../src/model/snapshot.js'
import {awsvpcWorker, TASK_SG} from '../../support/faults.js'
import {healthy, IDS} from '../../support/snapshot-builder.js'

const rule = (r: Partial<SgRule>): SgRule => ({protocol: 'tcp', fromPort: 2049, toPort: 2049, ipv4Cidrs: [], ipv6Cidrs: [], groupIds: [], prefixListIds: [], ...r})
const run = (c: Check, s: Snapshot) => runChecks([c], s).findings
const tasks = (c: Check, s: Snapshot) => run(c, s).filter(f => f.resource.type === 'ecs-service')
const instances = (c: Check, s: Snapshot) => run(c, s).filter(f => f.resource.type !== 'ecs-service')
const worker = (admitted = false, mutate: (s: Snapshot) => void = () => undefined): Snapshot => {
  const s = awsvpcWorker(healthy(), {admitted})
  mutate(s)
  return s
}

describe('awsvpcTaskClients', () => {
  it('lists nothing for the healthy cluster (bridge mode; the web service only uses a host path)', () => {
    expect(awsvpcTaskClients(healthy())).toEqual([])
  })

  it('lists the awsvpc worker with its service subnets and task security groups', () => {
    const c = awsvpcTaskClients(worker())
    expect(c.map(x => ({svc: x.service.name, fs: x.fsId, subnets: x.subnetIds, sgs: x.securityGroupIds, td: x.taskDefinition.family}))).toEqual([
      {svc: 'worker', fs: IDS.fs, subnets: Object.values(IDS.subnets), sgs: [TASK_SG], td: 'prod-worker'},
    ])
  })

  it('ignores awsvpc host-path volumes (the instance mounts those) and file systems out of scope', () => {
    const hostPath = healthy()
    hostPath.taskDefinitions!.find(t => t.family === 'prod-web')!.networkMode = 'awsvpc'
    expect(awsvpcTaskClients(hostPath)).toEqual([])
    expect(awsvpcTaskClients(worker(false, s => { s.scope.fileSystems = [] }))).toEqual([])
  })

  it('counts Fargate services', () => {
    const s = worker(false, x => {
      const td = x.taskDefinitions!.find(t => t.family === 'prod-worker')!
      delete td.networkMode
      x.services!.find(v => v.name === 'worker')!.launchType = 'FARGATE'
    })
    expect(awsvpcTaskClients(s).map(c => c.service.name)).toEqual(['worker'])
  })
})

describe('evaluateIngressFromSubnet', () => {
  const sg = (ingress: SgRule[]): Record<string, SecurityGroup> => ({'sg-mt': {id: 'sg-mt', ingress, egress: []}})
  it('needs a CIDR that contains the whole subnet', () => {
    expect(evaluateIngressFromSubnet(['sg-mt'], sg([rule({ipv4Cidrs: ['10.20.0.0/16']})]), {groupIds: ['sg-t'], subnetCidr: '10.20.4.0/22'}).status).toBe('allowed')
    const partial = evaluateIngressFromSubnet(['sg-mt'], sg([rule({ipv4Cidrs: ['10.20.4.0/24']})]), {groupIds: ['sg-t'], subnetCidr: '10.20.4.0/22'})
    expect(partial).toMatchObject({status: 'partial', partialCidrs: ['10.20.4.0/24']})
    expect(evaluateIngressFromSubnet(['sg-mt'], sg([rule({ipv4Cidrs: ['10.30.0.0/16']})]), {groupIds: ['sg-t'], subnetCidr: '10.20.4.0/22'}).status).toBe('blocked')
  })
  it('is unknown for missing groups, prefix lists and an unknown subnet CIDR, and admits by group reference', () => {
    expect(evaluateIngressFromSubnet(['sg-gone'], {}, {groupIds: ['sg-t'], subnetCidr: '10.20.4.0/22'}).status).toBe('unknown')
    expect(evaluateIngressFromSubnet(['sg-mt'], sg([rule({prefixListIds: ['pl-1']})]), {groupIds: ['sg-t'], subnetCidr: '10.20.4.0/22'}).status).toBe('unknown')
    expect(evaluateIngressFromSubnet(['sg-mt'], sg([rule({ipv4Cidrs: ['10.20.0.0/16']})]), {groupIds: ['sg-t']}).status).toBe('unknown')
    expect(evaluateIngressFromSubnet(['sg-mt'], sg([rule({groupIds: ['sg-t']})]), {groupIds: ['sg-t']})).toMatchObject({status: 'allowed', allowedBy: {groupId: 'sg-mt', source: 'sg-t'}})
  })
})

describe('network/mount-target-sg-allows-nfs for awsvpc task clients', () => {
  it('adds nothing to the healthy cluster', () => {
    expect(tasks(mountTargetSgAllowsNfs, healthy())).toEqual([])
  })

  it('passes the worker in every subnet when the EFS group references its task group', () => {
    const f = tasks(mountTargetSgAllowsNfs, worker(true))
    expect(f.map(x => x.status)).toEqual(['pass', 'pass', 'pass'])
    expect(f[0].resource).toEqual({type: 'ecs-service', id: 'worker', arn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/worker'})
    expect(f[0].message).toContain(TASK_SG)
  })

  it('fails the worker although the instances pass, naming service, task SG, subnet and mount target, with the task SG as source', () => {
    const s = worker()
    expect(instances(mountTargetSgAllowsNfs, s).every(x => x.status === 'pass')).toBe(true)
    const f = tasks(mountTargetSgAllowsNfs, s)
    expect(f.map(x => x.status)).toEqual(['fail', 'fail', 'fail'])
    for (const m of ['worker', TASK_SG, IDS.subnets.a, IDS.mountTargets.a]) expect(f[0].message).toContain(m)
    expect(f[0].fix?.command).toBe(`aws ec2 authorize-security-group-ingress --group-id ${IDS.efsSg} --protocol tcp --port 2049 --source-group ${TASK_SG} --region eu-west-1`)
  })

  it('keeps the instance outcomes byte-for-byte the same', () => {
    expect(instances(mountTargetSgAllowsNfs, worker())).toEqual(run(mountTargetSgAllowsNfs, healthy()))
    expect(instances(clientSgEgressNfs, worker())).toEqual(run(clientSgEgressNfs, healthy()))
  })

  it('accepts a CIDR covering the whole task subnet and fails one covering part of it, naming the subnet', () => {
    // 10.20.0.0/21 covers subnets a and b; 10.20.8.0/23 is half of subnet c (10.20.8.0/22).
    const s = worker(false, x => { x.securityGroups![IDS.efsSg].ingress.push(rule({ipv4Cidrs: ['10.20.0.0/21', '10.20.8.0/23']})) })
    const f = tasks(mountTargetSgAllowsNfs, s)
    expect(f.map(x => x.status)).toEqual(['pass', 'pass', 'fail'])
    expect(f[2].message).toContain(`only part of subnet ${IDS.subnets.c}`)
    expect(f[2].message).toContain('10.20.8.0/23')
  })

  it('is unknown when a prefix list cannot be resolved or the service recorded no groups', () => {
    const missing = tasks(mountTargetSgAllowsNfs, worker(false, x => { x.securityGroups![IDS.efsSg].ingress.push(rule({prefixListIds: ['pl-0abc']})) }))
    expect(missing.map(x => x.status)).toEqual(['unknown', 'unknown', 'unknown'])
    const noGroups = tasks(mountTargetSgAllowsNfs, worker(false, x => { delete x.services!.find(v => v.name === 'worker')!.securityGroupIds }))
    expect(noGroups).toHaveLength(1)
    expect(noGroups[0].status).toBe('unknown')
    expect(noGroups[0].message).toContain('ecs:DescribeServices')
  })

  it('skips subnets without a mount target in their AZ, pointing at efs/mount-target-per-az', () => {
    const f = tasks(mountTargetSgAllowsNfs, worker(true, x => { x.mountTargets = x.mountTargets!.filter(mt => mt.id !== IDS.mountTargets.c) }))
    expect(f.map(x => x.status)).toEqual(['pass', 'pass', 'skipped'])
    expect(f[2].message).toContain('efs/mount-target-per-az')
  })
})

describe('network/client-sg-egress-nfs for awsvpc task clients', () => {
  it('passes when the task group allows all egress', () => {
    expect(tasks(clientSgEgressNfs, worker()).map(x => x.status)).toEqual(['pass', 'pass', 'pass'])
  })

  it('fails when the task group allows only 443 out, with an egress fix on the task group', () => {
    const s = worker(false, x => { x.securityGroups![TASK_SG].egress = [rule({fromPort: 443, toPort: 443, ipv4Cidrs: ['0.0.0.0/0']})] })
    expect(instances(clientSgEgressNfs, s).every(x => x.status === 'pass')).toBe(true)
    const f = tasks(clientSgEgressNfs, s)
    expect(f.map(x => x.status)).toEqual(['fail', 'fail', 'fail'])
    for (const m of ['worker', TASK_SG, IDS.subnets.b, IDS.mountTargets.b]) expect(f[1].message).toContain(m)
    expect(f[1].fix?.command).toBe(`aws ec2 authorize-security-group-egress --group-id ${TASK_SG} --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=${IDS.efsSg}}]' --region eu-west-1`)
  })

  it('is unknown when the task group is missing from the snapshot', () => {
    const f = tasks(clientSgEgressNfs, worker(false, x => { delete x.securityGroups![TASK_SG] }))
    expect(f.map(x => x.status)).toEqual(['unknown', 'unknown', 'unknown'])
    expect(f[0].message).toContain(TASK_SG)
  })

  it('is unknown when a task subnet was not read', () => {
    const f = tasks(clientSgEgressNfs, worker(false, x => { x.services!.find(v => v.name === 'worker')!.subnetIds!.push('subnet-0ee5550000000000e') }))
    expect(f.map(x => x.status)).toEqual(['pass', 'pass', 'pass', 'unknown'])
    expect(f[3].message).toContain('subnet-0ee5550000000000e')
  })
})

describe('efs/mount-target-per-az for awsvpc task subnets', () => {
  const taskOnlyAz = (x: Snapshot) => {
    x.subnets!['subnet-0dd4440000000000d'] = {id: 'subnet-0dd4440000000000d', vpcId: IDS.vpc, cidr: '10.20.12.0/22', azName: 'eu-west-1d', azId: 'euw1-az4'}
    x.services!.find(v => v.name === 'worker')!.subnetIds!.push('subnet-0dd4440000000000d')
  }

  it('passes the AZs the worker shares with the instances and names it', () => {
    const f = run(mountTargetPerAz, worker())
    expect(f.map(x => x.status)).toEqual(['pass', 'pass', 'pass'])
    expect(f[0].message).toContain('service worker')
  })

  it('fails an AZ only the worker\'s subnets reach, naming the service and a subnet for the fix', () => {
    const f = run(mountTargetPerAz, worker(false, taskOnlyAz))
    const bad = f.filter(x => x.status === 'fail')
    expect(bad).toHaveLength(1)
    expect(bad[0].message).toContain('euw1-az4')
    expect(bad[0].message).toContain('service worker')
    expect(bad[0].fix?.command).toContain('--subnet-id subnet-0dd4440000000000d')
    // Without the awsvpc switch the same subnet is nobody's client subnet.
    const bridge = worker(false, taskOnlyAz)
    bridge.taskDefinitions!.find(t => t.family === 'prod-worker')!.networkMode = 'bridge'
    expect(run(mountTargetPerAz, bridge).map(x => x.status)).toEqual(['pass', 'pass', 'pass'])
  })

  it('is unknown for a task subnet that was not read', () => {
    const f = run(mountTargetPerAz, worker(false, x => { x.services!.find(v => v.name === 'worker')!.subnetIds!.push('subnet-0ee5550000000000e') }))
    const u = f.filter(x => x.status === 'unknown')
    expect(u).toHaveLength(1)
    expect(u[0].message).toContain('service worker subnet subnet-0ee5550000000000e')
  })

  it('leaves the healthy cluster\'s outcomes unchanged', () => {
    expect(run(mountTargetPerAz, healthy()).map(x => x.message).join('\n')).not.toContain('service')
  })
})
