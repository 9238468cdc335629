/**
 * cloud-init runs UserData only when it recognises the format: a `#!` first line, `#cloud-config`,
 * `#cloud-boothook` or a MIME multipart header — and a shell-script MIME part must itself start with `#!`. Otherwise
 * cloud-init logs "Unhandled non-multipart userdata" and nothing runs (a blank line before `#!` is enough on newer
 * cloud-init). The script must also set ECS_CLUSTER in /etc/ecs/ecs.config: an instance without it registers in the
 * `default` cluster and never runs this cluster's tasks.
 */
import {defineCheck, fail, pass, unknown} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import type {Snapshot, UserData} from '../../model/snapshot.js'
import {at, eachUserData, SOURCES, udResource} from '../_lib/user-data-check.js'
import type {ParsedUserData} from '../_lib/user-data.js'
import {templateClusterNamed} from '../_lib/cluster-hosts.js'
import {shellCommand} from '../../core/shell.js'
import {IMAGE_LABEL} from '../../core/images.js'
import {taskDefinitionOf} from '../_lib/task-definitions.js'

/**
 * A line that writes /etc/ecs/ecs.config (or hands the agent ECS_CLUSTER) in a way not read into settings: a copy, a
 * download, a redirect of something efsdoctor does not follow. Reads (`--env-file=/etc/ecs/ecs.config`, `cat` it)
 * do not count, so a script whose only writes were read is known not to set ECS_CLUSTER.
 */
