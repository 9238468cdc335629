/**
 * The file system's DNS name resolves only to the mount target in the caller's own AZ, so every AZ that hosts a
 * container instance that uses it — and every AZ its Auto Scaling group can launch such hosts into — needs an
 * `available` mount target. Who uses which file system comes from the usage model (checks/_lib/usage.ts): a host
 * whose UserData mounts only another file system is not counted, and a host whose evidence is not known counts for all.
 * Without one, mounts fail on some hosts only: `Failed to resolve "fs-….efs.<region>.amazonaws.com"` (efs-utils:
 * "No matching mount target in the az …"), or tasks bind an empty directory after a scale-out. AZ *ids* are
 * compared, because AZ names are shuffled per account. One Zone file systems serve a single AZ. awsvpc services with
 * `efsVolumeConfiguration` (EC2 or Fargate) mount from their task ENIs, so every AZ of their subnets needs one too.
 */
import {defineCheck, fail, pass, unknown} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import type {AutoScalingGroup, FileSystem, Instance, Snapshot} from '../../model/snapshot.js'
import {gapsFor} from '../../core/run-checks.js'
import {activeInstances, instanceAzId, mountTargetsOf, res, scopedFileSystems} from '../_lib/scope.js'
import {awsvpcTaskClients, templateClients} from '../_lib/task-clients.js'
import {autoScalingGroupFileSystems, instanceFileSystems, userDataById, userDataOf} from '../_lib/usage.js'
import {mountTargetsNamed, mountTargetsNamedIn} from '../_lib/mount-usage.js'
import {ambiguousHost, isTemplateMode, sameAz, templateFileSystemIds, templateHosts} from '../_lib/template-network.js'
import {shellCommand} from '../../core/shell.js'
import {listCandidates} from '../_lib/cluster-hosts.js'
import {byText} from '../../core/order.js'

/**
 * Lint: every subnet of every Auto Scaling group needs a declared mount target of each file system in a subnet that
 * is provably in the same AZ (see sameAz); a provably different AZ for all of them fails; anything else is unknown.
 */
