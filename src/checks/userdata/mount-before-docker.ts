/**
 * Containers started before the EFS mount keep the empty local directory (the bind mount is not propagated), so the
 * mount must finish before Docker/ECS start tasks — or Docker and the agent must be restarted after it. On the
 * ECS-optimized AMI, ecs.service is ordered After=cloud-final.service: a blocking `systemctl restart ecs` (or
 * `start ecs`) inside UserData waits for cloud-init, which waits for it — the instance never registers. A mount that
 * is backgrounded (`&`) or whose failure is swallowed (`|| true`) without a retry loop lets tasks start on an empty
 * directory.
 */
import {defineCheck, fail, pass, skipped} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import type {Snapshot, UserData} from '../../model/snapshot.js'
import {at, eachUserData, NFS_TYPES, nfsMountCalls, noVisibleMount, snippetCommand, SOURCES, udResource} from '../_lib/user-data-check.js'
import {LineRef, lineRef, type ParsedUserData} from '../_lib/user-data.js'

function evaluate(s: Snapshot, ud: UserData, p: ParsedUserData): Outcome[] {
  const r = udResource(ud)
  const mounts = nfsMountCalls(p)
  if (mounts.length === 0) return [notMountedThisBoot(s, ud, p) ?? noVisibleMount(ud, p)]
  const out: Outcome[] = []
  const fixCmd = snippetCommand(s, mounts[0])

  // NOTE: `start ecs` is Upstart (Amazon Linux 1): the AL1 agent is not ordered after cloud-final, so it does not deadlock.
  const deadlock = p.services.find(a => a.service === 'ecs' && (a.action === 'start' || a.action === 'restart') && !a.noBlock && a.tool !== 'upstart')
  if (deadlock) {
    out.push(fail(r, `${LineRef(deadlock)} runs \`${deadlock.text}\` inside cloud-init: on the ECS-optimized AMI ecs.service is After=cloud-final.service, so a blocking start/restart waits for cloud-init to finish, which waits for it — the agent never starts and the instance never registers.`,
      {summary: 'Remove the ECS agent restart (the agent starts after cloud-init finishes, after your mount), or use `systemctl enable --now --no-block ecs`.', command: fixCmd},
      {...at(ud, deadlock, {action: deadlock.text}), key: {problem: 'blocking-ecs-start'}}))
  }

  // NOTE: `|| true` changes nothing in a script without errexit (a failed mount never stops it): only a backgrounded
  // mount, or a swallowed one under `set -e`, differs from a plain mount.
  const unsafe = mounts.find(m => m.backgrounded || (m.swallowed && !m.retried && errexitAt(ud.text, m.line)))
  if (unsafe) {
    const how = unsafe.backgrounded
      ? 'runs in the background (&): the script, and then ECS, go on before EFS is mounted'
      : 'ignores failure (|| true) without a retry loop under set -e: where a failed mount would stop the script, the script (and then ECS) goes on with EFS not mounted'
    out.push(fail(r, `The mount on ${lineRef(unsafe)} ${how}, so tasks can start on an empty local directory.`,
      {summary: 'Mount synchronously, in a bounded retry loop (the snippet below does).', command: fixCmd},
      {...at(ud, unsafe, {mount: unsafe.text}), key: {problem: 'mount-not-waited-for'}}))
  }

  const lastMount = mounts[mounts.length - 1]
  const restartedAfter = (svc: 'docker' | 'ecs') =>
    p.services.some(x => x.service === svc && x.order > lastMount.order && (x.action === 'restart' || x.action === 'start'))
  // NOTE: starting Docker alone starts no container; only the ECS agent (or a `docker run`) does.
  const early = p.services.find(x => x.order < mounts[0].order && (x.action === 'start' || x.action === 'restart') &&
    x !== deadlock && !restartedAfter(x.service) && (x.service === 'ecs' || p.services.some(y => y.service === 'ecs' && y.order < mounts[0].order)))
  if (early) {
    // NOTE: a --no-block ECS start is deferred until cloud-init ends on the ECS-optimized AMI (After=cloud-final);
    // on other AMIs the agent may place tasks before the mount, so it is a warning, not an error.
    const deferred = early.service === 'ecs' && early.noBlock
    out.push(fail(r, `${LineRef(early)} starts ${early.service} before the first mount on ${lineRef(mounts[0])}, and ${early.service} is not restarted after it: containers started in between keep the empty local directory${deferred ? ' (on the ECS-optimized AMI the --no-block start waits for cloud-init; on other AMIs it does not)' : ''}.`,
      {summary: `Mount before starting ${early.service}, or restart ${early.service} after the mount (the ECS agent with --no-block).`, command: fixCmd},
      {...at(ud, early, {start: early.text, firstMountLine: mounts[0].line}), key: {problem: 'started-before-mount'}, severity: deferred ? 'warning' : 'error'}))
  }

  if (out.length === 0) {
    const restartNote = p.services.some(a => a.order > lastMount.order) ? '; Docker/ECS are restarted after it' : ''
    out.push(pass(r, `The mount on ${lineRef(mounts[0])} runs synchronously before Docker/ECS start tasks${restartNote}.`,
      at(ud, mounts[0])))
  }
  return out
}

