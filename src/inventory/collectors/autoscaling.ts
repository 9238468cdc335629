/**
 * Auto Scaling: the groups the instances belong to, launch configurations (the UserData of instances launched from
 * one), and the launch template version each group launches next.
 */
import {send} from '../aws-clients.js'
import {chunk, mapLimit, paginate} from '../call.js'
import * as map from '../map.js'
import type {Instance, Snapshot} from '../../model/snapshot.js'
import {CONCURRENCY, type CollectContext} from './context.js'
import {fetchInstanceUserData, recordUserData} from './ec2.js'

/** The named groups (50 per call); left undefined when no instances were read or every call failed. */
export async function readGroups(ctx: CollectContext, names: string[]): Promise<void> {
  const {calls, clients, sdk: {asg}, snapshot: s} = ctx
  if (!s.instances) return
  const got: NonNullable<Snapshot['autoScalingGroups']> = []
  let ok = names.length === 0
  await Promise.all(chunk(names, 50).map(async batch => {
    const r = await paginate(t => calls.call('autoScalingGroups', 'autoscaling:DescribeAutoScalingGroups',
      () => send(clients.autoScaling, new asg.DescribeAutoScalingGroupsCommand({AutoScalingGroupNames: batch, NextToken: t, MaxRecords: 100})),
      {resourceIds: batch}), p => p.AutoScalingGroups, p => p.NextToken)
    if (!r.failedFirst) ok = true
    got.push(...r.items.map(map.autoScalingGroup))
  }))
  if (ok) s.autoScalingGroups = got
}

/**
 * UserData of instances in an Auto Scaling group without launch-template tags: the group's launch configuration
 * (50 names per call), else the instance's own attribute.
 */
export async function readLaunchConfigurations(ctx: CollectContext, instances: Instance[]): Promise<void> {
  const {calls, clients, sdk: {asg}, snapshot: s} = ctx
  const byLc = new Map<string, string[]>()
  const own: string[] = []
  const groups = new Map((s.autoScalingGroups ?? []).map(g => [g.name, g]))
  for (const i of instances) {
    if (i.launchTemplate || !i.autoScalingGroupName) continue
    const lc = groups.get(i.autoScalingGroupName)?.launchConfigurationName
    if (lc) byLc.set(lc, [...(byLc.get(lc) ?? []), i.id])
    else own.push(i.id)
  }
  const names = [...byLc.keys()]
  await Promise.all([
    fetchInstanceUserData(ctx, own),
    ...chunk(names, 50).map(async batch => {
      const r = await paginate(t => calls.call('userData', 'autoscaling:DescribeLaunchConfigurations',
        () => send(clients.autoScaling, new asg.DescribeLaunchConfigurationsCommand({LaunchConfigurationNames: batch, NextToken: t, MaxRecords: 50})),
        {resourceIds: batch}), p => p.LaunchConfigurations, p => p.NextToken)
      for (const lc of r.items) {
        const name = lc.LaunchConfigurationName ?? ''
        recordUserData(ctx, `launch-configuration:${name}`, {type: 'launch-configuration', id: name}, lc.UserData, byLc.get(name) ?? [])
      }
    }),
  ])
}

/**
 * What each group launches next ($Latest/$Default or a number): read once per distinct template version that no
 * running instance already gave us, so a changed script is seen before instances boot with it.
 */
export async function readGroupLaunchTemplates(ctx: CollectContext): Promise<void> {
  const {calls, clients, sdk: {ec2}, snapshot: s, found: {userData}} = ctx
  const groups = (s.autoScalingGroups ?? []).filter(g => g.launchTemplate)
  const specs = new Map<string, NonNullable<(typeof groups)[number]['launchTemplate']>>()
  for (const g of groups) specs.set(`${g.launchTemplate!.id || g.launchTemplate!.name}:${g.launchTemplate!.version}`, g.launchTemplate!)
  const resolved = new Map<string, string>()
  await mapLimit([...specs], CONCURRENCY, async ([key, lt]) => {
    if (lt.id && /^\d+$/.test(lt.version) && userData.has(`launch-template:${lt.id}:${lt.version}`)) {
      resolved.set(key, `launch-template:${lt.id}:${lt.version}`)
      return
    }
    const out = await calls.call('userData', 'ec2:DescribeLaunchTemplateVersions', () => send(clients.ec2, new ec2.DescribeLaunchTemplateVersionsCommand({
      ...(lt.id ? {LaunchTemplateId: lt.id} : {LaunchTemplateName: lt.name}), Versions: [lt.version],
    })), {resourceIds: [lt.id || lt.name || key]})
    const v = out?.LaunchTemplateVersions?.[0]
    if (!v) return
    const ltId = v.LaunchTemplateId ?? lt.id
    const version = String(v.VersionNumber ?? lt.version)
    const id = `launch-template:${ltId}:${version}`
    if (!userData.has(id)) recordUserData(ctx, id, {type: 'launch-template', id: ltId, version}, v.LaunchTemplateData?.UserData, [])
    resolved.set(key, id)
  })
  for (const g of groups) {
    const id = resolved.get(`${g.launchTemplate!.id || g.launchTemplate!.name}:${g.launchTemplate!.version}`)
    if (id) g.userDataId = id
  }
}

/** Points each group with a launch configuration at that configuration's UserData, when it was read. */
export function linkLaunchConfigurations(ctx: CollectContext): void {
  for (const g of ctx.snapshot.autoScalingGroups ?? []) {
    const lc = g.launchConfigurationName && `launch-configuration:${g.launchConfigurationName}`
    if (lc && ctx.found.userData.has(lc)) g.userDataId = lc
  }
}
