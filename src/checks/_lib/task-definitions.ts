/** Shared, pure helpers for the task-definition checks: naming, the services that run a task definition, versions. */
import type {Location, Resource} from '../../core/types.js'
import type {Service, Snapshot, TaskDefinition} from '../../model/snapshot.js'

/** `family:revision` for live task definitions; the logical id for templates (there the arn is the logical id). */
export function tdId(td: TaskDefinition): string {
  return td.revision === undefined ? td.arn : `${td.family}:${td.revision}`
}

/** NOTE: a template's task definition has its logical id where the ARN would be; that is no ARN, so it is left out. */
export const tdRes = (td: TaskDefinition): Resource => ({type: 'task-definition', id: tdId(td), ...(td.arn.startsWith('arn:') ? {arn: td.arn} : {})})

/** The task definition's own location (templates), so findings point at it. */
export function tdExtra(td: TaskDefinition): {location?: Location} {
  return td.location ? {location: {...td.location}} : {}
}

/** Whether a service runs this task definition (named by its ARN, or by family:revision). */
const runs = (svc: Service, td: TaskDefinition): boolean => svc.taskDefinitionArn === td.arn || svc.taskDefinitionArn === tdId(td)

export function servicesOf(s: Snapshot, td: TaskDefinition): Service[] {
  return (s.services ?? []).filter(svc => runs(svc, td))
}

/** The task definition a service runs, when the snapshot has it. */
export const taskDefinitionOf = (s: Snapshot, svc: Service): TaskDefinition | undefined => (s.taskDefinitions ?? []).find(td => runs(svc, td))

/** Compares dotted numeric versions (`1.38.0` vs `1.4`); non-numeric parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/i, '').split('.').map(n => Number.parseInt(n, 10) || 0)
  const pb = b.replace(/^v/i, '').split('.').map(n => Number.parseInt(n, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/** A template value we could not resolve (a parameter or import), kept as a `${Name}` placeholder. */
export function isPlaceholder(value: string): boolean {
  // NOTE: what /\$\{[^}]+\}/ tests, in one pass: that regex rescans to the end from every unclosed `${` (quadratic).
  const lastClose = value.lastIndexOf('}')
  for (let i = value.indexOf('${'); i !== -1 && i + 3 <= lastClose; i = value.indexOf('${', i + 1)) {
    if (value[i + 2] !== '}') return true
  }
  return false
}
