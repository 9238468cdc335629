/**
 * What the host probe (src/remote/scripts/probe.sh) saw on one instance, as plain JSON.
 * Stored in snapshot.hostFacts[instanceId].facts; read by the host/* and ecs/container-sees-efs checks.
 */

export type DfStatus = 'ok' | 'timeout' | 'error' | 'skipped'

export interface ProbeMount {
  /** Mount point, decoded (mountinfo's \040 → space). */
  target: string
  source: string
  fstype: string
  /** Per-mount and super-block options together, e.g. ['rw', 'vers=4.1', 'hard', 'noresvport']. */
  options: string[]
  /** Whether `df` answered on this mount within the time limit; undefined when not tried. */
  df?: {status: DfStatus; sizeKb?: number; usedKb?: number; detail?: string}
}

/** The mount that covers an expected path (the deepest mount point that is a prefix of it). */
export interface ProbeExpectedPath {
  path: string
  coveringTarget?: string
  fstype?: string
  source?: string
}

export interface ProbeFstabEntry {
  device: string
  mountPoint: string
  fstype: string
  options: string[]
}

export interface ProbeDns {
  name: string
  status: 'ok' | 'fail' | 'timeout'
  ipv4: string[]
  ipv6: string[]
}

export interface ProbeTcp {
  ip: string
  port: number
  status: 'open' | 'refused' | 'timeout' | 'error'
}

export interface ProbeLogLine {
  source: 'cloud-init-output' | 'efs-mount' | string
  line: string
}

export interface ProbeContainer {
  id: string
  name: string
  pid: number
  /** ECS task ARN from the container label, when ECS started it. */
  taskArn?: string
}

/** A bind mount whose host source is under an NFS mount or an expected path, and what the container sees there. */
export interface ProbeContainerMount {
  containerId: string
  hostSource: string
  containerPath: string
  /** File-system type at containerPath inside the container's mount namespace; 'unknown' when unreadable. */
  containerFstype: string
  containerSource?: string
}

/**
 * What lies in the local directory underneath an EFS/NFS mount point (seen from a private mount namespace with the
 * mount lazily detached): files written there before the mount are hidden by it and lost to the application.
 */
export interface ProbeShadow {
  /** Mount point, decoded. */
  mountPoint: string
  /** unavailable: could not look (no unshare, not permitted, beneath is NFS too); timeout: no answer in time. */
  status: 'ok' | 'unavailable' | 'timeout'
  /** Entries found beneath, capped at 21 (21 means more than 20); undefined unless status is ok. */
  entries?: number
  /** A few of their names (decoded). */
  sample: string[]
  /** Why the probe could not look, when status is not ok. */
  detail?: string
}

export interface ProbeFacts {
  formatVersion: number
  probeVersion: string
  /** False when the END line is missing: the output was cut (e.g. by SSM's 24,000-character limit). */
  complete: boolean
  os?: {id: string; versionId: string; prettyName?: string}
  kernel?: string
  clients: {mountNfs4: boolean; mountEfs: boolean}
  /** mount.efs --version first line, when mount.efs exists. */
  efsUtilsVersion?: string
  /** Package name → version, 'absent', or 'unknown' (no rpm/dpkg). */
  packages: Record<string, string>
  /** Unit → systemctl is-active answer ('unknown' when it could not be asked). */
  services: Record<string, string>
  dns: ProbeDns[]
  tcp: ProbeTcp[]
  cloudInit?: string
  /** EFS/NFS mounts only (nfs, nfs4, efs). */
  mounts: ProbeMount[]
  expectedPaths: ProbeExpectedPath[]
  fstab: ProbeFstabEntry[]
  /** efs-utils state file names in /var/run/efs (e.g. `fs-0123….mnt.efs.20127`): map TLS mounts (127.0.0.1:/) to fs ids by port. */
  efsStateFiles: string[]
  /**
   * State file name → the access point its mount goes through (`fsap-…`), or '' for none; a file that could not be
   * read is left out. Undefined before probe version 4.
   */
  efsStateAccessPoints?: Record<string, string>
  /** Undefined when the probe did not report on Docker (e.g. output cut). */
  docker?: {status: 'ok' | 'absent' | 'timeout' | 'error'; detail?: string}
  containers: ProbeContainer[]
  containerMounts: ProbeContainerMount[]
  logs: ProbeLogLine[]
  /** Per EFS/NFS mount point (first 10): data hidden underneath it. Undefined when the probe predates SHADOW. */
  shadowed?: ProbeShadow[]
  /** Sections the probe cut to stay under the output limit, with how many items were dropped. */
  truncated: {section: string; dropped: number}[]
  /** /etc/amazon/efs/efs-utils.conf (known keys only, in file order). Undefined when the probe predates version 3. */
  efsUtilsConfig?: ProbeEfsUtilsConfig
  /** The TLS helpers efs-utils runs, by name (stunnel, stunnel5, efs-proxy). Undefined before probe version 3. */
  tlsHelpers?: Record<string, ProbeHelper>
  /** What instance metadata answered to the region lookup efs-utils makes. Undefined before probe version 3. */
  imds?: ProbeImds
  /**
   * Directories that must exist on a file system, looked at under each mount of a file system's root (EFSD_ROOT_DIRS).
   * Undefined before probe version 4.
   */
  rootDirs?: ProbeRootDir[]
}

/** What `stat` said about a directory (relative to a file system's root) under one mount of that root. */
export interface ProbeRootDir {
  /** The mount point it was looked for under (decoded); '' for a refused item. */
  mountPoint: string
  /** Relative to the file system's root, e.g. /reports. */
  path: string
  /**
   * not-directory: something else is there (`type` says what); missing: no such file or directory; denied: the host
   * may not look; skipped: the mount did not answer df, or the probe's time budget was used; refused: not an allowed path.
   */
  status: 'exists' | 'not-directory' | 'missing' | 'denied' | 'timeout' | 'error' | 'skipped' | 'refused'
  /** stat's file type, e.g. "directory", "regular file", "symbolic link". */
  type?: string
  uid?: number
  gid?: number
  /** Octal permission bits, e.g. "755". */
  mode?: string
  detail?: string
}

export interface ProbeEfsUtilsConfig {
  present: boolean
  /** `section` is e.g. "mount" or "mount.cn-north-1". */
  entries: {section: string; key: string; value: string}[]
}

export interface ProbeHelper {
  present: boolean
  path?: string
  /** e.g. "5.58" for stunnel; undefined when the binary does not say. */
  version?: string
}

export interface ProbeImds {
  /** HTTP status of the IMDSv2 token request (PUT /latest/api/token); '000' = no answer, '' = not asked. */
  tokenStatus: string
  /** HTTP status of a token-less (IMDSv1) GET of the region; 401 = IMDSv2 is required. */
  v1Status: string
  /** The region IMDS gave, when it gave one. */
  region?: string
  /** Why it could not be asked (e.g. curl is not installed). */
  detail?: string
}
