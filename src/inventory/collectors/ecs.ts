/**
 * ECS: the cluster, its container instances (listed in concurrent partitions when there are many), services, running
 * tasks, and every task definition a service or running task names.
 */
import {send} from '../aws-clients.js'
import {chunk, limiter, paginate} from '../call.js'
import * as map from '../map.js'
import type {Snapshot, TaskDefinition} from '../../model/snapshot.js'
import {CONCURRENCY, clusterMissing, clusterNotFound, settled, uniq, type CollectContext} from './context.js'

/** Above this many registered container instances (one ListContainerInstances page), list them in concurrent partitions. */
const PARTITION_ABOVE = 100
const HEX = '0123456789abcdef'

/**
 * Standalone tasks are read from at most this many ListTasks pages (100 tasks each; the pages are token-chained and
 * ListTasks has no filter to split them on cleanly). Two pages, each followed by DescribeTasks and then
 * DescribeTaskDefinition, end by the fourth round, when ec2:DescribeInstances ends: the chain stays off the
 * critical path. Services (and so their task definitions) are read in full.
 */
const MAX_TASK_PAGES = 2

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

/** DescribeClusters; resolves to the registered container-instance count (undefined when the call failed). */
export function describeCluster(ctx: CollectContext): Promise<number | undefined> {
  const {calls, clients, sdk: {ecs}, snapshot: s} = ctx
  return calls.call('cluster', 'ecs:DescribeClusters',
    () => send(clients.ecs, new ecs.DescribeClustersCommand({clusters: [ctx.cluster]})), {onError: clusterMissing(ctx)})
    .then(out => {
      if (!out) return undefined
      const c = out.clusters?.[0]
      if (!c || c.status === 'INACTIVE') throw clusterNotFound(ctx)
      s.cluster = {name: c.clusterName ?? ctx.cluster, arn: c.clusterArn ?? '', status: c.status ?? 'UNKNOWN'}
      return c.registeredContainerInstancesCount
    })
}

function listPage(ctx: CollectContext, token: string | undefined, filter?: string, quiet = false) {
  const {calls, clients, sdk: {ecs}} = ctx
  return calls.call('containerInstances', 'ecs:ListContainerInstances',
    () => send(clients.ecs, new ecs.ListContainerInstancesCommand({cluster: ctx.cluster, nextToken: token, maxResults: 100, filter})),
    {onError: clusterMissing(ctx), quiet})
}

/**
 * All container-instance ARNs. ECS lists 100 per page and each page needs the previous token, so a big cluster
 * would cost one dependent round per 100 instances. Instead the listing waits for DescribeClusters: up to
 * PARTITION_ABOVE registered instances it is one plain page; above, disjoint partitions are listed concurrently,
 * split on the last hex digit of the EC2 instance id with the cluster query language (`ec2InstanceId =~ .*a$`, Java
 * regex). Either way it is the second round, so the listing takes the same rounds at every size. The partitions are
 * checked (no ARN in two partitions, at least the registered count found); if anything is off, or the count is
 * unknown, it falls back to plain paging.
 */
async function listContainerInstanceArns(ctx: CollectContext, clusterCount: Promise<number | undefined>): Promise<string[] | undefined> {
  const count = await clusterCount.catch(() => undefined)
  if (count !== undefined && count > PARTITION_ABOVE) {
    const partitions = instanceIdPartitions(count)
    const results = await Promise.all(partitions.map(filter =>
      paginate(t => listPage(ctx, t, filter, true), p => p.containerInstanceArns, p => p.nextToken)))
    const seen = new Set<string>()
    let ok = results.every(r => r.complete)
    for (const r of results) {
      for (const arn of r.items) {
        if (seen.has(arn)) ok = false
        seen.add(arn)
      }
    }
    if (ok && seen.size >= count) return [...seen]
    ctx.notes.push('listing container instances by partition did not add up; listed them page by page instead')
  }
  // A later page that fails keeps what was read; its gap is recorded.
  const r = await paginate(t => listPage(ctx, t), p => p.containerInstanceArns, p => p.nextToken)
  return r.failedFirst ? undefined : uniq(r.items)
}

/** Container instances: listed once DescribeClusters (`cluster`) has given their count, then described 100 per call. */
export function readContainerInstances(ctx: CollectContext, cluster: Promise<number | undefined>): Promise<void> {
  const {calls, clients, sdk: {ecs}} = ctx
  return Promise.all([listContainerInstanceArns(ctx, cluster), cluster]).then(async ([arns]) => {
    if (!arns) return
    const cis: NonNullable<Snapshot['containerInstances']> = []
    await Promise.all(chunk(arns, 100).map(batch => calls.call('containerInstances', 'ecs:DescribeContainerInstances',
      () => send(clients.ecs, new ecs.DescribeContainerInstancesCommand({cluster: ctx.cluster, containerInstances: batch})),
      {resourceIds: batch, onError: clusterMissing(ctx)})
      .then(out => { cis.push(...(out?.containerInstances ?? []).map(map.containerInstance)) })))
    ctx.snapshot.containerInstances = cis
  })
}

