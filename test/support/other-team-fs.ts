/**
 * Another team's file system in the healthy cluster's VPC (issue 10): `OTHER` has a mount target in every subnet and
 * a security group that admits no one. `bootOther` makes some instances boot from a script that mounts only OTHER.
 */
import type {Snapshot} from '../../src/model/snapshot.js'
import {IDS} from './snapshot-builder.js'

export const OTHER = 'fs-0bbbbbbbbbbbbbbbb'
export const OTHER_SG = 'sg-0bbbbbbbbbbbbbbbb'
export const OTHER_USER_DATA = 'launch-template:lt-0other:1'

/** healthy() plus another team's file system in the same VPC: a mount target in every subnet, a group admitting no one. */
export function withOtherTeamFs(s: Snapshot): Snapshot {
  s.fileSystems!.push({id: OTHER, lifeCycleState: 'available'})
  s.mountTargets!.push(...Object.values(IDS.subnets).map((subnetId, i) => ({
    id: `fsmt-0bbbbbbbbbbbbbb${i}`, fileSystemId: OTHER, subnetId, vpcId: IDS.vpc, azId: s.subnets![subnetId].azId, azName: s.subnets![subnetId].azName,
    ipAddress: `10.20.${i * 4}.222`, lifeCycleState: 'available', securityGroupIds: [OTHER_SG]})))
  s.securityGroups![OTHER_SG] = {id: OTHER_SG, vpcId: IDS.vpc, ingress: [], egress: []}
  return s
}

/**
 * `instanceIds` boot from launch template lt-0other v1, whose UserData mounts only OTHER (in scope, used by it); the
 * task definitions whose EFS volumes every host's agent may mount are dropped, so UserData alone says who uses what.
 */
export function bootOther(s: Snapshot, instanceIds: readonly string[]): Snapshot {
  s.scope.fileSystems.push({id: OTHER, reasons: ['used by launch template lt-0other v1'], usedBy: []})
  s.userData!.push({id: OTHER_USER_DATA, source: {type: 'launch-template', id: 'lt-0other', version: '1'}, instanceIds: [...instanceIds],
    text: `#!/bin/bash\nmount -t efs ${OTHER}:/ /mnt/other\n`})
  for (const id of instanceIds) s.instances![id].userDataId = OTHER_USER_DATA
  s.taskDefinitions = s.taskDefinitions!.filter(td => td.volumes.every(v => !v.efsVolumeConfiguration))
  return s
}
