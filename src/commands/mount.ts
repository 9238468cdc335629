import {Flags} from '../cli/flags.js'
import {createHash} from 'node:crypto'
import {createInterface} from 'node:readline/promises'
import {awsFlags, awsOptions, BaseCommand, debugFlag} from '../base-command.js'
import {UsageError} from '../core/errors.js'
import {escapeUnsafe} from '../core/sanitize.js'
import type {Finding} from '../core/types.js'
import type {HostFacts, Snapshot} from '../model/snapshot.js'
import type {MountResult} from '../remote/mount-apply.js'
import type {ClusterSelection, MountPlan} from '../remote/mount-plan.js'
import type {SsmRunner} from '../remote/ssm-runner.js'

const INSTANCE_RE = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/
const CONCURRENCY_RE = /^([1-9]\d{0,4}|[1-9]\d?%|100%)$/
const ERRORS_RE = /^(\d{1,5}|\d{1,2}%|100%)$/

export interface AwsTarget {
  region?: string
  profile?: string
  endpointUrl?: string
  connectTimeout?: number
  requestTimeout?: number
}

/** How the command reaches AWS; tests replace it. Everything is imported lazily so --help stays fast. */
export interface MountDeps {
  inventory(opts: AwsTarget & {cluster?: string; instanceIds?: string[]; fileSystemId: string; onStep?: (l: string) => void}):
    Promise<Snapshot>
  runner(opts: AwsTarget): Promise<SsmRunner>
}

export const liveMountDeps: MountDeps = {
  async inventory(opts) {
    if (opts.cluster) {
      const {collectLive} = await import('../inventory/live.js')
      return collectLive({cluster: opts.cluster, fileSystemIds: [opts.fileSystemId], region: opts.region, profile: opts.profile,
        endpointUrl: opts.endpointUrl, connectTimeout: opts.connectTimeout, requestTimeout: opts.requestTimeout, onStep: opts.onStep,
        probe: {timeoutSeconds: 60}})
    }
    const {createClients, resolveRegion} = await import('../inventory/aws-clients.js')
    const {collectForMount} = await import('../inventory/collect-for-mount.js')
    const clients = await createClients(opts)
    // NOTE: no region at all: the calls fail and say so.
    return collectForMount(clients, {instanceIds: opts.instanceIds ?? [], fileSystemId: opts.fileSystemId,
      region: await resolveRegion(clients.efs, opts.region)})
  },
  async runner(opts) {
    const {createSsmClient} = await import('../inventory/aws-clients.js')
    const {createSsmRunner} = await import('../remote/ssm-runner.js')
    return createSsmRunner(await createSsmClient(opts))
  },
}

export default class Mount extends BaseCommand {
  static summary = 'Mount EFS on container instances through SSM: correct, persistent (fstab) and safe to run again.'
  static description = `Shows the plan — the mount target (own AZ) each instance uses, the exact mount command and fstab line, and the environment header sent with the shipped mount script — then asks for confirmation. --yes applies without asking and is required when stdin is not a terminal; --dry-run only prints the plan.

On each host the script (mount-efs.sh) validates every value again, installs the NFS client or amazon-efs-utils only when missing, backs up /etc/fstab before adding one line (_netdev,nofail), mounts, and on failure restores the backup and removes what it created. Already mounted and in fstab → nothing changes. It refuses a path that is a mount point of something else, or not empty (unless --allow-non-empty), or that leads through a symlink (unless --follow-symlinks: then the real path is mounted, and reruns find it).

--restart-docker restarts docker and the ECS agent afterwards so that containers see the new mount: every running container on those hosts is stopped; ECS restarts service tasks, standalone tasks stay stopped.

The wait for results is bounded by --timeout plus 30 s; when reading a result keeps failing, the instance is "unknown: could not read the result" and the output names the SSM command id to look it up.

Exit codes: 0 = every instance applied or already right; 1 = any instance failed, was refused, skipped or unknown; 2 = could not run (bad input, no confirmation, AWS not reachable).`

  static examples = [
    '<%= config.bin %> mount --instance i-0123456789abcdef0 --file-system fs-0a1b2c3d4e5f60718 --path /mnt/efs',
    '<%= config.bin %> mount --cluster prod --file-system fs-0a1b2c3d4e5f60718 --path /mnt/efs --tls --iam --yes',
    '<%= config.bin %> mount --cluster prod -f fs-0a1b2c3d4e5f60718 --path /mnt/efs --method nfs --dry-run',
  ]

