/**
 * Discovery: a live ECS cluster → Snapshot. Runs a fixed number of dependent steps whatever the cluster size;
 * inside each step calls are batched by id sets, paginated and run concurrently. Every failed call becomes a gap
 * (the part stays undefined or partial) and collection goes on; only "cannot run at all" errors throw a UsageError.
 *
 * This file says which calls run together in which step; the calls themselves live in collectors/ (ecs.ts, ec2.ts,
 * efs.ts, autoscaling.ts), which share one CollectContext (collectors/context.ts).
 */
import {UsageError} from '../core/errors.js'
import {loadShellParser, loadShellParserFor} from '../core/shell-parser.js'
import {TOOL_VERSION} from '../core/version.js'
import {resolveEndpoint, resolveRegion, sdk, type AwsClients} from './aws-clients.js'
import {Calls, type CallEvent} from './call.js'
import * as autoscaling from './collectors/autoscaling.js'
import {settled, uniq, type CollectContext, type Sdk} from './collectors/context.js'
import * as ec2 from './collectors/ec2.js'
import * as ecs from './collectors/ecs.js'
import * as efs from './collectors/efs.js'
import {inferFileSystems} from './infer.js'
import {scopeByEvidence} from '../checks/_lib/usage.js'
import {SNAPSHOT_SCHEMA_VERSION, type Instance, type MountTarget, type Snapshot} from '../model/snapshot.js'

export {instanceIdPartitions} from './collectors/ecs.js'

export interface CollectOptions {
  cluster: string
  /** Defaults to the ECS client's configured region. */
  region?: string
  /** File systems named with --file-system; inferred from the cluster when absent or empty. */
  fileSystemIds?: string[]
  onStep?: (title: string) => void
  /** Observer for every AWS call (progress, benchmarks, RoundCounter). */
  onCall?: (event: CallEvent) => void
  /** The run's deadline (--timeout): calls it cuts off become `TimedOut` gaps. */
  signal?: AbortSignal
  timeoutSeconds?: number
}

export interface Step {
  title: string
  run: () => Promise<void>
}

/**
 * The SDK modules, in two parts: ECS and EFS (step 1's calls) before anything starts; EC2 and Auto Scaling (from step 2
 * on) imported only then, so they compile while step 1's first calls are in flight instead of before them (the two
 * are most of the ~30 ms the SDK takes to load). `rest` fills `sdk` in when they are loaded.
 */
async function loadSdk(): Promise<{sdk: Sdk; rest: Promise<void>}> {
  const [ecs, efs] = await Promise.all([sdk.ecs(), sdk.efs()])
  const loaded = {ecs, efs} as Sdk
  const rest = Promise.all([sdk.ec2(), sdk.asg()]).then(([ec2, asg]) => { loaded.ec2 = ec2; loaded.asg = asg })
  rest.catch(() => {}) // awaited (and reported) by step 2
  return {sdk: loaded, rest}
}

function newContext(clients: AwsClients, opts: CollectOptions & {region: string | undefined; endpoint?: string}, sdk: Sdk): CollectContext {
  const region = opts.region
  const calls = new Calls({region, endpoint: opts.endpoint, onCall: opts.onCall, signal: opts.signal, timeoutSeconds: opts.timeoutSeconds})
  const snapshot: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    collectedAt: new Date().toISOString(),
    tool: {name: 'efsdoctor', version: TOOL_VERSION},
    scope: {source: 'aws', cluster: opts.cluster, fileSystems: []},
    gaps: calls.gaps,
  }
  if (region) snapshot.scope.region = region
  return {
    clients, sdk, cluster: opts.cluster, region, explicitFileSystems: uniq(opts.fileSystemIds ?? []), calls, snapshot, notes: [],
    found: {fileSystems: new Map(), fileSystemsListed: false, mountTargetsByFs: new Map(), eniGroups: new Map(), userData: new Map(), imageNames: new Map(), fsDetails: new Map()},
  }
}

/**
 * Starts loading the bash grammar (35–60 ms of main-thread work here) while step 1's calls are in flight: step 4 reads the
 * scope, which parses UserData, before it can prefetch policies and access points, and the checks need it too. Loaded
 * for nothing only on a cluster without any UserData. A failed load is reported where it is awaited.
 */
function preloadShellParser(): void {
  loadShellParser().catch(() => {})
}

/**
 * Builds the named steps; `snapshot()` returns the result once every step has run. Step 1 uses only the ECS and EFS
 * modules; `sdkLoaded` is awaited before step 2 (the EC2 and Auto Scaling ones).
 */
