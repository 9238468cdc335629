import {Flags} from '../cli/flags.js'
import {awsFlags, awsOptions, BaseCommand, checkFileSystemIds, debugFlag} from '../base-command.js'
import {UsageError} from '../core/errors.js'
import {oneLine} from '../core/sanitize.js'
import type {HostFacts} from '../model/snapshot.js'

const INSTANCE_RE = /^(i-[0-9a-f]{8}([0-9a-f]{9})?|mi-[0-9a-f]{17})$/

export default class ProbeCmd extends BaseCommand {
  static summary = 'Run only the read-only host probe on instances over SSM and print what each one sees.'
  static description = `Sends the efsdoctor probe script (read-only, time-bounded) through SSM Run Command (AWS-RunShellScript) and prints per instance: EFS/NFS mounts and whether df answers, fstab entries, NFS/EFS clients, DNS resolution of the file system's name, TCP connects to 2049 on the mount targets (every AZ's; the checks judge the instance's own), cloud-init/efs-utils log errors and what running containers see at their bind-mount paths. Instances that cannot be probed say why (not managed by SSM, agent offline, not Linux, timed out, failed, unparseable).

Exit codes: 0 = every instance was probed; 1 = at least one could not be; 2 = could not run.`

  static examples = [
    '<%= config.bin %> probe --instance i-0123456789abcdef0 --file-system fs-0a1b2c3d4e5f60718',
    '<%= config.bin %> probe -i i-0123456789abcdef0 -i i-0fedcba9876543210 --output json',
  ]

  static flags = {
    instance: Flags.string({char: 'i', description: 'EC2 instance id to probe (repeatable).', multiple: true, required: true}),
    'file-system': Flags.string({char: 'f', description: 'EFS file system id whose DNS name and mount target to test (repeatable).', multiple: true}),
    'probe-timeout': Flags.integer({description: 'Seconds the probe may run on each instance.', default: 60, min: 5, max: 3600}),
    output: Flags.string({char: 'o', description: 'Output format.', options: ['table', 'json'], default: 'table'}),
    ...awsFlags,
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ProbeCmd)
    for (const id of flags.instance) if (!INSTANCE_RE.test(id)) throw new UsageError(`"${id}" is not an EC2 instance id (i-… with 8 or 17 hex digits)`)
    checkFileSystemIds(flags['file-system'])
    const {probeLive} = await import('../inventory/live.js')
    const {snapshot, notes} = await probeLive({instanceIds: [...new Set(flags.instance)], fileSystemIds: flags['file-system'],
      ...awsOptions(flags), timeoutSeconds: flags['probe-timeout'],
      onStep: line => this.progress(line)})
    const facts = Object.values(snapshot.hostFacts ?? {})
    for (const n of notes) process.stderr.write(`note: ${oneLine(n)}\n`)
    if (flags.output === 'json') this.emit(JSON.stringify(snapshot.hostFacts ?? {}, null, 2), undefined, {json: true})
    else this.emit(facts.map(renderHost).join('\n'))
    if (facts.some(f => f.status !== 'ok')) this.exit(1)
  }
}

/** A readable block of key facts for one host. */
export function renderHost(h: HostFacts): string {
  const out = [`${h.instanceId}  ${h.status === 'ok' ? 'probed' : `NOT PROBED (${h.status})`}`]
  if (h.status !== 'ok' || !h.facts) {
    out.push(`  reason: ${h.reason ?? 'unknown'}`)
    return `${out.join('\n')}\n`
  }
  const f = h.facts
  const row = (k: string, v: string) => out.push(`  ${k.padEnd(14)}${v}`)
  row('os', [f.os?.prettyName ?? [f.os?.id, f.os?.versionId].filter(Boolean).join(' '), f.kernel && `kernel ${f.kernel}`].filter(Boolean).join(', ') || 'unknown')
  row('clients', `mount.nfs4 ${f.clients.mountNfs4 ? 'yes' : 'NO'}, mount.efs ${f.clients.mountEfs ? `yes${f.efsUtilsVersion ? ` (${f.efsUtilsVersion})` : ''}` : 'no'}`)
  const svcs = Object.entries(f.services)
  if (svcs.length) row('services', svcs.map(([k, v]) => `${k} ${v}`).join(', '))
  if (f.mounts.length === 0) row('mounts', 'no EFS/NFS mounts')
  for (const m of f.mounts) {
    row('mount', `${m.target}  ${m.fstype}  ${m.source}  df ${m.df?.status ?? 'not tried'}`)
  }
  for (const e of f.expectedPaths) {
    row('expected', `${e.path} → ${e.fstype ? `${e.fstype} (${e.coveringTarget ?? '?'})` : 'not on a mount'}`)
  }
  for (const e of f.fstab) row('fstab', `${e.device} ${e.mountPoint} ${e.fstype} ${e.options.join(',')}`)
  for (const d of f.dns) row('dns', `${d.name} ${d.status}${d.ipv4.length ? ` ${d.ipv4.join(',')}` : ''}${d.ipv6.length ? ` AAAA ${d.ipv6.join(',')}` : ''}`)
  for (const t of f.tcp) row('tcp', `${t.ip}:${t.port} ${t.status}`)
  if (f.cloudInit) row('cloud-init', f.cloudInit)
  if (f.docker) row('docker', `${f.docker.status}${f.docker.detail ? ` (${f.docker.detail})` : ''}; ${f.containers.length} container(s)`)
  const notNfs = f.containerMounts.filter(c => !/^nfs/.test(c.containerFstype))
  if (f.containerMounts.length) row('containers', `${f.containerMounts.length} bind mount(s) checked, ${notNfs.length} not on NFS inside the container`)
  for (const c of notNfs.slice(0, 10)) row('', `${c.containerId} ${c.containerPath} sees ${c.containerFstype} (host ${c.hostSource})`)
  for (const sh of f.shadowed ?? []) {
    const what = sh.status !== 'ok' ? `${sh.status}${sh.detail ? ` (${sh.detail})` : ''}`
      : sh.entries ? `${sh.entries > 20 ? 'more than 20' : sh.entries} hidden entr${sh.entries === 1 ? 'y' : 'ies'} (${sh.sample.join(', ')})` : 'nothing hidden'
    row('beneath', `${sh.mountPoint}: ${what}`)
  }
  for (const l of f.logs.slice(-6)) row(`log ${l.source}`.slice(0, 13), l.line)
  for (const t of f.truncated) row('truncated', `${t.section}: ${t.dropped} dropped`)
  return `${out.join('\n')}\n`
}