  static flags = {
    instance: Flags.string({char: 'i', description: 'EC2 instance id (repeatable).', multiple: true, exclusive: ['cluster']}),
    cluster: Flags.string({char: 'c', description: 'ECS cluster: every ACTIVE container instance that lacks the mount (found by the probe).'}),
    'file-system': Flags.string({char: 'f', description: 'EFS file system id.', required: true}),
    path: Flags.string({char: 'p', description: 'Mount point on the host, e.g. /mnt/efs.', required: true}),
    method: Flags.string({description: 'efs-utils or nfs (default: efs-utils when installed on the host, else NFS with the EFS-recommended options).', options: ['efs-utils', 'nfs']}),
    tls: Flags.boolean({description: 'Encrypt in transit (efs-utils).', default: false}),
    iam: Flags.boolean({description: 'Authorize with the instance role (efs-utils; implies --tls; the role needs elasticfilesystem:ClientMount/ClientWrite).', default: false}),
    'access-point': Flags.string({description: 'Mount through this access point, fsap-… (efs-utils; implies --tls).'}),
    fstab: Flags.boolean({description: 'Add the /etc/fstab line so the mount survives reboots (--no-fstab: mount only).', default: true, allowNo: true}),
    options: Flags.string({description: 'Extra mount options, comma separated, from an allow-list (e.g. noatime,actimeo=30).'}),
    'restart-docker': Flags.boolean({description: 'Afterwards restart docker and the ECS agent (stops every running container on the host).', default: false}),
    'allow-non-empty': Flags.boolean({description: 'Mount over a non-empty directory (its files are hidden while mounted).', default: false}),
    'follow-symlinks': Flags.boolean({description: 'A --path that leads through a symlink (/var/run -> /run) is mounted at its real path; without it the host refuses such a path.', default: false}),
    'max-concurrency': Flags.string({description: 'SSM MaxConcurrency: instances at a time (number or percentage).', default: '10'}),
    'max-errors': Flags.string({description: 'SSM MaxErrors: stop sending after this many failures (number or percentage).', default: '0'}),
    timeout: Flags.integer({description: 'Seconds the script may run on each host.', default: 600, min: 30, max: 172800}),
    'dry-run': Flags.boolean({description: 'Print the plan and change nothing (exit 1 when a real run would skip an instance or could not probe it).', default: false}),
    yes: Flags.boolean({char: 'y', description: 'Apply without asking (required when stdin is not a terminal).', default: false}),
    'show-script': Flags.boolean({description: 'Print the full text sent to the first instance (header + script).', default: false}),
    output: Flags.string({char: 'o', description: 'Output format.', options: ['table', 'json'], default: 'table'}),
    ...awsFlags,
    ...debugFlag,
  }

  /** Replaced in tests. */
  static deps: MountDeps = liveMountDeps

