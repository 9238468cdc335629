/**
 * `efsVolumeConfiguration` has rules ECS enforces only at registration or at task start: TLS when IAM or an access
 * point is used, no `rootDirectory` with an access point, an access point of the same file system, one volume type
 * per volume, Fargate platform version 1.4.0 or later, ECS agent 1.38 or later on EC2. Breaking one shows up as a
 * ClientException at registration or a task stuck in PROVISIONING/PENDING with ResourceInitializationError.
 */
import {missingBecause} from '../_lib/gaps.js'
import {defineCheck, fail, pass, unknown} from '../../core/define-check.js'
import type {Fix, Outcome} from '../../core/types.js'
import type {Snapshot, TaskDefinition, TaskVolume} from '../../model/snapshot.js'
import {compareVersions, isPlaceholder, servicesOf, tdExtra, tdId, tdRes} from '../_lib/task-definitions.js'
import {shellCommand} from '../../core/shell.js'

const MIN_AGENT = '1.38.0'
const MIN_FARGATE_PV = '1.4.0'

interface Verdict { problems: string[]; fixes: string[]; unknowns: string[] }

function fileSystemRules(s: Snapshot, fsId: string, v: Verdict): void {
  if (isPlaceholder(fsId)) {
    v.unknowns.push(`fileSystemId ${fsId} is a template parameter or import, so it cannot be checked offline`)
    return
  }
  // NOTE: a template declares file systems (s.template) without their live state (s.fileSystems stays undefined).
  const ids = s.fileSystems?.map(fs => fs.id) ?? s.template?.fileSystems.map(fs => fs.id)
  if (ids === undefined) {
    const gap = missingBecause(s, 'fileSystems')
    if (gap) v.unknowns.push(`could not read file systems to confirm ${fsId} exists (${gap})`)
    return
  }
  if (!ids.includes(fsId)) {
    if (s.scope.source === 'template' && fsId.startsWith('fs-')) {
      v.unknowns.push(`file system ${fsId} is not defined in this template, so its existence cannot be checked offline`)
      return
    }
    v.problems.push(`fileSystemId ${fsId} is not a known file system`)
    v.fixes.push(`point fileSystemId at an existing file system (aws efs describe-file-systems) instead of ${fsId}`)
  }
}

function accessPointRules(s: Snapshot, fsId: string, apId: string, v: Verdict): void {
  if (isPlaceholder(apId)) {
    v.unknowns.push(`access point ${apId} is a template parameter or import`)
    return
  }
  const aps = s.accessPoints ?? s.template?.accessPoints
  if (aps === undefined) {
    v.unknowns.push(`access points were not read, so access point ${apId} could not be confirmed`)
    return
  }
  const ap = aps.find(a => a.id === apId)
  if (!ap) {
    if (s.scope.source === 'template' && apId.startsWith('fsap-')) {
      v.unknowns.push(`access point ${apId} is not defined in this template`)
      return
    }
    v.problems.push(`access point ${apId} does not exist`)
    v.fixes.push(`create the access point or use an existing one (aws efs describe-access-points --file-system-id ${fsId})`)
    return
  }
  if (ap.fileSystemId !== fsId) {
    v.problems.push(`access point ${apId} belongs to ${ap.fileSystemId}, not to ${fsId}`)
    v.fixes.push(`use an access point of ${fsId}, or set fileSystemId to ${ap.fileSystemId}`)
  }
}

