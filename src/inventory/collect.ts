/**
 * Discovery: a live ECS cluster → Snapshot. Runs a fixed number of dependent steps whatever the cluster size;
 * inside each step calls are batched by id sets, paginated and run concurrently. Every failed call becomes a gap
 * (the part stays undefined or partial) and collection goes on; only "cannot run at all" errors throw a UsageError.
 */
import {UsageError} from '../core/errors.js'
import {TOOL_VERSION} from '../core/version.js'
import {resolveEndpoint, send, type AwsClients} from './aws-clients.js'
import {Calls, chunk, limiter, mapLimit, paginate, type CallEvent} from './call.js'
import {decodeUserData, inferFileSystems} from './infer.js'
import * as map from './map.js'
import {
  SNAPSHOT_SCHEMA_VERSION, type FileSystem, type Instance, type MountTarget, type Snapshot, type SnapshotPart, type TaskDefinition, type UserData,
} from './snapshot.js'

export interface CollectOptions {
  cluster: string
  /** Defaults to the ECS client's configured region. */
  region?: string
  /** File systems named with --file-system; inferred from the cluster when absent or empty. */
  fileSystemIds?: string[]
  onStep?: (title: string) => void
  /** Observer for every AWS call (progress, benchmarks, RoundCounter). */
  onCall?: (event: CallEvent) => void
}

export interface Step {
  title: string
  run: () => Promise<void>
}

/** Ids per EC2 filter value list (the API accepts up to 200 values per filter). */
const EC2_BATCH = 200
/**
 * Instance ids per ec2:DescribeInstances call (InstanceIds, not a filter): EC2 asks for no more than 1,000 ids in
 * one call, and with InstanceIds the call takes no MaxResults (NextToken may still come back and is followed).
 */
const INSTANCE_BATCH = 1000
const CONCURRENCY = 10
/** Above this many registered container instances (one ListContainerInstances page), list them in concurrent partitions. */
const PARTITION_ABOVE = 100
const HEX = '0123456789abcdef'

/**
 * Cluster-query filters splitting container instances on the last hex digit of their EC2 instance id: 2, 4, 8 or
 * 16 disjoint partitions, enough for about 90 instances each (one page). No brackets or parentheses: the query
 * language reserves them, so a partition is an `or` of single-digit matches.
 */
export function instanceIdPartitions(count: number): string[] {
  let k = 2
  while (k < 16 && count / k > 90) k *= 2
  return Array.from({length: k}, (_, p) =>
    [...HEX].filter((_, i) => i % k === p).map(d => `ec2InstanceId =~ .*${d}$`).join(' or '))
}

/**
 * Standalone tasks are read from at most this many ListTasks pages (100 tasks each; the pages are token-chained and
 * ListTasks has no filter to split them on cleanly). Two pages, each followed by DescribeTasks and then
 * DescribeTaskDefinition, end by the fourth round, when ec2:DescribeInstances ends: the chain stays off the
 * critical path. Services (and so their task definitions) are read in full.
 */
const MAX_TASK_PAGES = 2

interface Sdk {
  ecs: typeof import('@aws-sdk/client-ecs')
  ec2: typeof import('@aws-sdk/client-ec2')
  efs: typeof import('@aws-sdk/client-efs')
  asg: typeof import('@aws-sdk/client-auto-scaling')
}

async function loadSdk(): Promise<Sdk> {
  const [ecs, ec2, efs, asg] = await Promise.all([
    import('@aws-sdk/client-ecs'), import('@aws-sdk/client-ec2'), import('@aws-sdk/client-efs'), import('@aws-sdk/client-auto-scaling'),
  ])
  return {ecs, ec2, efs, asg}
}

async function resolveRegion(clients: AwsClients, region?: string): Promise<string | undefined> {
  if (region) return region
  try {
    const r = (clients.ecs as {config?: {region?: string | (() => Promise<string>)}}).config?.region
    return typeof r === 'function' ? await r() : r
  } catch {
    return undefined
  }
}

/**
 * Marks a promise that is started now and awaited later as handled, so a fatal error (which every in-flight call
 * may hit at once) is not also reported as an unhandled rejection while an earlier await has already failed.
 */
function settled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined)
  return p
}

const uniq = <T>(xs: Iterable<T | undefined>): T[] => [...new Set([...xs].filter((x): x is T => x !== undefined && x !== ''))]

