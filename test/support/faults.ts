/**
 * Named faults applied to the healthy example. scripts/make-examples.ts writes each to examples/snapshots/<name>.json
 * (the README's first command replays one); test/examples.test.ts fails when those files are stale.
 */
import type {Snapshot} from '../../src/model/snapshot.js'
import {withHostFacts} from './host-facts.js'
import {IDS, withFault} from './snapshot-builder.js'

const NFS4_USER_DATA = `#!/bin/bash
echo ECS_CLUSTER=prod >> /etc/ecs/ecs.config
yum install -y nfs-utils
mkdir -p /mnt/efs
echo "${IDS.fs}.efs.eu-west-1.amazonaws.com:/ /mnt/efs nfs4 nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,_netdev 0 0" >> /etc/fstab
mount -a -t nfs4
`

/** The worker's task security group when it runs in awsvpc mode (see awsvpcWorker). */
export const TASK_SG = 'sg-0a5c0de0000000001'

/**
 * Switch the prod-worker service to awsvpc: its task definition (with the EFS volume) gets networkMode awsvpc and the
 * service runs tasks in all three subnets with TASK_SG, a group that allows all egress. With `admitted`, the EFS
 * security group also admits TCP 2049 from TASK_SG.
 */
export function awsvpcWorker(s: Snapshot, opts: {admitted?: boolean} = {}): Snapshot {
  s.taskDefinitions!.find(td => td.family === 'prod-worker')!.networkMode = 'awsvpc'
  const svc = s.services!.find(x => x.name === 'worker')!
  svc.subnetIds = [IDS.subnets.a, IDS.subnets.b, IDS.subnets.c]
  svc.securityGroupIds = [TASK_SG]
  s.securityGroups![TASK_SG] = {id: TASK_SG, name: 'prod-worker-tasks', vpcId: IDS.vpc, ingress: [],
    egress: [{protocol: '-1', ipv4Cidrs: ['0.0.0.0/0'], ipv6Cidrs: [], groupIds: [], prefixListIds: []}]}
  if (opts.admitted) s.securityGroups![IDS.efsSg].ingress[0].groupIds.push(TASK_SG)
  return s
}

export const FAULTS: Record<string, {description: string; apply: (s: Snapshot) => void}> = {
  'broken-sg-cidr': {
    description: 'The EFS security group admits NFS only from the first subnet\'s CIDR: hosts in the other two AZs time out.',
    apply(s) {
      s.securityGroups![IDS.efsSg].ingress = [{protocol: 'tcp', fromPort: 2049, toPort: 2049, ipv4Cidrs: ['10.20.0.0/22'], ipv6Cidrs: [], groupIds: [], prefixListIds: []}]
    },
  },
  'broken-no-mount-target': {
    description: 'The mount target in eu-west-1c (euw1-az2) was deleted: hosts there get "Failed to resolve", and the ASG can still launch there.',
    apply(s) {
      s.mountTargets = s.mountTargets!.filter(mt => mt.id !== IDS.mountTargets.c)
    },
  },
  'broken-nacl': {
    description: 'A custom NACL on the mount-target subnets returns traffic only to ports 1024-65535, while hosts mount plain nfs4 without noresvport (privileged source ports).',
    apply(s) {
      const acl = s.networkAcls![0]
      acl.subnetIds = [IDS.subnets.a]
      s.subnets!['subnet-0dd4440000000000d'] = {id: 'subnet-0dd4440000000000d', vpcId: IDS.vpc, cidr: '10.20.12.0/24', azName: 'eu-west-1a', azId: 'euw1-az3', mapPublicIpOnLaunch: false}
      s.mountTargets!.find(mt => mt.id === IDS.mountTargets.a)!.subnetId = 'subnet-0dd4440000000000d'
      s.mountTargets!.find(mt => mt.id === IDS.mountTargets.a)!.ipAddress = '10.20.12.25'
      s.networkAcls!.push({id: 'acl-0efs0000000000001', vpcId: IDS.vpc, subnetIds: ['subnet-0dd4440000000000d', IDS.subnets.b, IDS.subnets.c], isDefault: false, entries: [
        {ruleNumber: 100, egress: false, protocol: '6', action: 'allow', cidr: '10.20.0.0/16', portRange: {from: 2049, to: 2049}},
        {ruleNumber: 32767, egress: false, protocol: '-1', action: 'deny', cidr: '0.0.0.0/0'},
        {ruleNumber: 100, egress: true, protocol: '6', action: 'allow', cidr: '10.20.0.0/16', portRange: {from: 1024, to: 65535}},
        {ruleNumber: 32767, egress: true, protocol: '-1', action: 'deny', cidr: '0.0.0.0/0'},
      ]})
      s.userData![0].text = NFS4_USER_DATA
    },
  },
  'broken-awsvpc-task-sg': {
    description: 'The worker service runs in awsvpc mode with its own task security group, which the EFS security group does not admit: the instances mount fine, but the worker\'s EFS volume (mounted from the task ENI) times out.',
    apply(s) {
      awsvpcWorker(s)
    },
  },
  'healthy-probed': {
    description: 'The healthy cluster as the SSM host probe sees it: EFS mounted with TLS at /mnt/efs everywhere, the web containers on NFS.',
    apply(s) {
      withHostFacts(s)
    },
  },
  'broken-container-started-before-mount': {
    description: 'After a reboot, Docker started the web task on i-003a1b2c3d4e5f6a7 before EFS was mounted: the host shows the mount, but the container writes to the root volume (xfs) under /mnt/efs/shared, where its files are hidden beneath the mount.',
    apply(s) {
      withHostFacts(s)
      const facts = s.hostFacts![IDS.instances[2]].facts!
      facts.containerMounts = facts.containerMounts.map(m => ({...m, containerFstype: 'xfs', containerSource: '/dev/nvme0n1p1'}))
      // What that container wrote lies on the root volume underneath the EFS mount, hidden from every other host.
      facts.shadowed = [{mountPoint: '/mnt/efs', status: 'ok', entries: 1, sample: ['shared']}]
    },
  },
  'denied-nacls': {
    description: 'The caller may not call ec2:DescribeNetworkAcls: the NACL check is unknown (never pass), every other check still runs.',
    apply(s) {
      delete s.networkAcls
      s.gaps.push({part: 'networkAcls', action: 'ec2:DescribeNetworkAcls', code: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/oncall/alice is not authorized to perform: ec2:DescribeNetworkAcls'})
    },
  },
}

export function faulty(name: keyof typeof FAULTS | string): Snapshot {
  const fault = FAULTS[name]
  if (!fault) throw new Error(`no fault named ${name}`)
  return withFault(s => {
    fault.apply(s)
    s.scope.notes = [...(s.scope.notes ?? []), `Example: ${fault.description}`]
  })
}