function fromTemplate(s: Snapshot): Outcome[] {
  const t = s.template!
  const fsIds = templateFileSystemIds(s)
  // NOTE: each Auto Scaling group is judged against the file systems its hosts mount (usage.ts), not every one.
  const hosts = new Map(templateHosts(s).map(h => [h.id, h]))
  // NOTE: who launches clients into which subnets: Auto Scaling groups (hosts), and services whose awsvpc tasks mount
  // EFS themselves (Fargate): each needs a mount target in the AZ of every subnet it can use.
  type Launcher = {what: string; subnetIds: string[]; key: Record<string, string>; remove: string}
  const asgsOf = new Map<string, Launcher[]>()
  const ambiguous: Outcome[] = []
  const add = (id: string, l: Launcher) => asgsOf.set(id, [...(asgsOf.get(id) ?? []), l])
  for (const asg of s.autoScalingGroups ?? []) {
    const host = hosts.get(asg.launchTemplate?.id ?? asg.launchConfigurationName ?? '')
    const used = host ? host.fileSystems : fsIds.length <= 1 ? fsIds : undefined
    if (!used) {
      ambiguous.push(ambiguousHost(s, host ?? {id: asg.name, who: `hosts of ${asg.name}`, groupIds: [], subnetIds: asg.subnetIds}, `mount targets per AZ for Auto Scaling group ${asg.name}`))
      continue
    }
    for (const id of used) add(id, {what: `ASG ${asg.name}`, subnetIds: asg.subnetIds, key: {autoScalingGroup: asg.name}, remove: `the VPCZoneIdentifier of ${asg.name}`})
  }
  for (const c of templateClients(s).filter(h => !hosts.has(h.id))) {
    for (const id of c.fileSystems ?? []) add(id, {what: `service ${c.id}`, subnetIds: c.subnetIds, key: {service: c.id}, remove: `the awsvpcConfiguration Subnets of service ${c.id}`})
  }
  const mtsOf = new Map<string, typeof t.mountTargets>()
  for (const mt of t.mountTargets) mtsOf.set(mt.fileSystemId, [...(mtsOf.get(mt.fileSystemId) ?? []), mt])
  const fsById = new Map(t.fileSystems.map(f => [f.id, f]))
  return [...ambiguous, ...fsIds.flatMap(fsId => {
    const r = {type: 'efs-file-system' as const, id: fsId}
    const fs = fsById.get(fsId)
    const mts = mtsOf.get(fsId) ?? []
    const sgs = mts[0]?.securityGroupIds.map(g => `!Ref ${g}`).join(', ') ?? '!Ref <EfsSecurityGroup>'
    return (asgsOf.get(fsId) ?? []).flatMap(l => l.subnetIds.map(subnet => {
      const key = {...l.key, subnet}
      const ev = {...l.key, subnet, mountTargets: mts.map(mt => `${mt.id} (${mt.subnetId})`)}
      if (fs?.availabilityZoneName) return unknown(r, `${fsId} is a One Zone file system in ${fs.availabilityZoneName}; whether ${l.what} subnet ${subnet} is in that AZ is not evaluated from a template.`, {evidence: ev, key})
      const verdicts = mts.map(mt => ({mt, same: sameAz(s, subnet, mt.subnetId)}))
      const hit = verdicts.find(v => v.same === true)
      if (hit) return pass(r, `${l.what} subnet ${subnet} has mount target ${hit.mt.id} of ${fsId} in its AZ (${hit.mt.subnetId}).`, {evidence: {...ev, mountTargetId: hit.mt.id}, key})
      if (verdicts.some(v => v.same === undefined)) {
        return unknown(r, `Whether a mount target of ${fsId} is in the AZ of ${l.what} subnet ${subnet} is not known from the template (AZs not literal or not comparable: ${verdicts.filter(v => v.same === undefined).map(v => v.mt.subnetId).join(', ')}${s.subnets?.[subnet] ? '' : `; ${subnet} is not defined in the template`}).`, {evidence: ev, key})
      }
      return fail(r, `${fsId} has no mount target in the AZ of ${l.what} subnet ${subnet}${mts.length ? ` (mount targets: ${ev.mountTargets.join(', ')})` : ' (no mount target is declared)'}: ${l.what.startsWith('ASG') ? 'hosts launched' : 'tasks placed'} there cannot mount it (\`Failed to resolve\`).`,
        {summary: `Add an AWS::EFS::MountTarget {FileSystemId: !Ref ${fsId}, SubnetId: !Ref ${subnet}, SecurityGroups: [${sgs}]}, or remove ${subnet} from ${l.remove}.`},
        {evidence: ev, key})
    }))
  })]
}

interface Demand { instances: string[]; asgSubnets: string[]; services?: string[]; serviceSubnets?: string[] }

/**
 * AZ id → which instances that use `fsId` live there and which subnets of the Auto Scaling groups whose hosts use it
 * can launch there; plus what we could not place. Who uses what comes from the usage model (usage.ts), so an instance
 * is counted only against the file systems it mounts, never against every file system in scope.
 */
function demandByAz(s: Snapshot, fsId: string, active: readonly Instance[]): {byAz: Map<string, Demand>; unplaced: string[]; named: string[]} {
  const byAz = new Map<string, Demand>()
  const at = (az: string) => byAz.get(az) ?? byAz.set(az, {instances: [], asgSubnets: []}).get(az)!
  const unplaced: string[] = []
  const named: string[] = []
  for (const instance of active) {
    if (!instanceFileSystems(s, instance).has(fsId)) continue
    // NOTE: a host whose UserData names the mount target itself (by IP, AZ-specific name or az=) uses that one,
    // wherever it is (a One Zone file system mounted from other AZs): its own AZ needs none.
    if (mountTargetsNamed(s, instance, fsId).length > 0) {
      named.push(instance.id)
      continue
    }
    const az = instanceAzId(s, instance)
    if (az) at(az).instances.push(instance.id)
    else unplaced.push(`instance ${instance.id} (subnet ${instance.subnetId ?? '?'} not in the snapshot)`)
  }
  for (const asg of clusterAsgs(s, active)) {
    if (!autoScalingGroupFileSystems(s, asg).has(fsId)) continue
    if (namesItsMountTarget(s, asg, fsId)) continue
    for (const subnetId of asg.subnetIds) {
      const az = s.subnets?.[subnetId]?.azId
      if (az) at(az).asgSubnets.push(subnetId)
      else unplaced.push(`ASG ${asg.name} subnet ${subnetId} (not in the snapshot)`)
    }
  }
  return {byAz, unplaced, named}
}