function volumeRules(s: Snapshot, td: TaskDefinition, vol: TaskVolume): Verdict {
  const v: Verdict = {problems: [], fixes: [], unknowns: []}
  const efs = vol.efsVolumeConfiguration!
  const auth = efs.authorizationConfig ?? {}
  const tls = efs.transitEncryption === 'ENABLED'
  if (vol.host !== undefined) {
    v.problems.push('it sets both host and efsVolumeConfiguration ("only one volume configuration type should be used")')
    v.fixes.push('remove the host block from the volume')
  }
  if (auth.iam === 'ENABLED' && !tls) {
    v.problems.push('authorizationConfig.iam is ENABLED but transitEncryption is not ENABLED')
    v.fixes.push('set transitEncryption: ENABLED')
  }
  if (auth.accessPointId && !tls && auth.iam !== 'ENABLED') {
    v.problems.push(`it uses access point ${auth.accessPointId} but transitEncryption is not ENABLED`)
    v.fixes.push('set transitEncryption: ENABLED')
  }
  if (auth.accessPointId && efs.rootDirectory && efs.rootDirectory !== '/') {
    v.problems.push(`rootDirectory is ${efs.rootDirectory} while access point ${auth.accessPointId} is used (it must be omitted or "/"; the access point sets the directory)`)
    v.fixes.push('remove rootDirectory (set the path on the access point instead)')
  }
  fileSystemRules(s, efs.fileSystemId, v)
  if (auth.accessPointId) accessPointRules(s, efs.fileSystemId, auth.accessPointId, v)
  for (const svc of servicesOf(s, td)) {
    if (svc.launchType !== 'FARGATE' || !svc.platformVersion || svc.platformVersion === 'LATEST') continue
    if (compareVersions(svc.platformVersion, MIN_FARGATE_PV) < 0) {
      v.problems.push(`service ${svc.name} runs it on Fargate platform version ${svc.platformVersion}; EFS volumes need ${MIN_FARGATE_PV} or later`)
      v.fixes.push(shellCommand(['aws', 'ecs', 'update-service', '--service', svc.name, '--platform-version', 'LATEST', ...(s.scope.cluster ? ['--cluster', s.scope.cluster] : [])]))
    }
  }
  const onEc2 = !td.requiresCompatibilities?.length || td.requiresCompatibilities.includes('EC2')
  if (onEc2 && s.containerInstances) {
    const old = s.containerInstances.filter(ci => ci.agentVersion && compareVersions(ci.agentVersion, MIN_AGENT) < 0)
    if (old.length) {
      v.problems.push(`container instance(s) ${old.map(ci => `${ci.ec2InstanceId} (agent ${ci.agentVersion})`).join(', ')} run an ECS agent older than ${MIN_AGENT}, which cannot mount efsVolumeConfiguration volumes`)
      v.fixes.push('update the agent (aws ecs update-container-agent) or move to a current ECS-optimized AMI')
    }
  } else if (onEc2 && missingBecause(s, 'containerInstances')) {
    v.unknowns.push(`container instances could not be read (${missingBecause(s, 'containerInstances')}), so ECS agent versions (>= ${MIN_AGENT} needed) are not known`)
  }
  return v
}

export const efsVolumeConfiguration = defineCheck({
  id: 'ecs/efs-volume-configuration',
  title: 'efsVolumeConfiguration volumes follow the ECS rules',
  severity: 'error',
  description: 'TLS is required with IAM or an access point, rootDirectory must be omitted or "/" with an access point, the access point must belong to the file system, Fargate needs PV 1.4.0+ and EC2 an agent 1.38+; otherwise registration fails or tasks stop with ResourceInitializationError.',
  remediation: 'Fix the efsVolumeConfiguration fields as the finding says and register a new task definition revision.',
  docsUrl: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html',
  needs: ['taskDefinitions'],
  run(s) {
    const out: Outcome[] = []
    for (const td of s.taskDefinitions ?? []) {
      for (const vol of td.volumes.filter(x => x.efsVolumeConfiguration)) {
        const v = volumeRules(s, td, vol)
        const what = `Volume "${vol.name}" of ${tdId(td)}`
        const ev = {volume: vol.name, efsVolumeConfiguration: vol.efsVolumeConfiguration, problems: v.problems, unknowns: v.unknowns}
        if (v.problems.length) {
          const steps = [...new Set(v.fixes)].join('; ')
          const fix: Fix = {summary: `${steps.charAt(0).toUpperCase()}${steps.slice(1)}; then register a new task definition revision.`}
          const cmd = v.fixes.find(f => f.startsWith('aws ecs update-service'))
          if (cmd && v.problems.length === 1) fix.command = cmd
          out.push(fail(tdRes(td), `${what}: ${v.problems.join('; ')}.`, fix, {evidence: ev, key: {volume: vol.name}, ...tdExtra(td)}))
        } else if (v.unknowns.length) {
          out.push(unknown(tdRes(td), `${what}: the fields that could be read follow the rules, but ${v.unknowns.join('; ')}.`, {evidence: ev, key: {volume: vol.name}, ...tdExtra(td)}))
        } else {
          out.push(pass(tdRes(td), `${what} follows the efsVolumeConfiguration rules (file system ${vol.efsVolumeConfiguration!.fileSystemId}).`, {evidence: ev, key: {volume: vol.name}, ...tdExtra(td)}))
        }
      }
    }
    return out
  },
})
