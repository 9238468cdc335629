import {Flags} from '../cli/flags.js'
import {awsFlags, awsOptions, BaseCommand, checkFileSystemIds, checkOutputFile, debugFlag, runTimeoutFlag, toStdout} from '../base-command.js'
import {runSteps} from '../progress.js'

export default class SnapshotCmd extends BaseCommand {
  static summary = 'Save everything discovery finds about a cluster to a JSON file, for offline replay with check --from.'
  static description = `The snapshot holds efsdoctor's own plain records (no credentials; secrets in UserData are redacted), plus a list of the API calls that failed ("gaps"), so a replay reports the same "unknown" findings as the live run. Send it with a bug report, or run checks later without AWS access: efsdoctor check --from state.json`

  static examples = [
    '<%= config.bin %> snapshot --cluster prod --region eu-west-1 --output-file state.json',
    '<%= config.bin %> check --from state.json',
  ]

  static flags = {
    cluster: Flags.string({char: 'c', description: 'ECS cluster name or ARN.', required: true}),
    'file-system': Flags.string({char: 'f', description: 'EFS file system id (repeatable). Default: inferred.', multiple: true}),
    // NOTE: -o means the report format in every other command; here it is a deprecated alias (warns) for one release.
    'output-file': Flags.string({charAliases: ['o'], deprecateAliases: true, description: 'Write the snapshot here (default: stdout). -o is a deprecated alias.'}),
    probe: Flags.boolean({description: 'Include host facts from an SSM probe of each ACTIVE container instance (--no-probe to leave them out).', default: true, allowNo: true}),
    'probe-timeout': Flags.integer({description: 'Seconds the host probe may run on each instance.', default: 60, min: 5, max: 3600}),
    ...runTimeoutFlag,
    ...awsFlags,
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(SnapshotCmd)
    if (flags['output-file'] !== undefined) checkOutputFile(flags['output-file'])
    checkFileSystemIds(flags['file-system'])
    const {collectLive} = await import('../inventory/live.js')
    const snapshot = await collectLive({cluster: flags.cluster, fileSystemIds: flags['file-system'], ...awsOptions(flags),
      timeoutSeconds: flags.timeout, runSteps,
      ...(flags.probe ? {probe: {timeoutSeconds: flags['probe-timeout']}} : {})})
    this.emit(JSON.stringify(snapshot, null, 2), flags['output-file'], {json: true})
    if (!toStdout(flags['output-file'])) process.stderr.write(`Snapshot of ${flags.cluster} written to ${flags['output-file']} (${snapshot.gaps.length} gaps)\n`)
  }
}
