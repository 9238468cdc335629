/**
 * The error-signature router behind `efsdoctor explain`: maps a pasted error message (a mount error, an ECS
 * stoppedReason, an efs-utils log line) to its likely causes, most likely first, the check ids that confirm each,
 * and a fix summary. Pure: no AWS, no host. ECS truncates stopped reasons, so a generic
 * ResourceInitializationError is routed by whatever specific text follows it.
 */
import {UNSAFE_CHARS} from '../core/sanitize.js'

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
  /** For a multi-line message: the line the match starts on (1-based) and its text. */
  line?: {number: number; text: string}
  causes: string[]
  checks: string[]
  fix: string
}

export interface Explanation {
  input: string
  matches: ExplainMatch[]
}

/*
 * NOTE: every pattern here sees untrusted, possibly huge text (a pasted log, a stoppedReason). Rules:
 * - match the error's shape, never our id patterns: people paste `fs-xxxx`, `fs-<id>`, `fs-…`, `*` or
 *   `<file-system-id>` in place of ids, so an id slot is "any run of non-space characters", never `fs-[0-9a-f]{8,17}`;
 * - linear time: no nested quantifiers, and every open-ended class next to another quantifier is bounded ({0,300}),
 *   so a miss costs O(n); test/remote/explain.test.ts runs each pattern on 100 KB adversarial strings.
 */

/** An EFS DNS name of any shape: `<anything>.efs.<anything>` (fs-…, <file-system-id>, us-east-1a.fs-…). */
const EFS_NAME = '[^\\s"\']{0,300}\\.efs\\.'

