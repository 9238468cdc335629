/**
 * The error-signature router behind `efsdoctor explain`: maps a pasted error message (a mount error, an ECS
 * stoppedReason, an efs-utils log line) to its likely causes, most likely first, the check ids that confirm each,
 * and a fix summary. Pure: no AWS, no host. ECS truncates stopped reasons, so a generic
 * ResourceInitializationError is routed by whatever specific text follows it.
 */

export interface Signature {
  id: string
  title: string
  pattern: RegExp
  /** Likely causes, most likely first. */
  causes: string[]
  /** Check ids that confirm or rule out the causes. */
  checks: string[]
  fix: string
  /** Generic wrappers (e.g. ResourceInitializationError) rank after any specific signature in the same text. */
  generic?: boolean
}

export interface ExplainMatch {
  id: string
  title: string
  /** The text that matched. */
  matched: string
  causes: string[]
  checks: string[]
  fix: string
}

export interface Explanation {
  input: string
  matches: ExplainMatch[]
}

const FS_ID = '(?:fs-[0-9a-f]{8,17})'

export const SIGNATURES: readonly Signature[] = [
  {
    id: 'dns-resolve',
    title: 'The file system\'s DNS name does not resolve',
    pattern: new RegExp(`Failed to resolve (?:server )?"?[\\w.-]*${FS_ID}[\\w.-]*"?|Failed to resolve server [\\w.-]+|Name or service not known|No address associated with hostname|did not resolve to a valid DNS name for an EFS mount target`, 'i'),
    causes: [
      'no mount target in the instance\'s Availability Zone (the name resolves only to a same-AZ mount target)',
      'VPC enableDnsSupport/enableDnsHostnames off, or a DHCP option set with DNS servers that do not forward to AmazonProvidedDNS',
      'wrong file-system id or region, or the client is in another VPC (names resolve only inside the mount targets\' VPC)',
      'the mount target was created moments ago (DNS takes 60–90 s after it becomes available)',
    ],
    checks: ['efs/mount-target-per-az', 'network/vpc-dns', 'efs/mount-target-same-vpc', 'efs/file-system-exists', 'efs/mount-target-available', 'host/dns-resolves'],
    fix: 'Create a mount target in every AZ the cluster launches into, enable VPC DNS support and hostnames, and retry the mount with a bounded loop after the mount target is available.',
  },
  {
    id: 'mount-target-missing',
    title: 'efs-utils found no usable mount target',
    pattern: /No matching mount target in the az|Mount target in the az \S+ is (?:creating|deleting|updating)|Cannot find mount target|No mount target created for the file system \S+ is in available state yet/i,
    causes: ['no mount target in the instance\'s AZ', 'the mount target is still being created or is being deleted'],
    checks: ['efs/mount-target-per-az', 'efs/mount-target-available'],
    fix: 'Create a mount target in the AZ (or wait until its LifeCycleState is available) and mount again.',
  },
  {
    id: 'botocore-hint',
    title: 'efs-utils could not use its mount-target IP fallback',
    pattern: /Failed to import necessary dependency botocore|Fallback to mount target ip address feature is not enabled|Attempting to lookup mount target ip address using botocore/i,
    causes: [
      'a red herring: the fallback only runs because DNS resolution failed — the real cause is the DNS / mount-target problem',
      'botocore is not installed on the host (or the fallback is disabled in efs-utils.conf)',
    ],
    checks: ['efs/mount-target-per-az', 'network/vpc-dns', 'host/dns-resolves'],
    fix: 'Fix name resolution first (mount target in the AZ, VPC DNS); installing botocore only enables a fallback.',
  },
  {
    id: 'connection-timeout',
    title: 'NFS traffic to the mount target does not get through',
    pattern: /Connection timed out|timed out connecting to|Connection to the mount target IP address \S+ timeout|Mount attempt \d+\/\d+ failed due to timeout/i,
    causes: [
      'the mount target\'s security group has no inbound TCP 2049 rule matching the client (its SG or its private IP)',
      'the client\'s security group does not allow outbound TCP 2049',
      'a network ACL on the client or mount-target subnet drops 2049 or the return traffic',
      'the client uses a mount-target IP from another AZ/VPC without a route, or resolves to an IPv6 address the mount target does not serve',
    ],
    checks: ['network/mount-target-sg-allows-nfs', 'network/client-sg-egress-nfs', 'network/nacl-allows-nfs', 'efs/mount-target-same-vpc', 'host/port-2049-reachable'],
    fix: 'Allow inbound TCP 2049 on the mount target\'s security group from the instance (or task) security group, outbound 2049 on the client, and 2049 plus return ports in both subnets\' NACLs.',
  },
  {
    id: 'connection-reset',
    title: 'The NFS connection was reset',
    pattern: /Connection reset by peer/i,
    causes: [
      'the mount target\'s security group does not admit the client (common on the TLS path)',
      'the client reached a mount target in another AZ (no mount target in its own AZ)',
      'a transient network event (efs-utils retries it)',
    ],
    checks: ['network/mount-target-sg-allows-nfs', 'efs/mount-target-per-az', 'host/port-2049-reachable'],
    fix: 'Allow TCP 2049 from the client on the mount target\'s security group and make sure each AZ has a mount target; retry.',
  },
  {
    id: 'access-denied',
    title: 'The EFS server refused the mount',
    pattern: /access denied by server while mounting/i,
    causes: [
      'the file-system policy denies non-TLS access (aws:SecureTransport=false) and the client mounts without tls',
      'the file-system policy does not grant elasticfilesystem:ClientMount to anonymous clients and the client mounts without iam',
      'the IAM principal (task role for iam: ENABLED tasks, instance role for host mounts with -o iam) lacks ClientMount/ClientWrite',
      'an access point was created seconds ago (efs-utils retries) or belongs to another file system',
    ],
    checks: ['efs/file-system-policy', 'ecs/task-role-efs-access', 'ecs/efs-volume-configuration'],
    fix: 'Mount with -o tls,iam (or set transitEncryption and iam: ENABLED) and grant the right role elasticfilesystem:ClientMount/ClientWrite, or adjust the file-system policy.',
  },
  {
    id: 'root-dir-missing',
    title: 'The root directory or access-point path does not exist',
    pattern: /reason given by server: No such file or directory/i,
    causes: [
      'efsVolumeConfiguration.rootDirectory names a directory that does not exist on the file system',
      'the access point\'s root path does not exist and the access point has no CreationInfo to create it',
    ],
    checks: ['ecs/efs-volume-configuration'],
    fix: 'Create the directory once (mount the root and mkdir), or use an access point with CreationInfo (owner, group, permissions).',
  },
  {
    id: 'efs-utils-missing',
    title: 'The EFS mount helper is not installed',
    pattern: /unknown filesystem type 'efs'/i,
    causes: ['amazon-efs-utils is not installed (non-Amazon AMI), or UserData mounts before installing it'],
    checks: ['host/nfs-client-installed', 'userdata/client-installed-before-mount'],
    fix: 'Install amazon-efs-utils before the mount (yum install -y amazon-efs-utils), or mount with -t nfs4 and the recommended options.',
  },
  {
    id: 'nfs-client-missing',
    title: 'The NFS client is not installed',
    pattern: /wrong fs type, bad option, bad superblock|you might need a \/sbin\/mount\.<type> helper program/i,
    causes: ['nfs-utils / nfs-common is missing, or is installed after the mount line runs', 'a typo in the file-system type or options'],
    checks: ['host/nfs-client-installed', 'userdata/client-installed-before-mount'],
    fix: 'Install nfs-utils (Amazon Linux/RHEL) or nfs-common (Debian/Ubuntu), or amazon-efs-utils which pulls it in, before mounting.',
  },
  {
    id: 'incorrect-option',
    title: 'The kernel rejected a mount option',
    pattern: /an incorrect mount option was specified/i,
    causes: ['the kernel lacks NFSv4.1 support', 'an option the NFS client does not know'],
    checks: ['host/nfs-client-installed'],
    fix: 'Use an AMI with NFSv4.1 and the EFS-recommended options: nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport.',
  },
  {
    id: 'netdev-missing',
    title: 'A boot-time EFS mount ran before the network (missing _netdev)',
    pattern: /network was not yet available, add "?_netdev"?/i,
    causes: ['the /etc/fstab EFS line has no _netdev: efs-utils gives up and exits 0, so the mount is silently absent'],
    checks: ['userdata/fstab-netdev', 'host/fstab-persistent', 'host/efs-mounted'],
    fix: 'Add _netdev (and nofail) to the fstab options, e.g. "fs-…:/ /mnt/efs efs _netdev,noresvport,tls,nofail 0 0".',
  },
  {
    id: 'tls-required',
    title: 'An efs-utils option needs tls',
    pattern: /The "tls" option is required when mounting via "(?:accesspoint|iam)"|Access Point ID \S+ is malformed|"port" and "tls" options are mutually exclusive|Unsupported mount options detected/i,
    causes: ['accesspoint= or iam used without tls, or conflicting/unknown efs-utils options'],
    checks: ['ecs/efs-volume-configuration', 'userdata/mounts-efs'],
    fix: 'Add tls to the mount options (ECS: transitEncryption: ENABLED) and remove conflicting options.',
  },
  {
    id: 'stunnel',
    title: 'The TLS tunnel could not start',
    pattern: /Failed to locate (?:stunnel|an available port)|client lacks sufficient controls to properly enforce TLS|Failed to initialize tunnel|Specified port \[\d+\] is unavailable/i,
    causes: ['old efs-utils needs stunnel with checkHost support, or efs-proxy is missing', 'the TLS port range is exhausted or the transitEncryptionPort is taken'],
    checks: ['host/nfs-client-installed', 'ecs/efs-volume-configuration'],
    fix: 'Upgrade amazon-efs-utils (2.x uses efs-proxy) and leave transitEncryptionPort unset.',
  },
  {
    id: 'imds-region',
    title: 'efs-utils could not find the region',
    pattern: /Error retrieving region|Cannot retrieve az from instance_metadata/i,
    causes: ['IMDS unreachable for efs-utils (IMDSv2 required with an old efs-utils, hop limit 1 from a container)'],
    checks: [],
    fix: 'Upgrade amazon-efs-utils, set region= in /etc/amazon/efs/efs-utils.conf, or raise the IMDS hop limit to 2.',
  },
  {
    id: 'instance-role-describe',
    title: 'The instance role cannot run efs-utils\' lookups',
    pattern: /Unauthorized to perform operation DescribeAvailabilityZones|not authorized to perform: elasticfilesystem:DescribeMountTargets/i,
    causes: ['the instance role lacks ec2:DescribeAvailabilityZones / elasticfilesystem:DescribeMountTargets (needed only for the IP fallback)'],
    checks: ['efs/mount-target-per-az', 'network/vpc-dns'],
    fix: 'Fix DNS first; grant those two read actions only if you rely on the fallback.',
  },
  {
    id: 'unknown-volume',
    title: 'A container mount point names a volume the task definition does not have',
    pattern: /Unknown volume '?[^'\s]*'?/i,
    causes: ['mountPoints[].sourceVolume does not match any volumes[].name (typo or case)'],
    checks: ['ecs/mount-point-volume-exists'],
    fix: 'Make sourceVolume equal to the volume\'s name exactly.',
  },
  {
    id: 'missing-attribute',
    title: 'No container instance has the capabilities the task needs',
    pattern: /missing an attribute required by your task/i,
    causes: [
      'the task uses efsVolumeConfiguration (or IAM/TLS) and the instances do not advertise ecs.capability.efs / efsAuth (non-ECS-optimized AMI, volume plugin missing)',
      'other required attributes (network mode, platform) are missing',
    ],
    checks: ['ecs/container-instances-healthy', 'ecs/efs-volume-configuration'],
    fix: 'Use an ECS-optimized Amazon Linux AMI, or install amazon-efs-utils and enable amazon-ecs-volume-plugin.',
  },
  {
    id: 'volume-plugin-missing',
    title: 'The ECS volume plugin is not running',
    pattern: /plugin "?amazon-ecs-volume-plugin"? not found|error looking up volume plugin amazon-ecs-volume-plugin/i,
    causes: ['custom AMI or agent upgrade left amazon-ecs-volume-plugin disabled'],
    checks: ['ecs/container-instances-healthy'],
    fix: 'systemctl enable --now amazon-ecs-volume-plugin, then restart Docker and the ECS agent.',
  },
  {
    id: 'server-not-responding',
    title: 'The NFS server stopped answering a mounted file system',
    pattern: /nfs: server \S+ not responding/i,
    causes: ['network path broken after mount (security group/NACL change, mount target deleted)', 'mount without noresvport lost its connection on reconnect'],
    checks: ['host/mount-responds', 'network/mount-target-sg-allows-nfs', 'network/nacl-allows-nfs'],
    fix: 'Restore the network path, mount with noresvport (efs-utils does), and remount the hung mount.',
  },
  {
    id: 'stale-handle',
    title: 'Stale NFS file handle',
    pattern: /stale file handle|bad file handle/i,
    causes: ['the mount target was deleted and recreated (new IP) while the host kept the old mount or an /etc/hosts entry'],
    checks: ['host/mount-responds', 'host/efs-mounted'],
    fix: 'Unmount and mount again by DNS name; remove hard-coded /etc/hosts entries.',
  },
  {
    id: 'trunking-512',
    title: 'Several EFS fstab entries mounting at once at boot',
    pattern: /nfs4_discover_server_trunking unhandled error -512/i,
    causes: ['several EFS entries in /etc/fstab mounted in parallel by systemd at boot'],
    checks: ['host/fstab-persistent'],
    fix: 'Mount the entries one after another (a single systemd unit or ordered mounts).',
  },
  {
    id: 'read-only',
    title: 'Writes are refused: read-only file system',
    pattern: /Read-only file system/i,
    causes: [
      'the file system is a replication destination (read-only while replication overwrite protection is on)',
      'the container mount point is readOnly, or the principal lacks elasticfilesystem:ClientWrite',
    ],
    checks: ['efs/file-system-writable', 'efs/file-system-policy', 'ecs/task-role-efs-access'],
    fix: 'Write to the replication source (or delete the replication), drop readOnly, or grant ClientWrite.',
  },
  {
    id: 'resource-initialization',
    title: 'ECS could not set up the task\'s EFS volume (efsVolumeConfiguration)',
    pattern: /ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes/i,
    causes: [
      'the specific efs-utils error follows in the message (ECS may cut it): DNS resolution, connection timeout or access denied',
      'if the message is cut, read /var/log/amazon/efs/mount.log on the instance (efsdoctor probe shows its last lines)',
    ],
    checks: ['efs/mount-target-per-az', 'network/mount-target-sg-allows-nfs', 'efs/file-system-policy', 'ecs/efs-volume-configuration'],
    fix: 'Fix the cause named after "stderr:"; run efsdoctor check on the cluster to see which link fails.',
    generic: true,
  },
]

/** Routes one message through every signature; specific matches first, generic wrappers last. */
export function explain(text: string): Explanation {
  const matches: ExplainMatch[] = []
  const ordered = [...SIGNATURES.filter(s => !s.generic), ...SIGNATURES.filter(s => s.generic)]
  for (const s of ordered) {
    const m = s.pattern.exec(text)
    if (m) matches.push({id: s.id, title: s.title, matched: m[0], causes: s.causes, checks: s.checks, fix: s.fix})
  }
  return {input: text, matches}
}

/** Every check id any signature refers to (for tests and for building a `check --only` line). */
export function referencedCheckIds(): string[] {
  return [...new Set(SIGNATURES.flatMap(s => s.checks))].sort()
}
