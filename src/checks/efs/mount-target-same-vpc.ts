/**
 * EFS DNS names resolve only inside the VPC that holds the file system's mount targets (all of them live in one
 * VPC). Container instances in another VPC — peered, behind a transit gateway, or simply the wrong one — get
 * `Failed to resolve "fs-….efs.<region>.amazonaws.com"` even though every AZ "has" a mount target; they can only
 * mount by mount-target IP, with routes and CIDR-based security-group rules.
 */
import {defineCheck, fail, pass, unknown} from '../../core/define-check.js'
import type {Snapshot} from '../../model/snapshot.js'
import {activeInstances, mountTargetsOf, res, scopedFileSystems} from '../_lib/scope.js'

const vpcOfSubnet = (s: Snapshot, subnetId?: string) => (subnetId ? s.subnets?.[subnetId]?.vpcId : undefined)

export const mountTargetSameVpc = defineCheck({
  id: 'efs/mount-target-same-vpc',
  title: 'Container instances are in the VPC of the file system\'s mount targets',
  severity: 'error',
  description: 'Clients outside the mount targets\' VPC cannot resolve the file-system DNS name (`Failed to resolve`) and must mount by IP across peering/TGW.',
  remediation: 'Run the cluster in the mount targets\' VPC, or mount by mount-target IP (efs-utils `-o mounttargetip=`) with routes and CIDR security-group rules across the peering/TGW.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/efs-different-vpc.html',
  needs: ['fileSystems', 'mountTargets', 'containerInstances', 'instances'],
  run(s) {
    const byVpc = new Map<string, string[]>()
    const unplaced: string[] = []
    for (const {instance: i} of activeInstances(s)) {
      const vpc = i.vpcId ?? vpcOfSubnet(s, i.subnetId)
      if (!vpc) unplaced.push(i.id)
      else if (byVpc.has(vpc)) byVpc.get(vpc)!.push(i.id)
      else byVpc.set(vpc, [i.id])
    }
    return scopedFileSystems(s).flatMap(fs => {
      const mts = mountTargetsOf(s, fs.id)
      const mtVpcs = [...new Set(mts.map(mt => mt.vpcId ?? vpcOfSubnet(s, mt.subnetId)).filter((v): v is string => Boolean(v)))]
      if (mts.length === 0) return [] // efs/mount-target-per-az reports a file system with no mount targets
      if (mtVpcs.length === 0) return [unknown(res.fileSystem(fs), `The VPC of ${fs.id}'s mount targets is not known (no VpcId and subnets not described).`)]
      const out = [...byVpc].map(([vpc, ids]) => {
        const ev = {instanceVpc: vpc, mountTargetVpcs: mtVpcs, instances: ids}
        if (mtVpcs.includes(vpc)) return pass(res.fileSystem(fs), `${fs.id} has mount targets in ${vpc}, where instances ${ids.join(', ')} run.`, {evidence: ev, key: {vpc}})
        const mt = mts.find(m => m.lifeCycleState === 'available' && m.ipAddress)
        return fail(res.fileSystem(fs), `Instances ${ids.join(', ')} run in ${vpc}, but ${fs.id}'s mount targets are in ${mtVpcs.join(', ')}: its DNS name does not resolve there (\`Failed to resolve\`).`,
          {summary: `Move the capacity into ${mtVpcs[0]}, or mount by IP across a peering/TGW (routes both ways, security-group rules by CIDR), e.g. \`mount -t efs -o tls,mounttargetip=${mt?.ipAddress ?? '<mount-target-ip>'} ${fs.id} <mount-point>\`.`},
          {evidence: ev, key: {vpc}})
      })
      if (unplaced.length) out.push(unknown(res.fileSystem(fs), `The VPC of instances ${unplaced.join(', ')} is not known.`, {key: {aspect: 'vpc-unknown'}}))
      return out
    })
  },
})