/**
 * An NFS/EFS line written to /etc/fstab that nothing mounts during this boot: systemd read fstab before UserData ran,
 * so until the instance reboots the mount point is a local directory and tasks write there. Undefined when there is
 * no such line, or when systemd may be told to mount it (a .mount unit, remote-fs.target, daemon-reload): those say
 * nothing here, and the caller's answer stands.
 */
function notMountedThisBoot(s: Snapshot, ud: UserData, p: ParsedUserData): Outcome | undefined {
  const e = p.fstab.find(x => NFS_TYPES.test(x.fsType) && x.via !== 'cloud-config')
  if (!e || /remote-fs\.target|daemon-reload|\.mount\b/.test(p.text)) return undefined
  return fail(udResource(ud), `${LineRef(e)} writes ${e.device} ${e.mountPoint} to /etc/fstab, but nothing mounts it during this boot (no \`mount -a\` or \`mount ${e.mountPoint}\` after it): until the instance reboots, tasks write to the local directory.`,
    {summary: `Mount it right after writing the fstab line (\`mount ${e.mountPoint}\`, or \`mount -a -t ${e.fsType}\`), before the ECS agent starts.`, command: snippetCommand(s, e)},
    {...at(ud, e, {fstabLine: e.line, mountPoint: e.mountPoint}), key: {problem: 'fstab-not-mounted'}})
}

/**
 * Whether errexit is on at `line` of `text` (1-based): `#!… -e` on the first line, or the last `set` before that line
 * that turns it on (`set -e`, `set -euo pipefail`, `set -o errexit`) or off (`set +e`, `set +o errexit`).
 */
function errexitAt(text: string, line: number): boolean {
  const lines = text.split('\n', line)
  let on = /^#!\S*(?:\s+\S+)?\s+-[a-z]*e/.test(lines[0] ?? '')
  for (const l of lines.slice(1, line - 1)) {
    const words = /^\s*set\s+(.*)$/.exec(l)?.[1].split(/\s+/) ?? []
    for (let i = 0; i < words.length; i++) {
      const [sign, flags] = [words[i][0], words[i].slice(1)]
      if (sign !== '-' && sign !== '+') break
      if (flags === 'o' ? words[++i] === 'errexit' : /^[a-z]*e[a-z]*$/.test(flags)) on = sign === '-'
    }
  }
  return on
}

export const mountBeforeDocker = defineCheck({
  id: 'userdata/mount-before-docker',
  title: 'UserData mounts EFS before Docker/ECS start tasks, without restarting the agent inside cloud-init',
  severity: 'error',
  policy: [
    {rule: 'A blocking `systemctl start|restart ecs` inside UserData → fail, **error**: on the ECS-optimized Amazon Linux 2/2023 AMI ecs.service is ordered after cloud-final.service, so it waits for cloud-init, which waits for it; `start ecs` (Upstart, Amazon Linux 1) is not that deadlock, and `--no-block` queues the start', source: `${SOURCES.ecsBootstrap}`},
    {rule: 'Docker started before the mount, with the ECS agent not started before it, is not a failure (no task can start on the empty directory yet); the ECS agent started before the mount and not restarted after it → fail (a warning when its start is queued with `--no-block`)', source: `${SOURCES.ecsBootstrap}`},
    {rule: 'An NFS/EFS line written to /etc/fstab with nothing mounting it during the boot (no `mount -a` or `mount <point>` after it) → fail, **error**: systemd read fstab before UserData ran, so the first boot runs tasks on the local directory; no verdict when systemd is told to mount it (a `.mount` unit, `remote-fs.target`, `daemon-reload`)', source: `${SOURCES.systemdMount}`},
    {rule: 'A backgrounded mount (`&`) → fail, **error**: the script, and ECS after it, go on while the mount may not be done. A mount whose failure is swallowed (`|| true`) without a retry loop → fail, **error**, only under errexit (`set -e`, `#!/bin/bash -e`): without errexit a failed mount never stops the script, so `|| true` changes nothing and gets the plain mount\'s verdict', source: 'GNU Bash manual, "The Set Builtin", -e: the shell does not exit when the failing command is part of a `||` list, https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html'},
  ],
  description: 'Containers started before the mount keep the empty local directory; a blocking ECS agent restart inside cloud-init deadlocks on the ECS-optimized AMI; a backgrounded mount (or, under set -e, a swallowed one) lets tasks start on an empty directory.',
  remediation: 'Mount synchronously (with a bounded retry) before Docker/ECS start; do not restart the ECS agent from UserData (or use --no-block).',
  docsUrl: 'https://github.com/aws/amazon-ecs-init/blob/master/packaging/amazon-linux-ami/ecs.service',
  needs: ['userData'],
  run: s => eachUserData(s, (ud, p) => evaluate(s, ud, p)),
})