export const SIGNATURES: readonly Signature[] = [
  {
    id: 'partition-dns-suffix',
    title: 'The EFS DNS name has the wrong partition suffix (China regions use amazonaws.com.cn)',
    pattern: /\.efs\.cn-[a-z]{1,20}-\d{1,2}\.amazonaws\.com(?!\.cn)|amazonaws\.com\.cn"? did not resolve to a valid DNS name/i,
    causes: [
      'in cn-north-1 / cn-northwest-1 the names end in amazonaws.com.cn; an old amazon-efs-utils (or a hard-coded name in UserData or fstab) builds fs-….efs.<region>.amazonaws.com',
      'efs-utils.conf lacks the [mount.cn-…] dns_name_suffix = amazonaws.com.cn section, or a newer name was written into an old config',
    ],
    checks: ['host/efs-dns-suffix', 'userdata/mounts-efs', 'host/dns-resolves'],
    fix: 'Upgrade amazon-efs-utils (it knows the partition suffix), check dns_name_suffix in /etc/amazon/efs/efs-utils.conf, and write names as fs-….efs.<region>.amazonaws.com.cn.',
  },
  {
    id: 'dns-resolve-az',
    title: 'An AZ-specific EFS DNS name does not resolve',
    // NOTE: `us-east-1b.fs-….efs.…`: the name of one AZ's mount target, which resolves from any AZ of the VPC.
    pattern: /Failed to resolve (?:server )?"?[a-z]{2}-[a-z]+(?:-[a-z]+)?-\d[a-z]\.fs-[0-9a-z]+\.efs\./i,
    causes: [
      'the file system has no mount target in the AZ the name names (an AZ-specific name resolves only while that AZ has one, wherever the client is)',
      'AZ names are mapped per account: the name was copied from another account, where that AZ name is another zone',
      'VPC enableDnsSupport/enableDnsHostnames off, or a DHCP option set with DNS servers that do not forward to AmazonProvidedDNS',
      'wrong file-system id or region, or the client is in another VPC (names resolve only inside the mount targets\' VPC)',
    ],
    checks: ['efs/mount-target-per-az', 'efs/mount-target-available', 'network/vpc-dns', 'host/dns-resolves'],
    fix: 'Mount by the file-system id with amazon-efs-utils, or by the regional name fs-….efs.<region>.amazonaws.com (it resolves to the mount target of the client\'s own AZ); or create a mount target in the AZ the name names. Enable VPC DNS support and hostnames.',
  },
  {
    id: 'dns-resolve',
    title: 'The file system\'s DNS name does not resolve',
    pattern: new RegExp(`Failed to resolve (?:server )?"?${EFS_NAME}|Failed to resolve "?fs-|Failed to resolve server [^\\s:]{1,300}:|Name or service not known|No address associated with hostname|did not resolve to a valid DNS name for an EFS mount target|bad address '[^\\s']{0,300}\\.efs\\.`, 'i'),
    causes: [
      'no mount target in the instance\'s Availability Zone (the name resolves only to a same-AZ mount target)',
      'VPC enableDnsSupport/enableDnsHostnames off, or a DHCP option set with DNS servers that do not forward to AmazonProvidedDNS',
      'wrong file-system id or region, or the client is in another VPC (names resolve only inside the mount targets\' VPC)',
      'the file system or mount target was created moments ago (DNS takes 60–90 s after the mount target becomes available)',
      'only sometimes, at boot: the mount ran before the instance\'s network and resolver were up (a reboot or a second try works)',
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
    checks: ['efs/mount-target-per-az', 'efs/mount-target-available', 'network/vpc-dns', 'host/dns-resolves'],
    fix: 'Fix name resolution first (mount target in the AZ, VPC DNS); installing botocore only enables a fallback.',
  },
  {
    id: 'connection-timeout',
    title: 'NFS traffic to the mount target does not get through',
    pattern: /Connection timed out|timed out connecting to|Connection to the mount target IP address \S+ timeout|Mount attempt \d+\/\d+ failed due to timeout|VolumeDriver\.Create: context deadline exceeded/i,
    causes: [
      'the mount target\'s security group has no inbound TCP 2049 rule matching the client (its SG or its private IP)',
      'the client\'s security group does not allow outbound TCP 2049',
      'a network ACL on the client or mount-target subnet drops 2049 or the return traffic',
      'the client uses a mount-target IP from another AZ/VPC without a route, or resolves to an IPv6 address the mount target does not serve',
      'through the ECS volume plugin ("VolumeDriver.Create: context deadline exceeded") the same blocked mount shows as Docker giving up on the plugin',
    ],
    checks: ['network/mount-target-sg-allows-nfs', 'network/client-sg-egress-nfs', 'network/nacl-allows-nfs', 'efs/mount-target-same-vpc', 'host/port-2049-reachable'],
    fix: 'Allow inbound TCP 2049 on the mount target\'s security group from the instance (or task) security group, outbound 2049 on the client, and 2049 plus return ports in both subnets\' NACLs.',
  },
  {
    id: 'connection-reset',
    title: 'The NFS connection was reset',
    pattern: /Connection reset by peer/i,
    causes: [
      'every time: the mount target\'s security group does not admit the client (with TLS the local tunnel cannot connect and resets the NFS client)',
      'only sometimes: the TLS tunnel (stunnel, or efs-proxy in efs-utils 2.x) dropped or restarted the connection, or a transient network event; efs-utils retries',
    ],
    checks: ['network/mount-target-sg-allows-nfs', 'host/port-2049-reachable', 'host/efs-utils-tls'],
    fix: 'If it fails every time, allow TCP 2049 from the client on the mount target\'s security group; if only sometimes, upgrade amazon-efs-utils and check /var/log/amazon/efs/mount.log for the tunnel\'s errors, then retry.',
  },
  {
    id: 'access-denied-tls',
    title: 'The EFS server refused a TLS mount (127.0.0.1 is efs-utils\' local TLS tunnel, so tls was used)',
    pattern: /access denied by server while mounting (?:127\.0\.0\.1|localhost):/i,
    causes: [
      'the file-system policy grants ClientMount to no anonymous client and the mount does not pass iam (efs-utils then sends no identity)',
      'the IAM identity efs-utils uses with iam (the instance role for host mounts, the task role for iam: ENABLED tasks, a pod\'s IRSA role) lacks elasticfilesystem:ClientMount (ClientWrite to write, ClientRootAccess as root)',
      'an access point was created seconds ago (efs-utils retries) or belongs to another file system',
    ],
    checks: ['efs/file-system-policy', 'ecs/task-role-efs-access', 'ecs/efs-volume-configuration'],
    fix: 'Add iam to the mount options (iam: ENABLED in efsVolumeConfiguration) when the policy grants no anonymous access, and grant that role elasticfilesystem:ClientMount and ClientWrite (ClientRootAccess for root); or adjust the file-system policy.',
  },
  {
    id: 'access-denied',
    title: 'The EFS server refused the mount',
    // NOTE: not a mount of 127.0.0.1 (access-denied-tls): TLS was used there, so "without tls" is not a cause.
    pattern: /access denied by server while mounting (?!(?:127\.0\.0\.1|localhost):)/i,
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
    checks: ['host/root-directory-exists', 'ecs/efs-volume-configuration'],
    fix: 'Create the directory once (mount the root and mkdir), or use an access point with CreationInfo (owner, group, permissions).',
  },
  {
    id: 'efs-utils-missing',
    title: 'The EFS mount helper is not installed',
    // NOTE: without mount.efs, mount(8) hands type efs to the kernel, which knows an old SGI file system of that name
    // on a block device: hence "special device fs-…:/ does not exist" on kernels that ship it.
    pattern: /unknown filesystem type 'efs'|special device [^\s]{0,300}:\/[^\s]{0,300} does not exist/i,
    causes: ['amazon-efs-utils is not installed (non-Amazon AMI), or UserData mounts before installing it: without /sbin/mount.efs the kernel is asked for its own, unrelated "efs" type'],
    checks: ['host/nfs-client-installed', 'userdata/client-installed-before-mount'],
    fix: 'Install amazon-efs-utils before the mount (yum install -y amazon-efs-utils), or mount with -t nfs4 and the recommended options.',
  },
  {
    id: 'efs-utils-helper-missing',
    title: 'mount.efs could not run the NFS client it calls (a Python traceback ending in Errno 2)',
    pattern: /OSError: \[Errno 2\] No such file or directory(?!:)|No such file or directory: '[^'\n]{0,300}mount\.nfs/i,
    causes: ['nfs-utils / nfs-common is not installed: amazon-efs-utils runs /sbin/mount.nfs4, which does not exist'],
    checks: ['host/nfs-client-installed', 'userdata/client-installed-before-mount'],
    fix: 'Install nfs-utils (Amazon Linux/RHEL) or nfs-common (Debian/Ubuntu) and mount again; installing amazon-efs-utils from its package pulls it in.',
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
    pattern: /Failed to locate (?:stunnel|an available port)|client lacks sufficient controls to properly enforce TLS|Failed to (?:initialize|start) (?:TLS )?tunnel|Specified port \[\d+\] is unavailable|\['which', 'stunnel5?'\]' returned non-zero exit status|stunnel: LOG\d\[[^\]\n]{0,40}\]: Cannot create pid file/i,
    causes: [
      'stunnel is missing: efs-utils 1.x needs it for tls, and some 2.0.x releases still check for it although efs-proxy does the TLS',
      'old efs-utils needs stunnel with checkHost support, or efs-proxy is missing from an efs-utils 2.x install',
      'several TLS mounts (fstab at boot) start stunnel at once and race on its pid file (fixed in newer efs-utils)',
      'the TLS port range is exhausted or the transitEncryptionPort is taken',
    ],
    checks: ['host/efs-utils-tls', 'host/nfs-client-installed', 'ecs/efs-volume-configuration'],
    fix: 'Upgrade amazon-efs-utils (2.x uses efs-proxy); on releases that still look for it, install stunnel (AL2: stunnel5); leave transitEncryptionPort unset.',
  },
  {
    id: 'imds-region',
    title: 'efs-utils could not find the region',
    pattern: /Error retrieving region/i,
    causes: [
      'efs-utils.conf sets no region and instance metadata does not answer (IMDS disabled, IMDSv2 required with an old efs-utils, hop limit 1 from a container, no IMDS at all as in CodeBuild)',
    ],
    checks: ['host/efs-utils-region'],
    fix: 'Upgrade amazon-efs-utils, set region= in /etc/amazon/efs/efs-utils.conf, or raise the IMDS hop limit to 2.',
  },
  {
    id: 'imds-az',
    title: 'efs-utils could not read the instance\'s Availability Zone from instance metadata (a warning; the error after it is the one to fix)',
    pattern: /Cannot retrieve az from instance_metadata|Get AZ via metadata service call failed/i,
    causes: [
      'efs-utils asks for the AZ only to find a mount-target IP itself after the file system\'s DNS name did not resolve (or for a DNS name format with {az}): the line after this one (often "Failed to resolve") says why the mount failed',
      'instance metadata did not answer: only sometimes, early in boot; always, when IMDS is disabled, IMDSv2 is required with an old efs-utils, or a container is one hop too far (hop limit 1)',
    ],
    checks: ['host/dns-resolves', 'network/vpc-dns', 'efs/mount-target-per-az'],
    fix: 'Fix the error that follows first (usually DNS: VPC DNS attributes on, a mount target in the AZ, the mount retried once the network is up); for the metadata call, upgrade amazon-efs-utils and allow IMDS (hop limit 2 from containers).',
    generic: true,
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
    id: 'tls-tunnel-not-responding',
    title: 'A TLS mount stopped answering (127.0.0.1 is efs-utils\' local TLS tunnel: stunnel, or efs-proxy in efs-utils 2.x)',
    pattern: /nfs: server (?:127\.0\.0\.1|localhost) not responding/i,
    causes: [
      'the tunnel process died and amazon-efs-mount-watchdog did not restart it (the watchdog is stopped, or an old efs-utils skipped it)',
      'the tunnel is up but its connection to the mount target broke (a security group or NACL change, the mount target deleted)',
      'several TLS mounts started at once left a tunnel stuck (older efs-utils with stunnel 5)',
    ],
    checks: ['host/efs-utils-tls', 'host/mount-responds', 'network/mount-target-sg-allows-nfs', 'network/nacl-allows-nfs'],
    fix: 'On the host, look at systemctl status amazon-efs-mount-watchdog and pgrep -a "stunnel|efs-proxy"; upgrade amazon-efs-utils, then unmount (umount -l if it hangs) and mount again.',
  },
  {
    id: 'server-not-responding',
    title: 'The NFS server stopped answering a mounted file system',
    // NOTE: not 127.0.0.1, efs-utils' TLS tunnel (tls-tunnel-not-responding).
    pattern: /nfs: server (?!(?:127\.0\.0\.1|localhost) )\S+ not responding/i,
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
    id: 'protocol-not-supported',
    title: 'The NFS version or transport asked for is not available (EPROTONOSUPPORT)',
    // NOTE: not "Protocol family not supported" (EAFNOSUPPORT, an address family problem).
    pattern: /\bprotocol not supported\b/i,
    causes: [
      'the mount asks for an NFS version or transport EFS does not serve: it speaks NFSv4.0 and NFSv4.1 over TCP only, so vers=3, nfsvers=4.2 given explicitly, or udp is refused',
      'the kernel that runs the mount cannot speak NFSv4.1 (an old or minimal kernel, or its nfsv4 module not loadable)',
    ],
    checks: ['host/mount-options', 'host/nfs-client-installed'],
    fix: 'Mount with nfsvers=4.1 over TCP (mount -t efs does), from a host whose kernel has NFSv4.1 (any current Amazon Linux or ECS-optimized AMI).',
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
    id: 'access-point-chown',
    title: 'A chown on the EFS volume was refused (access point POSIX identity or root squashing)',
    pattern: /failed to chown|chown: changing ownership of [^\n]{0,300}: Operation not permitted/i,
    causes: [
      'the access point enforces a PosixUser, and the directory at the container path is owned by someone else in the image: Docker copies the image directory\'s ownership onto the new volume, and EFS refuses that chown',
      'the container (or its entrypoint) runs chown on the mount while EFS maps it to the access point\'s user, or root is squashed (no elasticfilesystem:ClientRootAccess)',
    ],
    checks: ['ecs/access-point-posix-identity', 'ecs/efs-volume-configuration', 'ecs/task-role-efs-access'],
    fix: 'Own the image\'s directory by the access point\'s uid:gid (or mount at a path the image does not have), give RootDirectory.CreationInfo the same owner as PosixUser, and drop chown from the entrypoint.',
  },
  {
    id: 'ecs-efs-config-invalid',
    title: 'ECS rejected the task definition\'s EFS volume configuration',
    pattern: /When using an EFS access point, the root directory must|Create TaskDefinition: [^\n]{0,300}EFS/i,
    causes: [
      'authorizationConfig.accessPointId is set together with a rootDirectory other than "/" (the path comes from the access point)',
      'an access point or iam: ENABLED without transitEncryption: ENABLED',
    ],
    checks: ['ecs/efs-volume-configuration'],
    fix: 'With an access point, omit rootDirectory (or set "/") and set transitEncryption: ENABLED; put the path on the access point.',
  },
  {
    id: 'fargate-platform-version',
    title: 'The platform does not support the task definition\'s EFS volume',
    pattern: /PlatformTaskDefinitionIncompatibilityException|The specified platform does not satisfy the task definition.{1,3}s required capabilities/i,
    causes: ['EFS volumes on Fargate need platform version 1.4.0 or later, and the task was launched with an older one (LATEST once meant 1.3.0, and some tools drop --platform-version)'],
    checks: ['ecs/efs-volume-configuration'],
    fix: 'Launch with platformVersion 1.4.0 (or LATEST where it is 1.4.0 or later); on EC2 launch type this does not apply.',
  },
  {
    id: 'mount-target-conflict',
    title: 'A second mount target in one Availability Zone was refused',
    pattern: /mount target already exists in this AZ|MountTargetConflict|fsmt-\S{1,40} already exists in stack/i,
    causes: [
      'a file system has at most one mount target per AZ, and the template or stack selects two subnets in the same AZ (CDK: several subnets per AZ before onePerAz)',
      'the file system already has mount targets in those AZs, created outside this stack',
    ],
    checks: ['efs/mount-target-per-az'],
    fix: 'Select one subnet per AZ for the mount targets (CDK: vpcSubnets with onePerAz: true), or import the existing mount targets instead of creating them.',
  },
  {
    id: 'cfn-efs-volume-key',
    title: 'CloudFormation rejected the task definition\'s EFS volume key',
    pattern: /extraneous key \[EfsVolumeConfiguration\] is not permitted/,
    causes: ['AWS::ECS::TaskDefinition expects the key EFSVolumeConfiguration; the template (old aws-cdk releases) writes EfsVolumeConfiguration'],
    checks: [],
    fix: 'Spell it EFSVolumeConfiguration (upgrade aws-cdk, or override the property), then deploy again.',
  },
  {
    id: 'watchdog-upstart',
    title: 'efs-utils took PID 1 for upstart and ran /sbin/status (a TLS mount fails with a Python traceback)',
    pattern: /No such file or directory: '\/sbin\/status'/i,
    causes: [
      'with tls, mount.efs starts its watchdog through the init system it reads from /proc/1/comm; a PID 1 named "init" that is not upstart (SysV init, WSL, a container\'s init shim) makes it run /sbin/status, which does not exist',
    ],
    checks: ['host/efs-utils-tls'],
    fix: 'Mount on a host whose PID 1 is systemd (an EC2 instance, not a container or WSL); in ECS, let the agent mount it (efsVolumeConfiguration) instead of mounting inside a container.',
  },
  {
    id: 'tls-cert-verify',
    title: 'The TLS tunnel could not verify the mount target\'s certificate',
    pattern: /OCSP check failed|certificate verify failed|CERT: Verification error/i,
    causes: [
      'stunnel checks the certificate\'s revocation (OCSP) over HTTP to ocsp.rootca1.amazontrust.com, which a proxy or egress rules block (stunnel ignores HTTP proxy settings)',
      'the CA bundle on the host (or in efs-utils.conf) lacks the Amazon roots',
    ],
    checks: ['host/efs-utils-tls'],
    fix: 'Allow the host HTTP to the OCSP responder, or set stunnel_check_cert_validity = false in /etc/amazon/efs/efs-utils.conf; upgrade amazon-efs-utils (2.x does TLS in efs-proxy).',
  },
  {
    id: 'watchdog-init',
    title: 'efs-utils could not start its TLS watchdog (no systemd or upstart where the mount runs)',
    pattern: /Could not start amazon-efs-mount-watchdog, unrecognized init system/i,
    causes: [
      'the mount helper runs inside a container without an init system; the mount itself can still succeed, but nothing restarts a crashed TLS tunnel — look at the lines after this one for the real error',
    ],
    checks: ['host/efs-utils-tls'],
    fix: 'Read the next error line; mount from the host (where amazon-efs-mount-watchdog runs under systemd) rather than from inside a container.',
    generic: true,
  },
  {
    id: 'resource-initialization',
    title: 'ECS could not set up the task\'s EFS volume (efsVolumeConfiguration)',
    pattern: /ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes/i,
    causes: [
      'the specific efs-utils error follows in the message (ECS may cut it): DNS resolution, connection timeout or access denied',
      'if the message is cut, read /var/log/amazon/efs/mount.log on the instance (efsdoctor probe shows its last lines)',
    ],
    checks: ['efs/mount-target-per-az', 'efs/mount-target-available', 'network/mount-target-sg-allows-nfs', 'efs/file-system-policy', 'ecs/efs-volume-configuration'],
    fix: 'Fix the cause named after "stderr:"; run efsdoctor check on the cluster to see which link fails.',
    generic: true,
  },
]

