import {Flags} from '../cli/flags.js'
import {BaseCommand, checkRegion, debugFlag} from '../base-command.js'
import {UsageError} from '../core/errors.js'
import {iamPolicy, POLICY_TARGETS, type PolicyTarget} from '../core/iam-policy.js'

export default class IamPolicy extends BaseCommand {
  static summary = 'Print the least-privilege IAM policy (JSON) efsdoctor needs.'
  static description = `Derived from the AWS operations efsdoctor calls. --for check (the default) covers "efsdoctor check" and "snapshot": read-only Describe/List calls on ECS, EC2, Auto Scaling and EFS, plus the SSM Run Command actions of the host probe (leave those out with --no-probe). --for probe and --for mount cover "probe --instance" and "mount --instance"; "mount --cluster" also needs --for check. ssm:SendCommand is limited to the AWS-RunShellScript document and EC2 instances; narrow it further with --region/--account or a tag condition of your own.

"check --preflight" additionally uses sts:GetCallerIdentity, iam:SimulatePrincipalPolicy and iam:GetRole; when they are denied it says so and goes on.`

  static examples = [
    '<%= config.bin %> iam-policy > efsdoctor-policy.json',
    '<%= config.bin %> iam-policy --for check --no-probe',
    '<%= config.bin %> iam-policy --for mount --for check --region eu-west-1 --account 123456789012',
  ]

  static flags = {
    for: Flags.string({description: 'Which commands the policy is for (repeatable).', options: [...POLICY_TARGETS], multiple: true, default: ['check']}),
    probe: Flags.boolean({description: 'Include the SSM host-probe actions in the check policy (--no-probe: leave them out).', default: true, allowNo: true}),
    partition: Flags.string({description: 'ARN partition.', default: 'aws', options: ['aws', 'aws-cn', 'aws-us-gov']}),
    region: Flags.string({char: 'r', description: 'Scope ssm:SendCommand resources to this region (default: *).'}),
    account: Flags.string({description: 'Scope the EC2 instance resources of ssm:SendCommand to this account id (default: *).'}),
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(IamPolicy)
    if (flags.account && !/^\d{12}$/.test(flags.account)) throw new UsageError(`"${flags.account}" is not a 12-digit AWS account id`)
    checkRegion(flags.region)
    const policy = iamPolicy({for: flags.for as PolicyTarget[], probe: flags.probe, partition: flags.partition, region: flags.region, account: flags.account})
    this.emit(JSON.stringify(policy, null, 2))
  }
}