  async run(): Promise<void> {
    const {flags} = await this.parse(Mount)
    const {validateMountRequest, planMount, renderPlan, selectForCluster} = await import('../remote/mount-plan.js')
    const {applyMount, mountExitCode, mountScript} = await import('../remote/mount-apply.js')
    const spec = validateMountRequest({
      fileSystemId: flags['file-system'], path: flags.path, method: flags.method as 'efs-utils' | 'nfs' | undefined,
      tls: flags.tls, iam: flags.iam, accessPointId: flags['access-point'], options: flags.options, fstab: flags.fstab,
      allowNonEmpty: flags['allow-non-empty'], followSymlinks: flags['follow-symlinks'], restartDocker: flags['restart-docker'], region: flags.region,
    })
    const instanceIds = [...new Set(flags.instance ?? [])]
    if (!flags.cluster && instanceIds.length === 0) throw new UsageError('name the hosts: --instance i-… (repeatable) or --cluster NAME')
    for (const id of instanceIds) if (!INSTANCE_RE.test(id)) throw new UsageError(`"${id}" is not an EC2 instance id (i-…)`)
    if (!CONCURRENCY_RE.test(flags['max-concurrency'])) throw new UsageError('--max-concurrency must be a number ≥ 1 or a percentage like 10%')
    if (!ERRORS_RE.test(flags['max-errors'])) throw new UsageError('--max-errors must be a number ≥ 0 or a percentage like 10%')
    const json = flags.output === 'json'
    // NOTE: confirmation is settled before any AWS call, so a non-interactive run without --yes fails fast.
    if (!flags.yes && !flags['dry-run'] && !process.stdin.isTTY) {
      throw new UsageError('stdin is not a terminal: add --yes to apply without confirmation, or --dry-run to only print the plan')
    }

    const aws: AwsTarget = awsOptions(flags)
    const notes: string[] = []
    let snapshot: Snapshot | undefined
    let selection: ClusterSelection | undefined
    this.progress(flags.cluster ? `discovering ${flags.cluster} and probing its instances` : 'reading the instances and mount targets')
    try {
      snapshot = await Mount.deps.inventory({...aws, cluster: flags.cluster, instanceIds, fileSystemId: spec.fileSystemId,
        onStep: l => this.progress(l)})
    } catch (error) {
      if (flags.cluster || error instanceof UsageError) throw error
      notes.push(`inventory not available (${(error as Error).message.split('\n')[0]}): mount targets cannot be chosen per AZ`)
    }
    for (const g of snapshot?.gaps ?? []) notes.push(`${g.action} failed (${g.code}): ${g.part} unknown`)
    if (flags.cluster && snapshot) {
      selection = selectForCluster(snapshot, spec)
      notes.push(...selection.notes)
    }
    notes.push(...await policyNotes(snapshot, spec))
    const targets = selection ? selection.targets : instanceIds
    const plan = planMount(spec, snapshot ?? undefined, targets, mountScript())
    const preResults: MountResult[] = [
      ...(selection?.mounted ?? []).map(m => ({instanceId: m.instanceId, status: 'unchanged' as const, reason: `already mounted from ${m.source} (probe)`, fields: {}})),
      ...(selection?.skipped ?? []).map(s => ({instanceId: s.instanceId, status: 'skipped' as const, reason: s.reason, fields: {}})),
    ]

    const planText = this.planText(plan, renderPlan, notes, preResults, flags['show-script'], flags['dry-run'])
    if (flags['dry-run']) {
      this.emit(json ? JSON.stringify({dryRun: true, plan: planJson(plan), notes, results: preResults}, null, 2) : `${planText}\nDry run: nothing was sent.\n`)
      // NOTE: the exit code a real run would give for what is already known: instances it would skip or cannot probe.
      if (mountExitCode([...preResults, ...plan.instances.filter(p => !p.command).map(skipOf)]) !== 0) this.exit(1)
      return
    }
    const sendable = plan.instances.filter(p => p.command).length
    if (sendable === 0) {
      const all = [...preResults, ...plan.instances.map(skipOf)]
      this.emit(json ? JSON.stringify({plan: planJson(plan), notes, results: all}, null, 2) : `${planText}\nNothing to send.\n`)
      if (mountExitCode(all) !== 0) this.exit(1)
      return
    }
    if (json) process.stderr.write(escapeUnsafe(planText))
    else this.emit(planText)
    if (!flags.yes && !(await this.confirm(`Apply to ${sendable} instance(s)? [y/N] `))) {
      process.stderr.write('Nothing changed.\n')
      this.exit(1)
    }

    const runner = await Mount.deps.runner(aws)
    this.progress(`running the mount script on ${sendable} instance(s) over SSM`)
    const facts: Partial<Record<'before' | 'after', Record<string, HostFacts>>> = {}
    const results = [...preResults, ...await applyMount(runner, plan, {maxConcurrency: flags['max-concurrency'],
      maxErrors: flags['max-errors'], timeoutSeconds: flags.timeout, snapshot, beforeFacts: snapshot?.hostFacts,
      onFacts: (phase, f) => { facts[phase] = f }})]
    const {renderMountResults} = await import('../remote/mount-apply.js')
    const checks = snapshot && facts.before && facts.after ? await hostChecks(snapshot, facts.before, facts.after) : undefined
    if (json) {
      this.emit(JSON.stringify({plan: planJson(plan), notes, results, ...(checks ? {hostChecks: checks} : {})}, null, 2))
    } else {
      this.emit(renderMountResults(results, plan) + (checks ? renderHostChecks(checks) : ''))
    }
    if (mountExitCode(results) !== 0) this.exit(1)
  }