/** Builds the named steps; `snapshot()` returns the result once every step has run. */
function collectionSteps(clients: AwsClients, opts: CollectOptions & {region: string | undefined; endpoint?: string}, sdk: Sdk): {
  steps: Step[]
  snapshot: () => Snapshot
  calls: Calls
} {
  const {ecs, ec2, efs, asg} = sdk
  const region = opts.region
  const calls = new Calls({region, endpoint: opts.endpoint, onCall: opts.onCall})
  const explicit = uniq(opts.fileSystemIds ?? [])
  const notes: string[] = []
  const notFound = (): UsageError => new UsageError(`cluster "${opts.cluster}" not found in ${region ?? 'the configured region'}`)
  const clusterMissing = (code: string): 'gap' => {
    if (code === 'ClusterNotFoundException') throw notFound()
    return 'gap'
  }

  const s: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    collectedAt: new Date().toISOString(),
    tool: {name: 'efsdoctor', version: TOOL_VERSION},
    scope: {source: 'aws', cluster: opts.cluster, fileSystems: []},
    gaps: calls.gaps,
  }
  if (region) s.scope.region = region

  // Working state shared by the steps.
  const allFileSystems = new Map<string, FileSystem>()
  let fileSystemsListed = false
  const mountTargetsByFs = new Map<string, MountTarget[]>()
  const eniGroups = new Map<string, string[]>()
  const userData = new Map<string, UserData>()
  const ltInstances = new Map<string, Map<string, string[]>>()
  const attrInstances: string[] = []

  // ---------- reusable fetchers ----------

  const fetchMountTargets = async (fsIds: string[]): Promise<void> => {
    await mapLimit(fsIds, CONCURRENCY, async fsId => {
      const r = await paginate(
        m => calls.call('mountTargets', 'elasticfilesystem:DescribeMountTargets',
          () => send(clients.efs, new efs.DescribeMountTargetsCommand({FileSystemId: fsId, Marker: m})), {
            resourceIds: [fsId],
            onError: code => (code === 'FileSystemNotFound' ? {value: {MountTargets: [], $metadata: {}}} : 'gap'),
          }),
        p => p.MountTargets, p => p.NextMarker)
      if (!r.failedFirst) mountTargetsByFs.set(fsId, r.items.map(map.mountTarget))
    })
  }

  const fetchEnis = async (mts: MountTarget[]): Promise<void> => {
    const ids = uniq(mts.map(m => m.networkInterfaceId)).filter(id => !eniGroups.has(id))
    await Promise.all(chunk(ids, EC2_BATCH).map(batch => paginate(
      t => calls.call('mountTargets', 'ec2:DescribeNetworkInterfaces', () => send(clients.ec2, new ec2.DescribeNetworkInterfacesCommand({
        Filters: [{Name: 'network-interface-id', Values: batch}], NextToken: t, MaxResults: 1000,
      })), {resourceIds: batch}),
      p => p.NetworkInterfaces, p => p.NextToken,
      page => {
        for (const n of page) if (n.NetworkInterfaceId) eniGroups.set(n.NetworkInterfaceId, uniq((n.Groups ?? []).map(g => g.GroupId)))
      })))
  }

  /** EC2 describe by a filter over an id set: batched, paginated, concurrent; partial results kept. */
  const describeByIds = async <P, T, R>(part: SnapshotPart, action: string, ids: string[],
    request: (batch: string[], token?: string) => Promise<P>, items: (p: P) => T[] | undefined, next: (p: P) => string | undefined,
    mapOne: (t: T) => R): Promise<R[] | undefined> => {
    const out: R[] = []
    let anyOk = ids.length === 0
    await Promise.all(chunk(ids, EC2_BATCH).map(async batch => {
      const r = await paginate(t => calls.call(part, action, () => request(batch, t), {resourceIds: batch}), items, next)
      if (!r.failedFirst) anyOk = true
      out.push(...r.items.map(mapOne))
    }))
    return anyOk ? out : undefined
  }

  const fetchSecurityGroups = async (ids: string[]): Promise<void> => {
    const want = ids.filter(id => !s.securityGroups?.[id])
    if (!want.length && s.securityGroups) return
    const got = await describeByIds('securityGroups', 'ec2:DescribeSecurityGroups', want,
      (b, t) => send(clients.ec2, new ec2.DescribeSecurityGroupsCommand({Filters: [{Name: 'group-id', Values: b}], NextToken: t, MaxResults: 1000})),
      p => p.SecurityGroups, p => p.NextToken, map.securityGroup)
    if (got) s.securityGroups = {...s.securityGroups, ...Object.fromEntries(got.map(g => [g.id, g]))}
  }

  const udEntry = (id: string, source: UserData['source'], base64: string | undefined, instanceIds: string[]): void => {
    userData.set(id, {id, source, instanceIds, text: base64 ? decodeUserData(base64) : ''})
    for (const iid of instanceIds) {
      const inst = s.instances?.[iid]
      if (inst) inst.userDataId = id
    }
  }

  const fetchInstanceUserData = async (ids: string[]): Promise<void> => {
    await mapLimit(ids, CONCURRENCY, async id => {
      const out = await calls.call('userData', 'ec2:DescribeInstanceAttribute',
        () => send(clients.ec2, new ec2.DescribeInstanceAttributeCommand({InstanceId: id, Attribute: 'userData'})), {resourceIds: [id]})
      if (out) udEntry(`instance:${id}`, {type: 'instance', id}, out.UserData?.Value, [id])
    })
  }

  const listPage = (token: string | undefined, filter?: string, quiet = false) => calls.call('containerInstances', 'ecs:ListContainerInstances',
    () => send(clients.ecs, new ecs.ListContainerInstancesCommand({cluster: opts.cluster, nextToken: token, maxResults: 100, filter})),
    {onError: clusterMissing, quiet})

  /**
   * All container-instance ARNs. ECS lists 100 per page and each page needs the previous token, so a big cluster
   * would cost one dependent round per 100 instances. Instead the listing waits for DescribeClusters: up to
   * PARTITION_ABOVE registered instances it is one plain page; above, disjoint partitions are listed concurrently,
   * split on the last hex digit of the EC2 instance id with the cluster query language (`ec2InstanceId =~ .*a$`, Java
   * regex). Either way it is the second round, so the listing takes the same rounds at every size. The partitions are
   * checked (no ARN in two partitions, at least the registered count found); if anything is off, or the count is
   * unknown, it falls back to plain paging.
   */
  const listContainerInstanceArns = async (clusterCount: Promise<number | undefined>): Promise<string[] | undefined> => {
    const count = await clusterCount.catch(() => undefined)
    if (count !== undefined && count > PARTITION_ABOVE) {
      const partitions = instanceIdPartitions(count)
      const results = await Promise.all(partitions.map(filter =>
        paginate(t => listPage(t, filter, true), p => p.containerInstanceArns, p => p.nextToken)))
      const seen = new Set<string>()
      let ok = results.every(r => r.complete)
      for (const r of results) {
        for (const arn of r.items) {
          if (seen.has(arn)) ok = false
          seen.add(arn)
        }
      }
      if (ok && seen.size >= count) return [...seen]
      notes.push('listing container instances by partition did not add up; listed them page by page instead')
    }
    // A later page that fails keeps what was read; its gap is recorded.
    const r = await paginate(t => listPage(t), p => p.containerInstanceArns, p => p.nextToken)
    return r.failedFirst ? undefined : uniq(r.items)
  }

  /** Task definitions, each fetched once as soon as a service or running task names it (the results are read in step 2). */
  const taskDefinitions = new Map<string, Promise<TaskDefinition | undefined>>()
  const tdLimit = limiter(CONCURRENCY)
  const fetchTaskDefinitions = (arns: Iterable<string | undefined>): void => {
    for (const arn of arns) {
      if (!arn || taskDefinitions.has(arn)) continue
      taskDefinitions.set(arn, settled(tdLimit(() => calls.call('taskDefinitions', 'ecs:DescribeTaskDefinition',
        () => send(clients.ecs, new ecs.DescribeTaskDefinitionCommand({taskDefinition: arn})), {resourceIds: [arn]}))
        .then(out => (out?.taskDefinition ? map.taskDefinition(out.taskDefinition) : undefined))))
    }
  }

  /**
   * Running tasks → their task definitions, started in the first round and awaited at the end of step 2 (see
   * MAX_TASK_PAGES): each ListTasks page is described at once, and every task definition it reveals fetched at once.
   */
  const readRunningTasks = async (): Promise<void> => {
    const describeTasks: Promise<void>[] = []
    let token: string | undefined
    for (let page = 0; page < MAX_TASK_PAGES; page++) {
      const out = await calls.call('taskDefinitions', 'ecs:ListTasks', () => send(clients.ecs, new ecs.ListTasksCommand({
        cluster: opts.cluster, desiredStatus: 'RUNNING', nextToken: token, maxResults: 100,
      })), {onError: clusterMissing})
      const arns = out?.taskArns ?? []
      if (arns.length) {
        describeTasks.push(settled(calls.call('taskDefinitions', 'ecs:DescribeTasks',
          () => send(clients.ecs, new ecs.DescribeTasksCommand({cluster: opts.cluster, tasks: arns})), {resourceIds: arns})
          .then(d => fetchTaskDefinitions((d?.tasks ?? []).map(t => t.taskDefinitionArn)))))
      }
      token = out?.nextToken
      if (!token) break
      if (page === MAX_TASK_PAGES - 1) notes.push(`only the first ${MAX_TASK_PAGES * 100} running tasks were read for their task definitions (services are read in full)`)
    }
    await Promise.all(describeTasks)
  }
  let runningTasks: Promise<void> = Promise.resolve()

  /**
   * EC2 instances by id, up to INSTANCE_BATCH per call. An instance terminated between listing and describing fails
   * the whole call with InvalidInstanceID.NotFound: the batch is retried without the ids the message names (or split
   * in two when it names none), and those ids are returned as `missing` (no gap: EC2 answered that they do not exist).
   */
  const describeInstances = async (ids: string[]): Promise<{instances: Instance[]; missing: string[]; anyOk: boolean}> => {
    const found = new Map<string, Instance>()
    const missing: string[] = []
    let anyOk = ids.length === 0
    const run = async (batch: string[]): Promise<void> => {
      if (!batch.length) return
      let notFound: string | undefined
      const r = await paginate(t => calls.call('instances', 'ec2:DescribeInstances',
        () => send(clients.ec2, new ec2.DescribeInstancesCommand({InstanceIds: batch, NextToken: t})), {
          resourceIds: batch,
          onError: (code, error) => {
            if (code !== 'InvalidInstanceID.NotFound') return 'gap'
            notFound = String((error as {message?: unknown})?.message ?? '')
            return {value: undefined as never}
          },
        }), p => (p.Reservations ?? []).flatMap(x => x.Instances ?? []), p => p.NextToken)
      for (const i of r.items.map(map.instance)) found.set(i.id, i)
      if (notFound === undefined) {
        if (!r.failedFirst) anyOk = true
        return
      }
      const named = new Set(notFound.match(/\bi-[0-9a-f]+\b/g) ?? [])
      const gone = batch.filter(id => named.has(id))
      if (gone.length) {
        missing.push(...gone)
        if (gone.length === batch.length) anyOk = true
        await run(batch.filter(id => !named.has(id)))
      } else if (batch.length === 1) {
        missing.push(batch[0])
        anyOk = true
      } else {
        const half = Math.ceil(batch.length / 2)
        await Promise.all([run(batch.slice(0, half)), run(batch.slice(half))])
      }
    }
    await Promise.all(chunk(ids, INSTANCE_BATCH).map(run))
    return {instances: [...found.values()], missing: uniq(missing), anyOk}
  }

  // ---------- steps ----------

  const step1: Step = {
    title: 'Cluster, container instances, services and file systems',
    run: async () => {
      const describeServices: Promise<void>[] = []
      const services: NonNullable<Snapshot['services']> = []
      runningTasks = settled(readRunningTasks())

      const cluster = calls.call('cluster', 'ecs:DescribeClusters',
        () => send(clients.ecs, new ecs.DescribeClustersCommand({clusters: [opts.cluster]})), {onError: clusterMissing})
        .then(out => {
          if (!out) return undefined
          const c = out.clusters?.[0]
          if (!c || c.status === 'INACTIVE') throw notFound()
          s.cluster = {name: c.clusterName ?? opts.cluster, arn: c.clusterArn ?? '', status: c.status ?? 'UNKNOWN'}
          return c.registeredContainerInstancesCount
        })

      const containerInstances = Promise.all([listContainerInstanceArns(cluster), cluster]).then(async ([arns]) => {
        if (!arns) return
        const cis: NonNullable<Snapshot['containerInstances']> = []
        await Promise.all(chunk(arns, 100).map(batch => calls.call('containerInstances', 'ecs:DescribeContainerInstances',
          () => send(clients.ecs, new ecs.DescribeContainerInstancesCommand({cluster: opts.cluster, containerInstances: batch})),
          {resourceIds: batch, onError: clusterMissing})
          .then(out => { cis.push(...(out?.containerInstances ?? []).map(map.containerInstance)) })))
        s.containerInstances = cis
      })

      const serviceList = paginate(
        t => calls.call('services', 'ecs:ListServices',
          () => send(clients.ecs, new ecs.ListServicesCommand({cluster: opts.cluster, nextToken: t, maxResults: 100})), {onError: clusterMissing}),
        p => p.serviceArns, p => p.nextToken,
        arns => {
          for (const batch of chunk(arns, 10)) {
            describeServices.push(settled(calls.call('services', 'ecs:DescribeServices',
              () => send(clients.ecs, new ecs.DescribeServicesCommand({cluster: opts.cluster, services: batch})), {resourceIds: batch})
              .then(out => {
                const got = (out?.services ?? []).filter(x => x.status !== 'INACTIVE').map(map.service)
                services.push(...got)
                fetchTaskDefinitions(got.map(x => x.taskDefinitionArn))
              })))
          }
        })
        .then(async r => {
          await Promise.all(describeServices)
          if (!r.failedFirst) s.services = services
        })

      const fileSystems = (async () => {
        if (explicit.length) {
          await mapLimit(explicit, CONCURRENCY, async id => {
            const out = await calls.call('fileSystems', 'elasticfilesystem:DescribeFileSystems',
              () => send(clients.efs, new efs.DescribeFileSystemsCommand({FileSystemId: id})), {
                resourceIds: [id],
                onError: code => {
                  if (code === 'FileSystemNotFound') throw new UsageError(`file system ${id} not found in ${region ?? 'the configured region'}`)
                  return 'gap'
                },
              })
            for (const f of out?.FileSystems ?? []) allFileSystems.set(f.FileSystemId ?? id, map.fileSystem(f))
            if (out) fileSystemsListed = true
          })
        } else {
          const r = await paginate(
            m => calls.call('fileSystems', 'elasticfilesystem:DescribeFileSystems',
              () => send(clients.efs, new efs.DescribeFileSystemsCommand({Marker: m, MaxItems: 100}))),
            p => p.FileSystems, p => p.NextMarker)
          for (const f of r.items) allFileSystems.set(f.FileSystemId ?? '', map.fileSystem(f))
          fileSystemsListed = !r.failedFirst
        }
      })()

      // NOTE: the running-task chain (runningTasks) is not awaited here: it ends in step 2.
      await Promise.all([cluster, containerInstances, serviceList, fileSystems])
    },
  }

  const step2: Step = {
    title: 'EC2 instances, task definitions and mount targets',
    run: async () => {
      const instanceIds = uniq((s.containerInstances ?? []).map(c => c.ec2InstanceId))
      const instances = (async () => {
        if (!s.containerInstances) return
        const got = await describeInstances(instanceIds)
        if (got.anyOk) s.instances = Object.fromEntries(got.instances.map(i => [i.id, i]))
        // NOTE: absent from `instances` with no gap, so ecs/container-instances-healthy reports "no such instance".
        if (got.missing.length) notes.push(`EC2 reports no instance ${got.missing.join(', ')} (terminated after the container instances were listed?)`)
      })()
      const taskDefs = (async () => {
        await runningTasks
        const arns = [...taskDefinitions.keys()].sort()
        const tds = await Promise.all(arns.map(arn => taskDefinitions.get(arn)!))
        const ok = tds.filter((t): t is TaskDefinition => t !== undefined)
        if (ok.length || !arns.length) s.taskDefinitions = ok
      })()
      // NOTE: mount targets of every candidate file system: the VPC inference needs them before the scope is known.
      const mounts = fetchMountTargets([...allFileSystems.keys()])
      await Promise.all([instances, taskDefs, mounts])
    },
  }

  const instanceList = (): NonNullable<Snapshot['instances']>[string][] => Object.values(s.instances ?? {})
  const instanceVpcs = (): Set<string> => new Set(uniq(instanceList().map(i => i.vpcId)))
  /** Mount targets worth looking at before the scope is final: in the instances' VPCs, or of named/referenced file systems. */
  const relevantMountTargets = (): MountTarget[] => {
    const vpcs = instanceVpcs()
    const named = new Set([...explicit, ...(s.taskDefinitions ?? []).flatMap(t => t.volumes.map(v => v.efsVolumeConfiguration?.fileSystemId))])
    return [...mountTargetsByFs.values()].flat().filter(m => (m.vpcId && vpcs.has(m.vpcId)) || named.has(m.fileSystemId))
  }
  let dhcpIds: string[] = []

  const step3: Step = {
    title: 'Auto Scaling groups, launch templates, UserData, mount-target network interfaces and VPCs',
    run: async () => {
      const insts = instanceList()
      for (const i of insts) {
        if (i.launchTemplate) {
          const versions = ltInstances.get(i.launchTemplate.id) ?? new Map<string, string[]>()
          versions.set(i.launchTemplate.version, [...(versions.get(i.launchTemplate.version) ?? []), i.id])
          ltInstances.set(i.launchTemplate.id, versions)
        } else if (!i.autoScalingGroupName) {
          attrInstances.push(i.id)
        }
      }
      const asgNames = uniq(insts.map(i => i.autoScalingGroupName))
      const asgs = (async () => {
        if (!s.instances) return
        const got: NonNullable<Snapshot['autoScalingGroups']> = []
        let ok = asgNames.length === 0
        await Promise.all(chunk(asgNames, 50).map(async batch => {
          const r = await paginate(t => calls.call('autoScalingGroups', 'autoscaling:DescribeAutoScalingGroups',
            () => send(clients.autoScaling, new asg.DescribeAutoScalingGroupsCommand({AutoScalingGroupNames: batch, NextToken: t, MaxRecords: 100})),
            {resourceIds: batch}), p => p.AutoScalingGroups, p => p.NextToken)
          if (!r.failedFirst) ok = true
          got.push(...r.items.map(map.autoScalingGroup))
        }))
        if (ok) s.autoScalingGroups = got
      })()
      const launchTemplates = mapLimit([...ltInstances], CONCURRENCY, async ([ltId, versions]) => {
        const vs = [...versions.keys()]
        const r = await paginate(t => calls.call('userData', 'ec2:DescribeLaunchTemplateVersions',
          () => send(clients.ec2, new ec2.DescribeLaunchTemplateVersionsCommand({LaunchTemplateId: ltId, Versions: vs, NextToken: t})),
          {resourceIds: [ltId]}), p => p.LaunchTemplateVersions, p => p.NextToken)
        for (const v of r.items) {
          const version = String(v.VersionNumber ?? '')
          const ids = versions.get(version) ?? (v.DefaultVersion ? versions.get('$Default') : undefined) ?? []
          udEntry(`launch-template:${ltId}:${version}`, {type: 'launch-template', id: ltId, version}, v.LaunchTemplateData?.UserData, ids)
        }
      })
      const attrs = fetchInstanceUserData(attrInstances)
      const enis = fetchEnis(relevantMountTargets())
      const vpcs = (async () => {
        const ids = uniq([...instanceVpcs(), ...relevantMountTargets().map(m => m.vpcId)])
        const got = await describeByIds('vpcs', 'ec2:DescribeVpcs', ids,
          (b, t) => send(clients.ec2, new ec2.DescribeVpcsCommand({Filters: [{Name: 'vpc-id', Values: b}], NextToken: t, MaxResults: 1000})),
          p => p.Vpcs, p => p.NextToken, map.vpc)
        if (got) s.vpcs = Object.fromEntries(got.map(v => [v.id, v]))
        dhcpIds = uniq((got ?? []).map(v => v.dhcpOptionsId)).filter(id => id !== 'default')
      })()
      await Promise.all([asgs, launchTemplates, attrs, enis, vpcs])
    },
  }

  const step4: Step = {
    title: 'Security groups, subnets, network ACLs, VPC DNS settings and launch configurations',
    run: async () => {
      const insts = instanceList()
      const mts = relevantMountTargets()
      const sgIds = uniq([
        ...insts.flatMap(i => i.securityGroupIds),
        ...mts.flatMap(m => (m.networkInterfaceId ? eniGroups.get(m.networkInterfaceId) : undefined) ?? []),
        ...(s.services ?? []).flatMap(x => x.securityGroupIds ?? []),
      ])
      const subnetIds = uniq([
        ...insts.map(i => i.subnetId), ...mts.map(m => m.subnetId),
        ...(s.autoScalingGroups ?? []).flatMap(g => g.subnetIds), ...(s.services ?? []).flatMap(x => x.subnetIds ?? []),
      ])
      const sgs = fetchSecurityGroups(sgIds)
      const subnets = describeByIds('subnets', 'ec2:DescribeSubnets', subnetIds,
        (b, t) => send(clients.ec2, new ec2.DescribeSubnetsCommand({Filters: [{Name: 'subnet-id', Values: b}], NextToken: t, MaxResults: 1000})),
        p => p.Subnets, p => p.NextToken, map.subnet)
        .then(got => { if (got) s.subnets = Object.fromEntries(got.map(x => [x.id, x])) })
      const nacls = describeByIds('networkAcls', 'ec2:DescribeNetworkAcls', subnetIds,
        // NOTE: DescribeNetworkAcls pages hold at most 100 (other EC2 describes here take 1000).
        (b, t) => send(clients.ec2, new ec2.DescribeNetworkAclsCommand({Filters: [{Name: 'association.subnet-id', Values: b}], NextToken: t, MaxResults: 100})),
        p => p.NetworkAcls, p => p.NextToken, map.networkAcl)
        .then(got => {
          if (!got) return
          const byId = new Map<string, typeof got[number]>()
          for (const a of got) byId.set(a.id, a)
          s.networkAcls = [...byId.values()]
        })
      const vpcAttrs = mapLimit(Object.values(s.vpcs ?? {}).flatMap(v => (['enableDnsSupport', 'enableDnsHostnames'] as const).map(a => [v, a] as const)),
        CONCURRENCY, async ([v, attr]) => {
          const out = await calls.call('vpcs', 'ec2:DescribeVpcAttribute',
            () => send(clients.ec2, new ec2.DescribeVpcAttributeCommand({VpcId: v.id, Attribute: attr})), {resourceIds: [v.id]})
          const value = attr === 'enableDnsSupport' ? out?.EnableDnsSupport?.Value : out?.EnableDnsHostnames?.Value
          if (value !== undefined) v[attr] = value
        })
      const dhcp = (async () => {
        if (!dhcpIds.length) {
          for (const v of Object.values(s.vpcs ?? {})) if (v.dhcpOptionsId === 'default') v.domainNameServers = ['AmazonProvidedDNS']
          return
        }
        const out = await calls.call('vpcs', 'ec2:DescribeDhcpOptions', () => send(clients.ec2, new ec2.DescribeDhcpOptionsCommand({
          Filters: [{Name: 'dhcp-options-id', Values: dhcpIds}],
        })), {resourceIds: dhcpIds})
        const servers = new Map<string, string[]>()
        for (const o of out?.DhcpOptions ?? []) {
          const conf = (o.DhcpConfigurations ?? []).find(c => c.Key === 'domain-name-servers')
          servers.set(o.DhcpOptionsId ?? '', uniq((conf?.Values ?? []).map(x => x.Value)))
        }
        for (const v of Object.values(s.vpcs ?? {})) {
          if (v.dhcpOptionsId === 'default') v.domainNameServers = ['AmazonProvidedDNS']
          else if (v.dhcpOptionsId && servers.has(v.dhcpOptionsId)) v.domainNameServers = servers.get(v.dhcpOptionsId)
        }
      })()
      // Instances in an Auto Scaling group without launch-template tags: the group's launch configuration, else their own.
      const launchConfigs = (async () => {
        const byLc = new Map<string, string[]>()
        const own: string[] = []
        const groups = new Map((s.autoScalingGroups ?? []).map(g => [g.name, g]))
        for (const i of insts) {
          if (i.launchTemplate || !i.autoScalingGroupName) continue
          const lc = groups.get(i.autoScalingGroupName)?.launchConfigurationName
          if (lc) byLc.set(lc, [...(byLc.get(lc) ?? []), i.id])
          else own.push(i.id)
        }
        const names = [...byLc.keys()]
        await Promise.all([
          fetchInstanceUserData(own),
          ...chunk(names, 50).map(async batch => {
            const r = await paginate(t => calls.call('userData', 'autoscaling:DescribeLaunchConfigurations',
              () => send(clients.autoScaling, new asg.DescribeLaunchConfigurationsCommand({LaunchConfigurationNames: batch, NextToken: t, MaxRecords: 50})),
              {resourceIds: batch}), p => p.LaunchConfigurations, p => p.NextToken)
            for (const lc of r.items) {
              const name = lc.LaunchConfigurationName ?? ''
              udEntry(`launch-configuration:${name}`, {type: 'launch-configuration', id: name}, lc.UserData, byLc.get(name) ?? [])
            }
          }),
        ])
      })()
      // What each Auto Scaling group launches next ($Latest/$Default or a number): read once per distinct template
      // version that no running instance already gave us, so a changed script is seen before instances boot with it.
      const groupTemplates = (async () => {
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
          if (!userData.has(id)) udEntry(id, {type: 'launch-template', id: ltId, version}, v.LaunchTemplateData?.UserData, [])
          resolved.set(key, id)
        })
        for (const g of groups) {
          const id = resolved.get(`${g.launchTemplate!.id || g.launchTemplate!.name}:${g.launchTemplate!.version}`)
          if (id) g.userDataId = id
        }
      })()
      await Promise.all([sgs, subnets, nacls, vpcAttrs, dhcp, launchConfigs, groupTemplates])
      for (const g of s.autoScalingGroups ?? []) {
        const lc = g.launchConfigurationName && `launch-configuration:${g.launchConfigurationName}`
        if (lc && userData.has(lc)) g.userDataId = lc
      }
      if (s.instances && (userData.size > 0 || !calls.hasGap('userData'))) s.userData = [...userData.values()]
    },
  }

  const step5: Step = {
    title: 'File systems in scope, their policies and access points',
    run: async () => {
      if (explicit.length) {
        s.scope.fileSystems = explicit.map(id => ({id, reasons: ['named with --file-system']}))
      } else {
        const vpcs = instanceVpcs()
        const mountTargetVpcs = new Map<string, Set<string>>()
        for (const m of [...mountTargetsByFs.values()].flat()) {
          if (!m.vpcId || !vpcs.has(m.vpcId)) continue
          mountTargetVpcs.set(m.vpcId, (mountTargetVpcs.get(m.vpcId) ?? new Set()).add(m.fileSystemId))
        }
        s.scope.fileSystems = inferFileSystems({taskDefinitions: s.taskDefinitions ?? [], userData: [...userData.values()], mountTargetVpcs})
        if (!s.scope.fileSystems.length) notes.push('no EFS file system found for this cluster; name one with --file-system')
      }
      const scoped = s.scope.fileSystems.map(f => f.id)
      // Degraded paths (e.g. DescribeFileSystems denied, or a file system only UserData names): look up what is missing.
      const lateFs = scoped.filter(id => !mountTargetsByFs.has(id) && (!fileSystemsListed || allFileSystems.has(id)))
      if (lateFs.length) {
        await fetchMountTargets(lateFs)
        const late = lateFs.flatMap(id => mountTargetsByFs.get(id) ?? [])
        await fetchEnis(late)
        await fetchSecurityGroups(uniq(late.flatMap(m => (m.networkInterfaceId ? eniGroups.get(m.networkInterfaceId) : undefined) ?? [])))
      }
      if (fileSystemsListed || allFileSystems.size) s.fileSystems = scoped.flatMap(id => allFileSystems.get(id) ?? [])
      const fetchedMts = scoped.filter(id => mountTargetsByFs.has(id))
      if (fetchedMts.length || !scoped.length) {
        s.mountTargets = fetchedMts.flatMap(id => mountTargetsByFs.get(id)!).map(m => {
          const groups = m.networkInterfaceId ? eniGroups.get(m.networkInterfaceId) : undefined
          return groups ? {...m, securityGroupIds: groups} : m
        })
      }
      const existing = scoped.filter(id => !fileSystemsListed || allFileSystems.has(id))
      const policies: NonNullable<Snapshot['fileSystemPolicies']> = {}
      const accessPoints: NonNullable<Snapshot['accessPoints']> = []
      let policyOk = existing.length === 0
      let apOk = existing.length === 0
      await mapLimit(existing, CONCURRENCY, async id => {
        const [policy, aps] = await Promise.all([
          calls.call('fileSystemPolicies', 'elasticfilesystem:DescribeFileSystemPolicy',
            () => send(clients.efs, new efs.DescribeFileSystemPolicyCommand({FileSystemId: id})), {
              resourceIds: [id],
              onError: code => (code === 'PolicyNotFound' ? {value: {Policy: undefined, $metadata: {}}} : 'gap'),
            }),
          paginate(t => calls.call('accessPoints', 'elasticfilesystem:DescribeAccessPoints',
            () => send(clients.efs, new efs.DescribeAccessPointsCommand({FileSystemId: id, NextToken: t})), {resourceIds: [id]}),
          p => p.AccessPoints, p => p.NextToken),
        ])
        if (policy) {
          policies[id] = policy.Policy ?? null
          policyOk = true
        }
        if (!aps.failedFirst) apOk = true
        accessPoints.push(...aps.items.map(map.accessPoint))
      })
      if (policyOk) s.fileSystemPolicies = policies
      if (apOk) s.accessPoints = accessPoints
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

  return {steps: [step1, step2, step3, step4, step5], snapshot, calls}
}

/**
 * The steps of one collection, ready to run in order (e.g. as listr2 tasks); call `snapshot()` after the last one.
 * Loads the SDK modules and resolves the region and custom endpoint first.
 */
export async function prepareCollection(clients: AwsClients, opts: CollectOptions): Promise<{steps: Step[]; snapshot: () => Snapshot}> {
  const [sdk, region, endpoint] = await Promise.all([loadSdk(), resolveRegion(clients, opts.region), resolveEndpoint(clients.ecs)])
  const {steps, snapshot} = collectionSteps(clients, {...opts, region, endpoint}, sdk)
  return {steps, snapshot}
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