/**
 * Whether the hosts an Auto Scaling group launches name the mount target of `fsId` themselves (mountTargetsNamedIn):
 * every script known for the group (its own UserData, its instances') does.
 */
function namesItsMountTarget(s: Snapshot, asg: AutoScalingGroup, fsId: string): boolean {
  const scripts = [asg.userDataId === undefined ? undefined : userDataById(s, asg.userDataId),
    ...asg.instanceIds.map(id => s.instances?.[id]).map(i => (i ? userDataOf(s, i) : undefined))].filter(u => u !== undefined)
  return scripts.length > 0 && scripts.every(u => mountTargetsNamedIn(s, u, fsId).length > 0)
}

/** The Auto Scaling groups that launch this cluster's hosts: one an active instance names, or one holding a container instance. */
function clusterAsgs(s: Snapshot, active: readonly Instance[]): AutoScalingGroup[] {
  const names = new Set(active.map(i => i.autoScalingGroupName).filter(Boolean))
  const ids = new Set((s.containerInstances ?? []).map(ci => ci.ec2InstanceId))
  return (s.autoScalingGroups ?? []).filter(asg => names.has(asg.name) || asg.instanceIds.some(i => ids.has(i)))
}

/** `byAz` plus the AZs of the subnets of awsvpc services whose tasks mount `fsId` (their task ENIs are the clients). */
function withTaskClients(s: Snapshot, fsId: string, base: Map<string, Demand>): {byAz: Map<string, Demand>; unplaced: string[]} {
  const byAz = new Map([...base].map(([az, d]) => [az, {...d}]))
  const unplaced: string[] = []
  for (const c of awsvpcTaskClients(s).filter(x => x.fsId === fsId)) {
    for (const subnetId of c.subnetIds) {
      const az = s.subnets?.[subnetId]?.azId
      if (!az) {
        unplaced.push(`service ${c.service.name} subnet ${subnetId} (not in the snapshot)`)
        continue
      }
      const d = byAz.get(az) ?? byAz.set(az, {instances: [], asgSubnets: []}).get(az)!
      d.services = [...new Set([...(d.services ?? []), c.service.name])]
      d.serviceSubnets = [...new Set([...(d.serviceSubnets ?? []), subnetId])]
    }
  }
  return {byAz, unplaced}
}

