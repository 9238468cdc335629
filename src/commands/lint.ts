import {Args, Flags} from '../cli/flags.js'
import {BaseCommand, checkFileSystemIds, checkRegion, debugFlag} from '../base-command.js'
import {lintTemplateFile} from '../lint/index.js'
import {finishReport, loadBaselineFlag, loadIgnores, needsFingerprints, onlyCountsPasses, reportFlags, validateOutputs, validateSelection} from '../report-flags.js'

export default class Lint extends BaseCommand {
  static summary = 'Check a CloudFormation template (or a UserData script) before deploying it: UserData, task definitions and network, offline.'
  static description = `Reads a CloudFormation template (YAML with short tags such as !Ref and !Sub, or JSON) without calling AWS, builds the same snapshot "check" uses from its resources (launch templates and launch configurations with their UserData, security groups and ingress/egress rules, EFS file systems, mount targets and access points, subnets, VPCs, task definitions and services) and runs every check. Checks that need live state the template cannot give (lifecycle states, container instances, agent versions, running instances) are reported as skipped, never as pass. Each finding names the template's logical id and line.

A UserData script given on its own (it starts with #!, #cloud-config, #cloud-boothook, #include or a MIME header, or with a shell command when its #! is missing: a Terraform user_data template, or what a launch template is given in the console) is judged by the userdata checks alone; name the file system it should mount with --file-system and the cluster its hosts should join with --cluster-name. Values filled in elsewhere (\${efs_id}) stay placeholders, so checks that need them say unknown.

Exit codes: 0 = nothing failed at or above --fail-on; 1 = something did; 2 = could not run (missing file, not a template).`

  static examples = [
    '<%= config.bin %> lint examples/templates/ecs-efs-stack.yaml',
    '<%= config.bin %> lint stack.yaml --region eu-west-1 --cluster-name prod --output sarif --output-file efsdoctor.sarif',
    '<%= config.bin %> lint stack.json --only userdata/ --fail-on warning',
    '<%= config.bin %> lint user_data.sh --file-system fs-0a1b2c3d4e5f60718 --region eu-west-1',
  ]

  static args = {
    template: Args.string({description: 'CloudFormation template file (YAML or JSON), or a UserData script on its own.', required: true}),
  }

  static flags = {
    region: Flags.string({char: 'r', description: 'Region the stack will be deployed to (fills ${AWS::Region}; otherwise it stays a placeholder).'}),
    'cluster-name': Flags.string({description: 'ECS cluster name, when the template does not set ClusterName (for a UserData script: the cluster its hosts should join).'}),
    'file-system': Flags.string({char: 'f', multiple: true, description: 'UserData script only: a file system the script should mount, fs-… (repeatable); userdata/mounts-efs compares its mounts with it.'}),
    'allow-duplicate-keys': Flags.boolean({description: 'Read a key given twice in one mapping as CloudFormation does (the last one counts) instead of refusing the template.'}),
    ...reportFlags,
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Lint)
    validateSelection(flags)
    checkFileSystemIds(flags['file-system'])
    checkRegion(flags.region)
    validateOutputs(flags, [{file: args.template, what: 'the template this run reads'}])
    const ignores = loadIgnores(flags)
    const baseline = await loadBaselineFlag(flags)
    const {report, snapshot} = await lintTemplateFile(args.template, {region: flags.region, clusterName: flags['cluster-name'],
      allowDuplicateKeys: flags['allow-duplicate-keys'], fileSystems: flags['file-system'], only: flags.only, skip: flags.skip, ignores, fingerprints: needsFingerprints(flags), countPasses: onlyCountsPasses(flags)})
    const code = await finishReport(report, snapshot, flags, (text, file, o) => this.emit(text, file, o), baseline)
    // NOTE: not this.exit(): oclif's exit path calls process.exit, which cuts a report piped to stdout at 64 KiB;
    // setting the exit code lets Node finish writing stdout first.
    if (code !== 0) process.exitCode = code
  }
}
