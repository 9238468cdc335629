/**
 * Every container `mountPoints[].sourceVolume` must name a volume declared in the same task definition. A typo or a
 * renamed volume is accepted at registration by some tools but the task never starts: "Unknown volume" (or
 * "Invalid mount point") in the stopped reason, and the service keeps retrying.
 */
import {defineCheck, fail, pass} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import {tdExtra, tdId, tdRes} from '../_lib/task-definitions.js'

export const mountPointVolumeExists = defineCheck({
  id: 'ecs/mount-point-volume-exists',
  title: 'Every container mount point names a volume of its task definition',
  severity: 'error',
  description: 'A mountPoints[].sourceVolume that matches no volume stops the task at start ("Unknown volume"), so the EFS data is never mounted.',
  remediation: 'Make each mountPoints[].sourceVolume equal to the name of a volume in the task definition (or add the missing volume).',
  docsUrl: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_storage',
  needs: ['taskDefinitions'],
  run(s) {
    const out: Outcome[] = []
    for (const td of s.taskDefinitions ?? []) {
      const names = td.volumes.map(v => v.name)
      const points = td.containers.flatMap(c => c.mountPoints.map(mp => ({container: c.name, ...mp})))
      if (points.length === 0) continue
      const bad = points.filter(p => !p.sourceVolume || !names.includes(p.sourceVolume))
      const ev = {volumes: names, mountPoints: points}
      if (bad.length === 0) {
        out.push(pass(tdRes(td), `All ${points.length} mount point(s) of ${tdId(td)} name a declared volume (${names.join(', ')}).`, {evidence: ev, ...tdExtra(td)}))
        continue
      }
      const list = bad.map(p => `container "${p.container}" mounts ${p.sourceVolume ? `"${p.sourceVolume}"` : 'no sourceVolume'} at ${p.containerPath ?? '?'}`).join('; ')
      const declared = names.length ? `declared volumes: ${names.map(n => `"${n}"`).join(', ')}` : 'the task definition declares no volumes'
      out.push(fail(tdRes(td), `Task definition ${tdId(td)}: ${list} — no such volume (${declared}). Tasks stop with "Unknown volume".`,
        {summary: names.length === 1
          ? `Set sourceVolume to "${names[0]}" (or add a volume named ${bad.map(p => `"${p.sourceVolume ?? '?'}"`).join(', ')}) and register a new revision.`
          : 'Set each sourceVolume to one of the declared volume names (or declare the missing volume) and register a new revision.'},
        {evidence: {...ev, unknown: bad}, ...tdExtra(td)}))
    }
    return out
  },
})