function evaluateFs(s: Snapshot, fs: FileSystem, byAz: Map<string, Demand>): Outcome[] {
  const mts = mountTargetsOf(s, fs.id)
  const sgs = mts.find(mt => mt.securityGroupIds?.length)?.securityGroupIds ?? ['<mount-target-sg>']
  const out: Outcome[] = []
  for (const [az, d] of [...byAz].sort(([a], [b]) => byText(a, b))) {
    const key = {az}
    const who = [d.instances.length ? `instances ${d.instances.join(', ')}` : '', d.asgSubnets.length ? `ASG subnets ${d.asgSubnets.join(', ')}` : '',
      d.services?.length ? `the awsvpc tasks of service${d.services.length > 1 ? 's' : ''} ${d.services.join(', ')} (subnets ${d.serviceSubnets!.join(', ')})` : '']
      .filter(Boolean).join(' and ')
    const ev = {azId: az, instances: d.instances, asgSubnets: d.asgSubnets, ...(d.services ? {services: d.services, serviceSubnets: d.serviceSubnets} : {})}
    if (fs.availabilityZoneId && fs.availabilityZoneId !== az) {
      out.push(fail(res.fileSystem(fs), `One Zone file system ${fs.id} lives in ${fs.availabilityZoneId} (${fs.availabilityZoneName ?? ''}), but ${who} are in ${az}: they cannot resolve its DNS name and pay cross-AZ traffic.`,
        {summary: `Keep this cluster's capacity in ${fs.availabilityZoneId} (restrict the ASG subnets), move to a Regional file system, or mount with efs-utils \`-o az=${fs.availabilityZoneName ?? '<fs-az-name>'}\`.`},
        {evidence: {...ev, fileSystemAzId: fs.availabilityZoneId}, key}))
      continue
    }
    const here = mts.filter(mt => (mt.azId ?? s.subnets?.[mt.subnetId]?.azId) === az)
    const ok = here.find(mt => mt.lifeCycleState === 'available')
    if (ok) {
      out.push(pass(res.fileSystem(fs), `${fs.id} has available mount target ${ok.id} in ${az} for ${who}.`, {evidence: {...ev, mountTargetId: ok.id}, key}))
      continue
    }
    const subnet = d.asgSubnets[0] ?? s.instances?.[d.instances[0]]?.subnetId ?? d.serviceSubnets?.[0] ?? `<a subnet in ${az}>`
    const state = here.length ? ` (mount target ${here[0].id} is ${here[0].lifeCycleState})` : ''
    out.push(fail(res.fileSystem(fs), `${fs.id} has no available mount target in ${az}${state}; ${who} there cannot mount it (\`Failed to resolve\`).`,
      {summary: `Create a mount target for ${fs.id} in ${az}.`,
        command: shellCommand(['aws', 'efs', 'create-mount-target', '--file-system-id', fs.id, '--subnet-id', subnet, '--security-groups', ...sgs])},
      {evidence: ev, key}))
  }
  return out
}

export const mountTargetPerAz = defineCheck({
  id: 'efs/mount-target-per-az',
  title: 'An available mount target exists in every AZ the cluster uses or can scale into',
  severity: 'error',
  description: 'The file-system DNS name resolves only in AZs with a mount target: hosts (and awsvpc task ENIs in their service subnets) in other AZs get `Failed to resolve`, often only after a scale-out.',
  remediation: 'Create a mount target in each missing AZ (using the file system\'s mount-target security group), or restrict the ASG to covered AZs.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/manage-fs-access.html',
  needs: ['fileSystems', 'mountTargets', 'containerInstances', 'instances', 'subnets'],
  templateNeeds: [],
  run(s) {
    if (isTemplateMode(s)) return fromTemplate(s)
    const active = activeInstances(s).map(a => a.instance)
    const asgGap = s.autoScalingGroups === undefined ? gapsFor(s, 'autoScalingGroups') : []
    return scopedFileSystems(s).flatMap(fs => {
      const base = demandByAz(s, fs.id, active)
      const tasks = withTaskClients(s, fs.id, base.byAz)
      const unplaced = [...base.unplaced, ...tasks.unplaced]
      const out = evaluateFs(s, fs, tasks.byAz)
      if (out.length === 0 && base.named.length > 0) {
        out.push(pass(res.fileSystem(fs), `Every host that uses ${fs.id} names the mount target it mounts in its UserData (by IP, AZ-specific name or efs-utils az=), so no AZ needs one of its own: ${listCandidates(base.named, 5)}.`,
          {evidence: {namedBy: base.named}, key: {aspect: 'named-mount-targets'}}))
      }
      if (unplaced.length) out.push(unknown(res.fileSystem(fs), `Could not tell the AZ id of: ${unplaced.join('; ')} (ec2:DescribeSubnets).`, {evidence: {unplaced}, key: {aspect: 'az-unknown'}}))
      if (asgGap.length) {
        out.push(unknown(res.fileSystem(fs), `Auto Scaling group subnets were not read (${asgGap.map(g => `${g.action}: ${g.code}`).join('; ')}), so AZs the cluster may scale into were not checked for ${fs.id}.`,
          {evidence: {missingPermissions: asgGap.map(g => g.action)}, key: {aspect: 'asg-subnets-not-read'}}))
      }
      return out
    })
  },
})