  private planText(plan: MountPlan, render: (p: MountPlan, o: {showScript?: boolean}) => string, notes: string[],
    pre: MountResult[], showScript: boolean, dryRun: boolean): string {
    const lines = [render(plan, {showScript}).trimEnd()]
    for (const r of pre) lines.push(`${r.instanceId}: not sent — ${r.reason}`)
    const first = plan.instances.find(p => p.command)
    if (first && !showScript) {
      const header = first.command!.split('\n').filter(l => l.startsWith('export ')).join('\n')
      const sha = createHash('sha256').update(first.command!).digest('hex').slice(0, 16)
      lines.push('', `${dryRun ? 'Would send' : 'Sent'} to ${first.instanceId} (AWS-RunShellScript), then the shipped mount-efs.sh (sha256 ${sha}…; --show-script prints it):`, header)
    }
    for (const n of notes) lines.push(`note: ${n}`)
    return `${lines.join('\n')}\n`
  }

  private async confirm(question: string): Promise<boolean> {
    const rl = createInterface({input: process.stdin, output: process.stderr})
    try {
      return /^y(es)?$/i.test((await rl.question(question)).trim())
    } finally {
      rl.close()
    }
  }
}

/** A warning when the file-system policy read with the inventory would refuse the mount as planned (as efs/file-system-policy judges it). */
async function policyNotes(snapshot: Snapshot | undefined, spec: {fileSystemId: string; tls?: boolean; iam?: boolean}): Promise<string[]> {
  const text = snapshot?.fileSystemPolicies?.[spec.fileSystemId]
  if (typeof text !== 'string') return []
  const {analysePolicy, refusalReasons} = await import('../checks/_lib/fs-policy.js')
  let why: string[]
  try {
    why = refusalReasons(analysePolicy(text), {tls: Boolean(spec.tls), iam: Boolean(spec.iam)})
  } catch {
    return []
  }
  return why.length
    ? [`the file-system policy of ${spec.fileSystemId} would refuse this mount ("access denied by server"): ${why.join('; ')}. Mount with --tls --iam and grant the instance role elasticfilesystem:ClientMount, or change the policy.`]
    : []
}

/** A planned instance that was not sent anything (its AZ has no usable mount target, …). */
function skipOf(p: MountPlan['instances'][number]): MountResult {
  return {instanceId: p.instanceId, status: 'skipped', reason: p.choice.problem, fields: {}}
}

function planJson(plan: MountPlan) {
  return {
    spec: plan.spec,
    instances: plan.instances.map(p => ({instanceId: p.instanceId, ...p.choice, lines: p.lines, env: p.env, sent: Boolean(p.command)})),
  }
}

interface HostCheckDiff {
  /** Failing host/* findings on the sent instances, before and after applying. */
  before: Finding[]
  after: Finding[]
  /** host/* findings that could not be evaluated, before and after: never counted as healthy. */
  unknownBefore: Finding[]
  unknownAfter: Finding[]
}

/** Re-runs the host/* checks on the probed instances, before and after. */
async function hostChecks(snapshot: Snapshot, before: Record<string, HostFacts>, after: Record<string, HostFacts>): Promise<HostCheckDiff> {
  const {allChecks} = await import('../checks/index.js')
  const {runChecks} = await import('../core/run-checks.js')
  await (await import('../core/shell-parser.js')).loadShellParserForSnapshot(snapshot)
  const ids = new Set(Object.keys(after))
  const judged = (hostFacts: Record<string, HostFacts>) => runChecks(allChecks, {...snapshot, hostFacts: {...snapshot.hostFacts, ...hostFacts}},
    {only: ['host/']}).findings.filter(f => ids.has(f.resource.id))
  const [b, a] = [judged(before), judged(after)]
  const by = (fs: Finding[], status: Finding['status']) => fs.filter(f => f.status === status)
  return {before: by(b, 'fail'), after: by(a, 'fail'), unknownBefore: by(b, 'unknown'), unknownAfter: by(a, 'unknown')}
}

function renderHostChecks(c: HostCheckDiff): string {
  const count = (failing: Finding[], unknown: Finding[]) => `${failing.length} failing${unknown.length ? `, ${unknown.length} unknown` : ''}`
  const lines = [``, `Host checks on these instances: ${count(c.before, c.unknownBefore)} before → ${count(c.after, c.unknownAfter)} after.`]
  for (const f of c.after) lines.push(`  ✖ ${f.checkId} ${f.resource.id}: ${f.message}`)
  // NOTE: an unknown is not a pass: say why once rather than letting "0 failing" read as healthy.
  if (c.unknownAfter.length) lines.push(`  ? ${c.unknownAfter.length} could not be evaluated after applying, e.g. ${c.unknownAfter[0].checkId} ${c.unknownAfter[0].resource.id}: ${c.unknownAfter[0].message}`)
  return `${lines.join('\n')}\n`
}
