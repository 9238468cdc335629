import {Flags} from '../cli/flags.js'
import {awsFlags, awsOptions, BaseCommand, checkFileSystemIds, debugFlag, runTimeoutFlag} from '../base-command.js'
import {runSteps} from '../progress.js'
import {optimiseLongRun} from '../cli/run.js'
import {allChecks} from '../checks/index.js'
import {UsageError} from '../core/errors.js'
import {runChecks} from '../core/run-checks.js'
import {phaseTimer} from '../timing.js'
import {loadShellParserForSnapshot} from '../core/shell-parser.js'
import {examplePath, listExamples, loadSnapshot} from '../inventory/load-snapshot.js'
import type {Snapshot} from '../model/snapshot.js'
import {finishReport, loadBaselineFlag, loadIgnores, needsFingerprints, onlyCountsPasses, prepareReport, reportFlags, validateOutputs, validateSelection} from '../report-flags.js'

export default class Check extends BaseCommand {
  static summary = 'Diagnose EFS on an ECS cluster: every link from the container instances to the file system, with the fix for each failure.'
  static description = `Discovers the cluster (container instances, EC2 instances, subnets, security groups, NACLs, VPC DNS, Auto Scaling groups, UserData, task definitions) and its EFS file systems (mount targets, policies, access points) in one batched pass, then runs every check. Without --file-system the file systems are inferred from task definitions, UserData and mount targets in the instances' VPC, and the report says which were picked and why.

--from replays a snapshot saved by "efsdoctor snapshot" offline: no AWS account needed.

Exit codes: 0 = nothing failed at or above --fail-on; 1 = something did; 2 = could not run.`

  static examples = [
    '<%= config.bin %> check --cluster prod --region eu-west-1',
    '<%= config.bin %> check --cluster prod --file-system fs-0a1b2c3d4e5f60718 --output json',
    '<%= config.bin %> check --example broken-sg-cidr',
    '<%= config.bin %> check --list-examples',
    '<%= config.bin %> check --cluster prod --only network/ --fail-on warning --output sarif --output-file efsdoctor.sarif',
  ]

  static flags = {
    cluster: Flags.string({char: 'c', description: 'ECS cluster name or ARN.'}),
    'file-system': Flags.string({char: 'f', description: 'EFS file system id to check (repeatable). Default: inferred.', multiple: true}),
    from: Flags.string({description: 'Replay a saved snapshot file instead of calling AWS.', exclusive: ['cluster', 'file-system', 'example']}),
    example: Flags.string({description: 'Replay one of the example snapshots shipped with efsdoctor (by name, e.g. broken-sg-cidr); works after any install.', exclusive: ['cluster', 'file-system']}),
    'list-examples': Flags.boolean({description: 'List the shipped example snapshots and exit.', default: false}),
    probe: Flags.boolean({description: 'Probe each ACTIVE container instance over SSM Run Command (read-only script); --no-probe skips the host checks.', default: true, allowNo: true}),
    'probe-timeout': Flags.integer({description: 'Seconds the host probe may run on each instance.', default: 60, min: 5, max: 3600}),
    preflight: Flags.boolean({description: 'First ask IAM (iam:SimulatePrincipalPolicy) which permissions this run lacks, and list them on stderr (not with --from).', default: false}),
    ...runTimeoutFlag,
    ...reportFlags,
    ...awsFlags,
    ...debugFlag,
  }

  async run(): Promise<void> {
    const timer = phaseTimer()
    const {flags} = await this.parse(Check)
    if (flags['list-examples']) {
      this.emit(listExamples().map(n => `${n.padEnd(40)} efsdoctor check --example ${n}`).join('\n'))
      return
    }
    if (flags.example) flags.from = examplePath(flags.example)
    validateSelection(flags)
    validateOutputs(flags, flags.from ? [{file: flags.from, what: 'the snapshot this run reads'}] : [])
    const ignores = loadIgnores(flags)
    const baseline = await loadBaselineFlag(flags)
    checkFileSystemIds(flags['file-system'])
    let snapshot: Snapshot
    let snapshotFile: string | undefined
    if (flags.from) {
      if (flags.preflight) throw new UsageError('--preflight asks IAM about a live run; it cannot be used with --from')
      // NOTE: the snapshot holds its own region and account; AWS flags typed with --from would silently do nothing.
      const ignored = ['--region', '-r', '--profile', '--endpoint-url', '--no-probe', '--probe', '--probe-timeout']
        .filter(f => this.argv.some(a => a === f || a.startsWith(`${f}=`)))
      if (ignored.length > 0) this.warnLine(`${ignored.join(', ')} ${ignored.length === 1 ? 'has' : 'have'} no effect with --from (the snapshot is replayed as it was saved)`)
      snapshot = await loadSnapshot(flags.from, step => timer.mark(step))
      snapshotFile = flags.from
    } else {
      if (!flags.cluster) throw new UsageError('--cluster is required (or --from to replay a snapshot)')
      if (flags.preflight) {
        const [{preflight, preflightLines}, {requiredActions}] = await Promise.all([import('../inventory/preflight.js'), import('../core/iam-policy.js')])
        const result = await preflight(awsOptions(flags),
          requiredActions({for: ['check'], probe: flags.probe}))
        for (const line of preflightLines(result)) process.stderr.write(`${line}\n`)
      }
      const {collectLive} = await import('../inventory/live.js')
      snapshot = await collectLive({cluster: flags.cluster, fileSystemIds: flags['file-system'], ...awsOptions(flags),
        timeoutSeconds: flags.timeout, runSteps,
        ...(flags.probe ? {probe: {timeoutSeconds: flags['probe-timeout']}} : {})})
    }
    if (!flags.from) timer.mark('discovery (incl. probe)')
    await optimiseLongRun(Object.keys(snapshot.instances ?? {}).length)
    // NOTE: the renderer (and node:crypto for fingerprints) load while the grammar may still be compiling.
    await Promise.all([loadShellParserForSnapshot(snapshot), prepareReport(flags)])
    timer.mark('bash grammar, renderer')
    const report = runChecks(allChecks, snapshot, {only: flags.only, skip: flags.skip, ignores, fingerprints: needsFingerprints(flags),
      countPasses: onlyCountsPasses(flags)},
      snapshotFile ? {source: 'snapshot', snapshotFile} : {})
    timer.mark('checks')
    // NOTE: a Ctrl-C or SIGTERM that came during the checks is handled here (exit 130/143, no report): Node delivers
    // signals only when the event loop turns, which the checks never let it do, and a run that then ended would lose it.
    await new Promise(resolve => setImmediate(resolve))
    const code = await finishReport(report, snapshot, flags, (text, file, o) => this.emit(text, file, o), baseline)
    timer.mark('render')
    for (const line of timer.lines()) process.stderr.write(`${line}\n`)
    // NOTE: not this.exit(): oclif's exit path calls process.exit, which cuts a report piped to stdout at 64 KiB;
    // setting the exit code lets Node finish writing stdout first.
    if (code !== 0) process.exitCode = code
  }
}
