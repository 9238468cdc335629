/**
 * A container that was started before EFS was mounted on the host keeps the directory it was given at start:
 * Docker bind mounts are `rprivate`, so the later host mount never reaches it. The app "works" but writes to the
 * root volume, unshared, and the files vanish behind the mount later. The probe reads what each running container
 * sees at its container path (its own mount namespace).
 */
import {defineCheck, fail, passFor, skipped, unknown} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import {coveringNfsMount, isNfs, perProbedHost, ssmRun} from '../_lib/host.js'
import {shellCommand} from '../../core/shell.js'

export const containerSeesEfs = defineCheck({
  id: 'ecs/container-sees-efs',
  title: 'Running containers see EFS (NFS) at their bind-mounted container paths',
  severity: 'error',
  description: 'A container started before the host mount keeps writing to the local directory underneath it; data is not shared between hosts and seems to disappear later.',
  remediation: 'Stop the affected tasks (ECS starts replacements that see the mount), or restart docker and ecs on the instance after the mount; make UserData mount EFS before ECS starts tasks.',
  docsUrl: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html',
  needs: ['hostFacts'],
  run(s) {
    const cluster = s.cluster?.name ?? s.scope.cluster ?? '<cluster>'
    return perProbedHost(s, (i, f, r) => {
      const out: Outcome[] = []
      if (!f.docker || f.docker.status !== 'ok') {
        return unknown(r, `Could not list containers on ${i.id}: docker ${f.docker ? `${f.docker.status}${f.docker.detail ? ` (${f.docker.detail})` : ''}` : 'was not reported by the probe'}.`)
      }
      for (const cm of f.containerMounts) {
        const c = f.containers.find(x => x.id === cm.containerId)
        const who = `container ${c?.name ?? cm.containerId} on ${i.id}`
        const ev = {containerId: cm.containerId, containerName: c?.name, taskArn: c?.taskArn, hostSource: cm.hostSource,
          containerPath: cm.containerPath, containerFstype: cm.containerFstype, containerSource: cm.containerSource}
        const key = {container: c?.name ?? cm.containerId, path: cm.containerPath}
        if (isNfs(cm.containerFstype)) {
          out.push(passFor(s, r, () => `${who} sees ${cm.containerFstype} at ${cm.containerPath} (host ${cm.hostSource}).`, () => ({evidence: ev, key})))
          continue
        }
        if (cm.containerFstype === 'unknown') {
          out.push(unknown(r, `Could not read what ${who} sees at ${cm.containerPath}.`, {evidence: ev, key}))
          continue
        }
        const hostMounted = coveringNfsMount(f, cm.hostSource) !== undefined
        const why = hostMounted
          ? 'it was started before EFS was mounted on the host, so it still writes to the local directory underneath'
          : `the host has no EFS mount under ${cm.hostSource} either (see host/efs-mounted)`
        const fix = c?.taskArn
          ? {summary: `${hostMounted ? '' : 'Mount EFS on the host first, then '}stop the task; ECS starts a replacement that sees the mount. Copy any files it wrote locally to EFS first.`,
            command: shellCommand(['aws', 'ecs', 'stop-task', '--cluster', cluster, '--task', c.taskArn, '--reason', 'efsdoctor: started before EFS was mounted'])}
          : {summary: `${hostMounted ? '' : 'Mount EFS on the host first, then '}restart the container (or restart docker and ecs on the instance).`,
            command: ssmRun(i.id, shellCommand(['docker', 'restart', c?.name ?? cm.containerId]))}
        out.push(fail(r, `${who} sees ${cm.containerFstype} at ${cm.containerPath}, not EFS: ${why}.`, fix, {evidence: ev, key}))
      }
      const cut = f.truncated.filter(t => t.section === 'CONTAINER' || t.section === 'CMOUNT')
      if (cut.length > 0) {
        out.push(unknown(r, `${cut.map(t => `${t.dropped} ${t.section === 'CONTAINER' ? 'containers' : 'container mounts'}`).join(' and ')} on ${i.id} were not inspected (probe output limit).`, {key: {aspect: 'truncated'}}))
      }
      if (f.containerMounts.length === 0 && cut.length === 0) {
        out.push(skipped(r, `No running container on ${i.id} bind-mounts an EFS path.`))
      }
      return out
    })
  },
})