function collectionSteps(ctx: CollectContext, sdkLoaded: Promise<void>): Collection {
  const {snapshot: s, found, notes, explicitFileSystems: explicit} = ctx
  const taskDefinitions = new ecs.TaskDefinitions(ctx)
  // Started in step 1 and awaited in step 2 (see MAX_TASK_PAGES in collectors/ecs.ts).
  let runningTasks: Promise<void> = Promise.resolve()
  let dhcpIds: string[] = []

  const instanceList = (): Instance[] => Object.values(s.instances ?? {})
  const instanceVpcs = (): Set<string> => new Set(uniq(instanceList().map(i => i.vpcId)))
  /** Mount targets worth looking at before the scope is final: in the instances' VPCs, or of named/referenced file systems. */
  const relevantMountTargets = (): MountTarget[] => {
    const vpcs = instanceVpcs()
    const named = new Set([...explicit, ...(s.taskDefinitions ?? []).flatMap(t => t.volumes.map(v => v.efsVolumeConfiguration?.fileSystemId))])
    return [...found.mountTargetsByFs.values()].flat().filter(m => (m.vpcId && vpcs.has(m.vpcId)) || named.has(m.fileSystemId))
  }
  /** The scope from what has been read so far: step 5 takes the final one, step 4 an early look. */
  const currentScope = async () => {
    const vpcs = instanceVpcs()
    const mountTargetVpcs = new Map<string, Set<string>>()
    for (const m of [...found.mountTargetsByFs.values()].flat()) {
      if (!m.vpcId || !vpcs.has(m.vpcId)) continue
      mountTargetVpcs.set(m.vpcId, (mountTargetVpcs.get(m.vpcId) ?? new Set()).add(m.fileSystemId))
    }
    const inferred = explicit.length ? [] : inferFileSystems({taskDefinitions: s.taskDefinitions ?? [], userData: [...found.userData.values()], mountTargetVpcs})
    // NOTE: the usage model reads mount-target IPs (mounts by IP), so it sees every mount target found so far. It
    // parses UserData, so the shell grammar must be loaded first (without it every script reads as no mount at all).
    await loadShellParserFor([...found.userData.values()].map(u => u.text))
    return scopeByEvidence({...s, userData: [...found.userData.values()], mountTargets: [...found.mountTargetsByFs.values()].flat()}, inferred, explicit)
  }
  const eniGroupsOf = (mts: MountTarget[]): string[] =>
    mts.flatMap(m => (m.networkInterfaceId ? found.eniGroups.get(m.networkInterfaceId) : undefined) ?? [])

  const step1: Step = {
    title: 'Cluster, container instances, services and file systems',
    run: async () => {
      preloadShellParser()
      runningTasks = settled(ecs.readRunningTasks(ctx, taskDefinitions))
      const cluster = ecs.describeCluster(ctx)
      const containerInstances = ecs.readContainerInstances(ctx, cluster)
      const services = ecs.readServices(ctx, taskDefinitions)
      const fileSystems = efs.readFileSystems(ctx)
      // NOTE: the running-task chain (runningTasks) is not awaited here: it ends in step 2.
      await Promise.all([cluster, containerInstances, services, fileSystems])
    },
  }

  const step2: Step = {
    title: 'EC2 instances, task definitions and mount targets',
    run: async () => {
      await sdkLoaded
      const instances = ec2.readInstances(ctx, uniq((s.containerInstances ?? []).map(c => c.ec2InstanceId)))
      const taskDefs = (async () => {
        await runningTasks
        const tds = await taskDefinitions.all()
        if (tds) s.taskDefinitions = tds
      })()
      // NOTE: mount targets of every candidate file system: the VPC inference needs them before the scope is known.
      const mounts = efs.fetchMountTargets(ctx, [...found.fileSystems.keys()])
      await Promise.all([instances, taskDefs, mounts])
    },
  }

  const step3: Step = {
    title: 'Auto Scaling groups, launch templates, UserData, mount-target network interfaces and VPCs',
    run: async () => {
      const insts = instanceList()
      const sources = ec2.userDataSources(insts)
      const asgs = autoscaling.readGroups(ctx, uniq(insts.map(i => i.autoScalingGroupName)))
      const launchTemplates = ec2.readLaunchTemplateUserData(ctx, sources.byTemplate)
      const attrs = ec2.fetchInstanceUserData(ctx, sources.byAttribute)
      const enis = ec2.fetchEnis(ctx, relevantMountTargets())
      const vpcs = ec2.readVpcs(ctx, uniq([...instanceVpcs(), ...relevantMountTargets().map(m => m.vpcId)]))
        .then(ids => { dhcpIds = ids })
      const images = ec2.readImages(ctx, uniq(insts.map(i => i.imageId)))
      await Promise.all([asgs, launchTemplates, attrs, enis, vpcs, images])
    },
  }

  const step4: Step = {
    title: 'Security groups, subnets, network ACLs, VPC DNS settings and launch configurations',
    run: async () => {
      const insts = instanceList()
      const mts = relevantMountTargets()
      const sgIds = uniq([
        ...insts.flatMap(i => i.securityGroupIds),
        ...eniGroupsOf(mts),
        ...(s.services ?? []).flatMap(x => x.securityGroupIds ?? []),
      ])
      const subnetIds = uniq([
        ...insts.map(i => i.subnetId), ...mts.map(m => m.subnetId),
        ...(s.autoScalingGroups ?? []).flatMap(g => g.subnetIds), ...(s.services ?? []).flatMap(x => x.subnetIds ?? []),
      ])
      // NOTE: policies and access points of the file systems already named or used (never of mere candidates, which
      // more evidence can drop) are read alongside this step, not in a round of their own in step 5. Evidence only
      // grows, so these stay in scope; step 5 reads what is left. An error here is met again, and reported, in step 5.
      const early = currentScope()
        .then(scope => efs.prefetchPoliciesAndAccessPoints(ctx, scope.fileSystems.filter(f => !f.candidate).map(f => f.id)))
        .catch(() => undefined)
      await Promise.all([
        early,
        ec2.fetchSecurityGroups(ctx, sgIds),
        ec2.readSubnets(ctx, subnetIds),
        ec2.readNetworkAcls(ctx, subnetIds),
        ec2.readVpcDnsAttributes(ctx),
        ec2.readDhcpOptions(ctx, dhcpIds),
        autoscaling.readLaunchConfigurations(ctx, insts),
        autoscaling.readGroupLaunchTemplates(ctx),
      ])
      autoscaling.linkLaunchConfigurations(ctx)
      ec2.imagesOfUserData(ctx)
      if (s.instances && (found.userData.size > 0 || !ctx.calls.hasGap('userData'))) s.userData = [...found.userData.values()]
    },
  }

  const step5: Step = {
    title: 'File systems in scope, their policies and access points',
    run: async () => {
      const scoped = await currentScope()
      s.scope.fileSystems = scoped.fileSystems
      notes.push(...scoped.notes)
      if (!s.scope.fileSystems.length) notes.push('no EFS file system found for this cluster; name one with --file-system')
      const scopedIds = s.scope.fileSystems.map(f => f.id)
      // Degraded paths (e.g. DescribeFileSystems denied, or a file system only UserData names): look up what is missing.
      const lateFs = scopedIds.filter(id => !found.mountTargetsByFs.has(id) && (!found.fileSystemsListed || found.fileSystems.has(id)))
      if (lateFs.length) {
        await efs.fetchMountTargets(ctx, lateFs)
        const late = lateFs.flatMap(id => found.mountTargetsByFs.get(id) ?? [])
        await ec2.fetchEnis(ctx, late)
        await ec2.fetchSecurityGroups(ctx, uniq(eniGroupsOf(late)))
      }
      efs.recordFileSystemsInScope(ctx, scopedIds)
      await efs.readPoliciesAndAccessPoints(ctx, scopedIds)
    },
  }

  const snapshot = (): Snapshot => {
    const arn = s.cluster?.arn || s.containerInstances?.[0]?.arn || s.services?.[0]?.arn
    const parts = arn?.split(':')
    if (parts && parts.length > 5) {
      s.scope.partition = parts[1]
      s.scope.accountId = parts[4]
    } else {
      const owner = s.fileSystems?.[0]?.ownerId
      if (owner) s.scope.accountId = owner
    }
    if (notes.length) s.scope.notes = notes
    return s
  }

  return {steps: [step1, step2, step3, step4, step5], snapshot, calls: ctx.calls}
}

export interface Collection {
  steps: Step[]
  snapshot: () => Snapshot
  /** The call recorder (how many calls were answered). */
  calls: Calls
}

/**
 * The steps of one collection, ready to run in order (e.g. as listr2 tasks); call `snapshot()` after the last one.
 * Loads the SDK modules and resolves the region and custom endpoint first.
 */
export async function prepareCollection(clients: AwsClients, opts: CollectOptions): Promise<Collection> {
  const [{sdk, rest}, region, endpoint] = await Promise.all([loadSdk(), resolveRegion(clients.ecs, opts.region), resolveEndpoint(clients.ecs)])
  if (!region) throw new UsageError('no AWS region: pass --region, set AWS_REGION, or use a profile that has a region')
  return collectionSteps(newContext(clients, {...opts, region, endpoint}, sdk), rest)
}

/** Collects a snapshot of `opts.cluster`; throws UsageError when the run cannot work at all. */
export async function collectSnapshot(clients: AwsClients, opts: CollectOptions): Promise<Snapshot> {
  const {steps, snapshot} = await prepareCollection(clients, opts)
  for (const step of steps) {
    opts.onStep?.(step.title)
    await step.run()
  }
  return snapshot()
}
