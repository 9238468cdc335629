/**
 * Recently stopped tasks of a cluster and why they stopped (stoppedReason and each container's reason), grouped by
 * distinct text. ECS keeps stopped tasks for about an hour, so this is "recent" by construction.
 */
import type {SdkClient} from './aws-clients.js'

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
  const {ListTasksCommand, DescribeTasksCommand} = await import('@aws-sdk/client-ecs')
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
