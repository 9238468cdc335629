/**
 * healthy() grown to `instances` container instances spread over `azs` Availability Zones (one subnet and one mount
 * target each), for the size and readability tests of the drawings. The mount-target security group admits only the
 * first subnet, so every other AZ fails network/mount-target-sg-allows-nfs (the broken-sg-cidr fault, at scale).
 */
import type {Snapshot} from '../../src/model/snapshot.js'
import {healthy, IDS} from './snapshot-builder.js'

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')

export function bigCluster(instances: number, azs = 6): Snapshot {
  const s = healthy()
  const ci0 = s.containerInstances![0]
  const inst0 = s.instances![IDS.instances[0]]
  const mt0 = s.mountTargets![0]
  s.subnets = {}
  s.mountTargets = []
  for (let a = 0; a < azs; a++) {
    const subnetId = `subnet-0${hex(a, 16)}`
    s.subnets[subnetId] = {id: subnetId, vpcId: IDS.vpc, cidr: `10.20.${a * 4}.0/22`, azName: `eu-west-1${'abcdef'[a]}`, azId: `euw1-az${a + 1}`}
    s.mountTargets.push({...mt0, id: `fsmt-0${hex(a, 16)}`, subnetId, azName: `eu-west-1${'abcdef'[a]}`, azId: `euw1-az${a + 1}`,
      ipAddress: `10.20.${a * 4 + 1}.25`, networkInterfaceId: `eni-0${hex(a, 16)}`})
  }
  const subnetIds = Object.keys(s.subnets)
  s.instances = {}
  s.containerInstances = []
  for (let i = 0; i < instances; i++) {
    const id = `i-0${hex(i, 16)}`
    const a = i % azs
    s.instances[id] = {...inst0, id, subnetId: subnetIds[a], azName: `eu-west-1${'abcdef'[a]}`, privateIp: `10.20.${a * 4 + 2 + (i >> 8) % 2}.${i % 250 + 4}`}
    s.containerInstances.push({...ci0, arn: `${ci0.arn.slice(0, ci0.arn.lastIndexOf('/') + 1)}${hex(i, 32)}`, ec2InstanceId: id})
  }
  s.autoScalingGroups![0].subnetIds = subnetIds
  s.networkAcls![0].subnetIds = subnetIds
  s.autoScalingGroups![0].instanceIds = Object.keys(s.instances)
  for (const u of s.userData ?? []) u.instanceIds = Object.keys(s.instances)
  const efsSg = s.securityGroups![IDS.efsSg]
  efsSg.ingress = [{protocol: 'tcp', fromPort: 2049, toPort: 2049, ipv4Cidrs: ['10.20.0.0/22'], ipv6Cidrs: [], groupIds: [], prefixListIds: []}]
  return s
}
