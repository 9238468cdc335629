import {Flags} from '../cli/flags.js'
import {BaseCommand, debugFlag} from '../base-command.js'

export default class Userdata extends BaseCommand {
  static summary = 'Print a UserData snippet that mounts EFS correctly on every boot, before the ECS agent starts.'
  static description = `Installs the client when missing (amazon-efs-utils, or the NFS client with --method nfs), creates the mount point, adds one /etc/fstab line with _netdev,nofail (not duplicated on re-runs), and mounts with a bounded retry, in the foreground, so containers never start on the empty directory underneath: when it never mounts, the script stops (exit 1) before the instance joins a cluster.

Formats: bash (a #!/bin/bash UserData or a part of one), cloud-config (write_files + runcmd), and cfn-yaml (a CloudFormation UserData property using Fn::Base64 + !Sub: the file system is the id given, or a reference such as \${MyFileSystem}; shell variables are escaped as \${!VAR}).`

  static examples = [
    '<%= config.bin %> userdata --file-system fs-0a1b2c3d4e5f60718 --path /mnt/efs',
    '<%= config.bin %> userdata -f fs-0a1b2c3d4e5f60718 --path /mnt/efs --tls --iam --format cfn-yaml',
    '<%= config.bin %> userdata --format cfn-yaml --file-system \'${FileSystem}\' --path /mnt/efs',
    '<%= config.bin %> userdata -f fs-0a1b2c3d4e5f60718 --path /mnt/efs --method nfs --region eu-west-1 --format cloud-config',
    '<%= config.bin %> userdata -f fs-0a1b2c3d4e5f60718 --path /mnt/efs --tls --cluster prod > user_data.sh && <%= config.bin %> lint user_data.sh -f fs-0a1b2c3d4e5f60718 --cluster-name prod',
  ]

  static flags = {
    'file-system': Flags.string({char: 'f', description: 'EFS file system id; with --format cfn-yaml also a reference to the template\'s file system, \'${MyFileSystem}\'.', required: true}),
    path: Flags.string({char: 'p', description: 'Mount point on the host, e.g. /mnt/efs.', required: true}),
    format: Flags.string({description: 'Snippet format.', options: ['bash', 'cloud-config', 'cfn-yaml'], default: 'bash'}),
    method: Flags.string({description: 'efs-utils (default) or nfs (NFS client with the EFS-recommended options).', options: ['efs-utils', 'nfs'], default: 'efs-utils'}),
    tls: Flags.boolean({description: 'Encrypt in transit (efs-utils).', default: false}),
    iam: Flags.boolean({description: 'Authorize with the instance role (efs-utils; implies --tls).', default: false}),
    'access-point': Flags.string({description: 'Mount through this access point, fsap-… (efs-utils; implies --tls).'}),
    region: Flags.string({char: 'r', description: 'Region for the NFS DNS name (default: read from instance metadata at boot).'}),
    cluster: Flags.string({char: 'c', description: 'ECS cluster the instance joins: the snippet also writes ECS_CLUSTER to /etc/ecs/ecs.config (after the mount).'}),
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Userdata)
    const {userDataSnippet} = await import('../remote/user-data-snippet.js')
    this.emit(userDataSnippet({
      fileSystemId: flags['file-system'], path: flags.path, format: flags.format as 'bash' | 'cloud-config' | 'cfn-yaml',
      method: flags.method as 'efs-utils' | 'nfs', tls: flags.tls, iam: flags.iam, accessPointId: flags['access-point'],
      region: flags.region, cluster: flags.cluster,
    }))
  }
}
