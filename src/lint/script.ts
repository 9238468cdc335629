/**
 * `efsdoctor lint SCRIPT`: a UserData script on its own — bash, cloud-config or MIME multipart, such as a Terraform
 * `user_data` template or what a launch template was given in the console — judged by the userdata checks, as lint
 * judges the UserData inside a template. Values filled in elsewhere (`${efs_id}`, `${FileSystem}`) stay placeholders,
 * so checks that need them say unknown rather than guess.
 */
import {basename} from 'node:path'
import {redactAnyUserData} from '../core/user-data-layers.js'
import {commandFirst, startsLikeUserData} from '../checks/_lib/user-data.js'
import {hasTerraformReference} from '../checks/_lib/user-data-shell.js'
import type {Snapshot} from '../model/snapshot.js'
import {offlineHead, offlineScope} from './build-snapshot.js'

/** Whether a file given to lint is a UserData script rather than a template. */
export const isUserDataScript = (text: string): boolean =>
  startsLikeUserData(text) && !(headerless(text) && /\bResources\b/.test(text))

/** Shell commands with no header line at all (not even a broken `#/bin/bash`): a template may say `Resources`, a script not. */
const headerless = (text: string): boolean => commandFirst(text) && !/^[\s\uFEFF]*(#+!?\s*\/|#!|#cloud-|#include)/.test(text)

export interface ScriptOptions {
  file: string
  region?: string
  /** The ECS cluster the script's hosts should join (--cluster-name): userdata/script-runs compares ECS_CLUSTER with it. */
  clusterName?: string
  /** The file systems the script should mount (--file-system): mounts-efs compares its mounts with them. */
  fileSystems?: readonly string[]
  now?: string
}

/**
 * A Terraform template (templatefile(), a `.tpl`/`.tftpl` file, or text with Terraform's escapes or directives) as
 * Terraform renders its escapes: `$${X}` is the shell's `${X}` and `%%{` is `%{`. Its own `${var}` references stay
 * placeholders. Undefined when the text is not one. Line numbers do not move.
 */
export function terraformRendered(file: string, text: string): string | undefined {
  if (!/\.(tftpl|tpl)$/i.test(file) && !/\$\$\{|%%\{|%\{~?\s*(if|for|endif|endfor|else)\b/.test(text)) return undefined
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')
}

/** The snapshot of a lone script: its UserData and the named file systems, nothing else. */
export function scriptSnapshot(raw: string, opts: ScriptOptions): Snapshot {
  const rendered = terraformRendered(opts.file, raw)
  const text = rendered ?? raw
  // NOTE: a script that says `${aws_efs_file_system.x.id}` was cut from a Terraform heredoc or templatefile: Terraform
  // fills that in before any instance sees it. (In UserData read from AWS it is a real "bad substitution".)
  const terraform = rendered !== undefined || hasTerraformReference(raw)
  // NOTE: the id names the script in findings; printable characters only, whatever the file is called.
  const id = basename(opts.file).replace(/[^\x21-\x7e]/g, '?') || 'script'
  return {
    ...offlineHead(opts),
    scope: {
      ...offlineScope(opts),
      ...(opts.clusterName ? {cluster: opts.clusterName} : {}),
      fileSystems: (opts.fileSystems ?? []).map(fsId => ({id: fsId, reasons: ['named with --file-system'], named: true})),
      notes: [`Read ${opts.file} as a UserData script on its own: only the userdata checks run, and values filled in elsewhere (\${…}) stay placeholders.`,
        ...(terraform ? [`Read as a Terraform template: \${var.x}-style references are values Terraform fills in${rendered !== undefined ? ', and $${X} is the shell\'s ${X} once rendered' : ''} (given with templatefile() or in a heredoc; given with file(), they reach bash as they are and bash stops at each: "bad substitution").`] : [])],
    },
    gaps: [],
    userData: [{id, source: {type: 'template', id}, instanceIds: [], text: redactAnyUserData(text), location: {file: opts.file, line: 1, logicalId: id},
      ...(terraform ? {renderedBy: 'terraform' as const} : {})}],
    // NOTE: no host security groups: a lone script has none to draw (the topology would say "no security group").
    template: {file: opts.file, script: true, resourceLines: {}, fileSystems: [], mountTargets: [], accessPoints: [], hostSecurityGroups: {}},
  }
}