const ORDERED: readonly Signature[] = [...SIGNATURES.filter(s => !s.generic), ...SIGNATURES.filter(s => s.generic)]
const MAX_SHOWN = 300

/** Control characters (terminal escapes included) flattened to spaces, and long text cut: safe to print. */
export function printable(text: string, max = MAX_SHOWN): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text
  return cut.replace(UNSAFE_CHARS, ' ').replace(/[\t\n]/g, ' ')
}

/** 1-based number and text of the line of `text` that holds position `at`. */
function lineAt(text: string, at: number): {number: number; text: string} {
  let number = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) number++
  const start = text.lastIndexOf('\n', at - 1) + 1
  const end = text.indexOf('\n', at)
  return {number, text: text.slice(start, end === -1 ? undefined : end).replace(/\r$/, '')}
}

/**
 * Routes one message through every signature; specific matches first, generic wrappers last. For a multi-line paste
 * (agent log, traceback) each match names the line it was found on.
 */
export function explain(text: string): Explanation {
  const matches: ExplainMatch[] = []
  const multiLine = text.includes('\n')
  for (const s of ORDERED) {
    const m = s.pattern.exec(text)
    if (!m) continue
    matches.push({id: s.id, title: s.title, matched: m[0], causes: s.causes, checks: s.checks, fix: s.fix,
      ...(multiLine ? {line: lineAt(text, m.index)} : {})})
  }
  return {input: text, matches}
}

/** Every check id any signature refers to (for tests and for building a `check --only` line). */
export function referencedCheckIds(): string[] {
  return [...new Set(SIGNATURES.flatMap(s => s.checks))].sort()
}
