/**
 * Recently stopped tasks of a cluster and why they stopped (stoppedReason and each container's reason), grouped by
 * distinct text. ECS keeps stopped tasks for about an hour, so this is "recent" by construction. Also the recent
 * error events of the cluster's services (DescribeServices keeps the last 100 per service), which outlive the tasks.
 */
import {sdk, type SdkClient} from './aws-clients.js'
import {byText as textOrder} from '../core/order.js'

export interface StoppedReason {
  reason: string
  /** Where it came from: the task's stoppedReason or a container's reason. */
  source: 'task' | 'container'
  count: number
  /** Up to five example task ARNs. */
  taskArns: string[]
}

/** Lists up to `max` (default 300) STOPPED tasks (ListTasks pages of 100) and describes them 100 per call. */
export async function readStoppedReasons(ecs: SdkClient, cluster: string, opts: {max?: number} = {}): Promise<StoppedReason[]> {
  const max = opts.max ?? 300
  const {ListTasksCommand, DescribeTasksCommand} = await sdk.ecs()
  const arns: string[] = []
  let token: string | undefined
  do {
    const page = await ecs.send(new ListTasksCommand({cluster, desiredStatus: 'STOPPED', maxResults: 100, nextToken: token}))
    arns.push(...(page.taskArns ?? []))
    token = page.nextToken
  } while (token && arns.length < max)
  const byText = new Map<string, StoppedReason>()
  const add = (reason: string | undefined, source: StoppedReason['source'], arn: string) => {
    const text = reason?.trim()
    if (!text) return
    const key = `${source}\u0000${text}`
    const r = byText.get(key) ?? {reason: text, source, count: 0, taskArns: []}
    r.count++
    if (r.taskArns.length < 5 && !r.taskArns.includes(arn)) r.taskArns.push(arn)
    byText.set(key, r)
  }
  const wanted = arns.slice(0, max)
  for (let i = 0; i < wanted.length; i += 100) {
    const out = await ecs.send(new DescribeTasksCommand({cluster, tasks: wanted.slice(i, i + 100)}))
    for (const t of out.tasks ?? []) {
      const arn = t.taskArn ?? '?'
      add(t.stoppedReason, 'task', arn)
      for (const c of t.containers ?? []) add(c.reason, 'container', arn)
    }
  }
  return [...byText.values()].sort((a, b) => b.count - a.count)
}

export interface ServiceEventReason {
  /** The event message with task ids replaced by "…", so repeats group together. */
  reason: string
  service: string
  count: number
  /** ISO time of the newest event with this text. */
  latest: string
}

/** Error events, as opposed to "has reached a steady state" and other progress messages. */
const ERROR_EVENT = /ResourceInitializationError|CannotCreateContainerError|CannotStartContainerError|CannotPullContainerError|failed to (?:launch|start)|unable to place a task|is unable to consistently start tasks|deployment failed/i

/**
 * Error events of the cluster's services (ListServices, DescribeServices per 10), newer than `sinceMs` (default 24 h)
 * and at most `maxServices` (default 200) services, grouped by service and text (task ids folded), newest first.
 */
export async function readServiceEvents(ecs: SdkClient, cluster: string,
  opts: {maxServices?: number; sinceMs?: number; now?: number} = {}): Promise<ServiceEventReason[]> {
  const maxServices = opts.maxServices ?? 200
  const since = (opts.now ?? Date.now()) - (opts.sinceMs ?? 24 * 3600 * 1000)
  const {ListServicesCommand, DescribeServicesCommand} = await sdk.ecs()
  const arns: string[] = []
  let token: string | undefined
  do {
    const page = await ecs.send(new ListServicesCommand({cluster, maxResults: 100, nextToken: token}))
    arns.push(...(page.serviceArns ?? []))
    token = page.nextToken
  } while (token && arns.length < maxServices)
  const byText = new Map<string, ServiceEventReason>()
  const wanted = arns.slice(0, maxServices)
  for (let i = 0; i < wanted.length; i += 10) {
    const out = await ecs.send(new DescribeServicesCommand({cluster, services: wanted.slice(i, i + 10)}))
    for (const svc of out.services ?? []) {
      const service = svc.serviceName ?? svc.serviceArn ?? '?'
      for (const e of svc.events ?? []) {
        const at = e.createdAt ? new Date(e.createdAt).getTime() : Number.NaN
        if (!e.message || !ERROR_EVENT.test(e.message) || !(at >= since)) continue
        const reason = e.message.trim().replace(/\(task [0-9a-f]{1,64}\)/gi, '(task …)')
        const key = `${service}\u0000${reason}`
        const r = byText.get(key) ?? {reason, service, count: 0, latest: new Date(at).toISOString()}
        r.count++
        if (new Date(at).toISOString() > r.latest) r.latest = new Date(at).toISOString()
        byText.set(key, r)
      }
    }
  }
  return [...byText.values()].sort((a, b) => textOrder(b.latest, a.latest) || b.count - a.count)
}