/** Task definitions, each fetched once as soon as a service or running task names it; read back with `all()`. */
export class TaskDefinitions {
  private readonly pending = new Map<string, Promise<TaskDefinition | undefined>>()
  private readonly limit = limiter(CONCURRENCY)
  private readonly ctx: CollectContext

  constructor(ctx: CollectContext) {
    this.ctx = ctx
  }

  request(arns: Iterable<string | undefined>): void {
    const {calls, clients, sdk: {ecs}} = this.ctx
    for (const arn of arns) {
      if (!arn || this.pending.has(arn)) continue
      this.pending.set(arn, settled(this.limit(() => calls.call('taskDefinitions', 'ecs:DescribeTaskDefinition',
        () => send(clients.ecs, new ecs.DescribeTaskDefinitionCommand({taskDefinition: arn})), {resourceIds: [arn]}))
        .then(out => (out?.taskDefinition ? map.taskDefinition(out.taskDefinition) : undefined))))
    }
  }

  /** Every task definition requested so far, in ARN order; undefined when some were requested and none could be read. */
  async all(): Promise<TaskDefinition[] | undefined> {
    const arns = [...this.pending.keys()].sort()
    const tds = await Promise.all(arns.map(arn => this.pending.get(arn)!))
    const ok = tds.filter((t): t is TaskDefinition => t !== undefined)
    return ok.length || !arns.length ? ok : undefined
  }
}

/** Services (ListServices, DescribeServices per 10 as each page arrives); their task definitions are requested at once. */
export function readServices(ctx: CollectContext, taskDefinitions: TaskDefinitions): Promise<void> {
  const {calls, clients, sdk: {ecs}} = ctx
  const describeServices: Promise<void>[] = []
  const services: NonNullable<Snapshot['services']> = []
  return paginate(
    t => calls.call('services', 'ecs:ListServices',
      () => send(clients.ecs, new ecs.ListServicesCommand({cluster: ctx.cluster, nextToken: t, maxResults: 100})), {onError: clusterMissing(ctx)}),
    p => p.serviceArns, p => p.nextToken,
    arns => {
      for (const batch of chunk(arns, 10)) {
        describeServices.push(settled(calls.call('services', 'ecs:DescribeServices',
          () => send(clients.ecs, new ecs.DescribeServicesCommand({cluster: ctx.cluster, services: batch})), {resourceIds: batch})
          .then(out => {
            const got = (out?.services ?? []).filter(x => x.status !== 'INACTIVE').map(map.service)
            services.push(...got)
            taskDefinitions.request(got.map(x => x.taskDefinitionArn))
          })))
      }
    })
    .then(async r => {
      await Promise.all(describeServices)
      if (!r.failedFirst) ctx.snapshot.services = services
    })
}

/**
 * Running tasks → their task definitions (see MAX_TASK_PAGES): each ListTasks page is described at once, and every
 * task definition it reveals requested at once.
 */
export async function readRunningTasks(ctx: CollectContext, taskDefinitions: TaskDefinitions): Promise<void> {
  const {calls, clients, sdk: {ecs}} = ctx
  const describeTasks: Promise<void>[] = []
  let token: string | undefined
  for (let page = 0; page < MAX_TASK_PAGES; page++) {
    const out = await calls.call('taskDefinitions', 'ecs:ListTasks', () => send(clients.ecs, new ecs.ListTasksCommand({
      cluster: ctx.cluster, desiredStatus: 'RUNNING', nextToken: token, maxResults: 100,
    })), {onError: clusterMissing(ctx)})
    const arns = out?.taskArns ?? []
    if (arns.length) {
      describeTasks.push(settled(calls.call('taskDefinitions', 'ecs:DescribeTasks',
        () => send(clients.ecs, new ecs.DescribeTasksCommand({cluster: ctx.cluster, tasks: arns})), {resourceIds: arns})
        .then(d => taskDefinitions.request((d?.tasks ?? []).map(t => t.taskDefinitionArn)))))
    }
    token = out?.nextToken
    if (!token) break
    if (page === MAX_TASK_PAGES - 1) ctx.notes.push(`only the first ${MAX_TASK_PAGES * 100} running tasks were read for their task definitions (services are read in full)`)
  }
  await Promise.all(describeTasks)
}