function unreadEcsConfigWrite(p: ParsedUserData): boolean {
  const read = new Set(p.ecsConfig.map(x => x.line))
  return p.text.split('\n').some((l, i) => !read.has(i + 1) && (
    (/\/etc\/ecs\/ecs\.config/.test(l) && /(>|\btee\b|\bsed\b.*\s-i|\b(cp|mv|install|ln|dd|wget|curl)\b|\bs3\s+cp\b|path:)/.test(l)) ||
    /(-e|--env)[= ]["']?ECS_CLUSTER=/.test(l)))
}

/**
 * Whether anything says these hosts are ECS container instances, when no cluster is in scope (lint of a template
 * without AWS::ECS::Cluster): an ECS resource in the template, an ECS-optimized image, or ECS in the script or its
 * cfn-init configs. Plain EC2 hosts (a WordPress or Jenkins server mounting EFS) have no agent to register.
 */
function ecsInSight(s: Snapshot, ud: UserData, p: ParsedUserData): boolean {
  if ((s.template?.clusters?.length ?? 0) > 0 || (s.taskDefinitions?.length ?? 0) > 0 || (s.services?.length ?? 0) > 0) return true
  return ud.image?.kind.startsWith('ecs') === true || ecsInScript(ud, p)
}

/** ECS named in the script or its cfn-init configs (ecs.config, the agent, ecs-init, an ECS_ setting). */
function ecsInScript(ud: UserData, p: ParsedUserData): boolean {
  const ECS = /\becs\b|ECS_|amazon-ecs|ecs-init|\/etc\/ecs/i
  return ECS.test(p.text) || (ud.cfnInit ?? []).some(c => Object.values(c.configs).some(t => ECS.test(t)))
}

/**
 * Why a template's host is not a container instance, when its script sets up no ECS agent and either its image is
 * known not to carry one (Amazon Linux, Ubuntu, … but not an ECS-optimized AMI, Bottlerocket or an image not
 * recognised) or the template runs its services on Fargate only: a bastion next to a Fargate service. Only for a
 * template: a live snapshot's UserData comes from instances registered in the cluster.
 */
function notAContainerInstance(s: Snapshot, ud: UserData, p: ParsedUserData): string | undefined {
  if (s.scope.source !== 'template' || ecsInScript(ud, p)) return undefined
  const kind = ud.image?.kind
  if (kind && kind !== 'unknown' && kind !== 'bottlerocket' && !kind.startsWith('ecs')) return `Its hosts run ${IMAGE_LABEL[kind]}, not an ECS-optimized image`
  // NOTE: every service of the template runs on Fargate and no capacity provider launches this host: an EC2 instance
  // would run none of the template's tasks, so one whose script says nothing of ECS is not meant as a container instance.
  if (fargateOnly(s) && !(s.template?.clusters ?? []).some(c => c.capacityProviderHosts.includes(ud.id))) {
    return 'Every service of this template runs on Fargate and no capacity provider launches its hosts'
  }
  return undefined
}

/** The template has services, and each runs on Fargate (launch type FARGATE, or a task definition that only allows it). */
function fargateOnly(s: Snapshot): boolean {
  const services = s.services ?? []
  return services.length > 0 && services.every(svc => {
    if (svc.launchType) return svc.launchType === 'FARGATE'
    const compat = taskDefinitionOf(s, svc)?.requiresCompatibilities
    return compat !== undefined && compat.length > 0 && compat.every(c => c === 'FARGATE')
  })
}

function evaluate(s: Snapshot, ud: UserData, p: ParsedUserData): Outcome {
  const r = udResource(ud)
  const headerFix = {summary: 'Start the script with `#!/bin/bash` on line 1 (no blank line before it), or `#cloud-config` for cloud-config.'}
  if (p.format === 'unknown' || p.format === 'empty') {
    const first = p.text.split('\n')[0].slice(0, 40)
    const why = p.notes.find(n => n.includes('line 1')) ?? `line 1 is "${first}", not #!, #cloud-config, #cloud-boothook or a MIME header`
    return fail(r, `cloud-init does not run UserData ${ud.id}: ${why}.`, headerFix, at(ud, 1))
  }
  // NOTE: a #! line ending in a carriage return (Windows line endings): the carriage return is part of the last word
  // of the line (execve(2)), so the script does not run (crlfEffect says how).
  const crlf = p.parts.find(x => x.format === 'shell' && /^#![^\n]*\r(\n|$)/.test(x.text))
  if (crlf) {
    return fail(r, `UserData ${ud.id} does not run: its #! line (line ${crlf.startLine}) ends in a carriage return (Windows line endings), so ${crlfEffect(crlf.text.split('\n')[0])}.`,
      {summary: 'Save the script with Unix line endings (LF), e.g. `sed -i \'s/\\r$//\' FILE` or `dos2unix FILE`, before it goes into UserData.'}, at(ud, crlf.startLine))
  }
  const badPart = p.parts.find(x => x.format === 'unknown' || (x.contentType === 'text/x-shellscript' && !x.text.startsWith('#!')))
  if (p.format === 'mime' && badPart) {
    return fail(r, `MIME part ${badPart.index + 1} (line ${badPart.startLine}, ${badPart.contentType ?? 'no Content-Type'}) is not a format cloud-init runs: a text/x-shellscript part must start with #!.`,
      headerFix, at(ud, badPart.startLine))
  }
  const want = s.cluster?.name ?? s.scope.cluster
  const settings = p.ecsConfig.filter(x => x.key === 'ECS_CLUSTER')
  const setting = settings[settings.length - 1]
  const ecsFix = {summary: `Write ECS_CLUSTER=${want ?? '<cluster>'} to /etc/ecs/ecs.config before the agent starts.`,
    command: `${shellCommand(['echo', `ECS_CLUSTER=${want ?? '<cluster>'}`])} >> /etc/ecs/ecs.config`}
  if (!setting && want === undefined && !ecsInSight(s, ud, p)) {
    return pass(r, `UserData ${ud.id} is ${p.format === 'mime' ? 'MIME multipart' : p.format} that cloud-init runs. Nothing here is ECS (no ECS cluster, task definition or service in the template, no ECS-optimized image, no ECS setting in the script), so ECS_CLUSTER is not judged.`,
      at(ud, undefined, {format: p.format}))
  }
  const plain = setting ? undefined : notAContainerInstance(s, ud, p)
  if (plain) {
    return pass(r, `UserData ${ud.id} is ${p.format === 'mime' ? 'MIME multipart' : p.format} that cloud-init runs. ${plain}, and nothing in the script sets up the ECS agent: its hosts are not container instances, so ECS_CLUSTER is not judged.`,
      at(ud, undefined, {format: p.format, image: ud.image}))
  }
  if (!setting) {
    if (unreadEcsConfigWrite(p)) {
      return unknown(r, `UserData ${ud.id} writes /etc/ecs/ecs.config in a way efsdoctor cannot read (no ECS_CLUSTER= line found); cannot confirm the cluster name.`, at(ud, undefined))
    }
    if (want === 'default') return pass(r, `UserData ${ud.id} does not set ECS_CLUSTER; its instances join the default cluster, which is the one in scope.`, at(ud, undefined))
    return fail(r, `UserData ${ud.id} does not set ECS_CLUSTER in /etc/ecs/ecs.config: its instances register in the "default" cluster${want ? `, not ${want}` : ''}, and this cluster's tasks never run there.`,
      ecsFix, {...at(ud, undefined), severity: want ? 'error' : 'warning'})
  }
  // NOTE: in a template, `${EcsCluster}` where the cluster in scope is the resource EcsCluster is that cluster.
  const sameRef = want !== undefined && (setting.value === `\${${want}}` || setting.value === want)
  // NOTE: a template with several stacks: `${Cluster2}` joins the cluster Cluster2 that the template declares.
  const declared = s.scope.source === 'template' && (s.template?.clusters?.length ?? 0) > 1 ? templateClusterNamed(s, setting.value) : undefined
  if (declared) {
    return pass(r, `UserData ${ud.id} is ${p.format === 'mime' ? 'MIME multipart' : p.format} that cloud-init runs, and line ${setting.line} sets ECS_CLUSTER=${setting.value}, the cluster ${declared} of this template.`,
      at(ud, setting.line, {format: p.format, cluster: declared}))
  }
  // NOTE: no cluster resource, but the template's services run in `${ECSCluster}` (a parameter) and the script joins
  // the same `${ECSCluster}`: whatever value the stack is given, both are that cluster.
  const services = s.scope.source === 'template' && want === undefined ? s.services ?? [] : []
  if (services.length > 0 && services.every(svc => svc.cluster === setting.value)) {
    return pass(r, `UserData ${ud.id} is ${p.format === 'mime' ? 'MIME multipart' : p.format} that cloud-init runs, and line ${setting.line} sets ECS_CLUSTER=${setting.value}, the value the template's services name as their cluster.`,
      at(ud, setting.line, {format: p.format, cluster: setting.value}))
  }
  if (/[$<]/.test(setting.value) && !sameRef) {
    return unknown(r, `Line ${setting.line} sets ECS_CLUSTER from ${setting.value}, an unresolved value; cannot confirm it is ${want ?? 'the intended cluster'}.`,
      at(ud, setting.line, {value: setting.value}))
  }
  if (want && setting.value !== want && !s.cluster?.arn?.endsWith(`/${setting.value}`)) {
    return fail(r, `Line ${setting.line} sets ECS_CLUSTER=${setting.value}, but the cluster in scope is ${want}: these instances register elsewhere.`,
      ecsFix, at(ud, setting.line, {value: setting.value}))
  }
  return pass(r, `UserData ${ud.id} is ${p.format === 'mime' ? 'MIME multipart' : p.format} that cloud-init runs, and line ${setting.line} sets ECS_CLUSTER=${setting.value}.`,
    at(ud, setting.line, {format: p.format}))
}

export const scriptRuns = defineCheck({
  id: 'userdata/script-runs',
  title: 'UserData is in a format cloud-init runs and sets ECS_CLUSTER',
  severity: 'error',
  policy: [
    {rule: 'A first line other than `#!`, `#cloud-config`, `#cloud-boothook` or MIME headers (e.g. `##!/bin/bash`, `#/bin/bash`, a blank or indented first line) → fail, **error**: cloud-init runs nothing. The other userdata checks still read the script as it was meant to run', source: `${SOURCES.cloudInitFormats}`},
    {rule: 'A `#!` line ending in a carriage return (Windows line endings) → fail, **error**: the kernel looks for the interpreter `/bin/bash\\r` ("bad interpreter"); with an argument, `#!/bin/bash -ex\\r` starts bash with the option `-ex\\r`, which it rejects, and `#!/usr/bin/env bash\\r` has env look for `bash\\r`. Either way the script does not run', source: 'execve(2): the interpreter is the first word of the #! line, the rest up to the newline one argument, https://man7.org/linux/man-pages/man2/execve.2.html'},
    {rule: 'MIME whose headers a blank line cuts short → fail, **error** (the multipart Content-Type becomes body text); MIME without its closing boundary is read as cloud-init reads it, the last part kept', source: `${SOURCES.cloudInitMime}`},
    {rule: 'No ECS_CLUSTER → fail (**error** when a cluster is in scope, warning otherwise: the instance joins `default`); unknown when ecs.config is written in a way efsdoctor does not follow; not judged (the format alone passes) when no cluster is in scope and nothing is ECS: no ECS resource in the template, no ECS-optimized image, no ECS in the script (plain EC2 hosts mounting EFS)', source: `${SOURCES.ecsBootstrap}`},
  ],
  description: 'Without a #! (or cloud-config/MIME) header cloud-init ignores the script; without ECS_CLUSTER the instance joins the default cluster.',
  remediation: 'Start the script with #!/bin/bash on line 1 and write ECS_CLUSTER=<cluster> to /etc/ecs/ecs.config.',
  docsUrl: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bootstrap_container_instance.html',
  needs: ['userData'],
  run: s => eachUserData(s, (ud, p) => [evaluate(s, ud, p)]),
})

/**
 * What a `#!` line ending in a carriage return does (execve(2): the interpreter is the first word after `#!`, the rest
 * of the line one argument): `#!/bin/bash\r` names an interpreter that does not exist; `#!/bin/bash -ex\r` starts bash
 * with the option `-ex\r`, which it rejects; `#!/usr/bin/env bash\r` has env look for a program `bash\r`.
 */
export function crlfEffect(line: string): string {
  const show = (x: string) => `"${x.slice(0, 40).replace(/\r/g, '\\r')}"`
  const rest = line.replace(/^#!\s*/, '')
  const cut = rest.search(/[ \t]/)
  if (cut < 0) return `the kernel looks for the interpreter ${show(rest)}, which does not exist ("bad interpreter")`
  const interpreter = rest.slice(0, cut)
  const arg = rest.slice(cut).replace(/^[ \t]+/, '')
  if (/(^|\/)env$/.test(interpreter)) return `${interpreter} looks for the program ${show(arg)}, which does not exist ("No such file or directory")`
  return `the kernel starts ${interpreter} with the argument ${show(arg)}, which it rejects ("invalid option")`
}
