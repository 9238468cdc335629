/**
 * The catalogue: every check efsdoctor runs, in report order (following the chain from cluster to container). Add a check by importing it here.
 * docs/checks.md is generated from this list (npm run docs); a test fails when it is stale.
 */
import type {Check} from '../core/types.js'
import {containerInstancesHealthy} from './ecs/container-instances-healthy.js'
import {mountPointVolumeExists} from './ecs/mount-point-volume-exists.js'
import {volumeSourceOnEfs} from './ecs/volume-source-on-efs.js'
import {efsVolumeConfiguration} from './ecs/efs-volume-configuration.js'
import {accessPointPosixIdentity} from './ecs/access-point-posix-identity.js'
import {taskRoleEfsAccess} from './ecs/task-role-efs-access.js'
import {fileSystemExists} from './efs/file-system-exists.js'
import {fileSystemWritable} from './efs/file-system-writable.js'
import {mountTargetAvailable} from './efs/mount-target-available.js'
import {mountTargetPerAz} from './efs/mount-target-per-az.js'
import {mountTargetSameVpc} from './efs/mount-target-same-vpc.js'
import {fileSystemPolicy} from './efs/file-system-policy.js'
import {mountTargetSgAllowsNfs} from './network/mount-target-sg-allows-nfs.js'
import {clientSgEgressNfs} from './network/client-sg-egress-nfs.js'
import {naclAllowsNfs} from './network/nacl-allows-nfs.js'
import {vpcDns} from './network/vpc-dns.js'
import {mountsEfs} from './userdata/mounts-efs.js'
import {clientInstalledBeforeMount} from './userdata/client-installed-before-mount.js'
import {fstabNetdev} from './userdata/fstab-netdev.js'
import {mountBeforeDocker} from './userdata/mount-before-docker.js'
import {scriptRuns} from './userdata/script-runs.js'
import {secrets} from './userdata/secrets.js'
import {ssmManaged} from './host/ssm-managed.js'
import {efsMounted} from './host/efs-mounted.js'
import {noShadowedData} from './host/no-shadowed-data.js'
import {mountResponds} from './host/mount-responds.js'
import {rootDirectoryExists} from './host/root-directory-exists.js'
import {fstabPersistent} from './host/fstab-persistent.js'
import {nfsClientInstalled} from './host/nfs-client-installed.js'
import {efsUtilsRegion} from './host/efs-utils-region.js'
import {efsUtilsTls} from './host/efs-utils-tls.js'
import {efsDnsSuffix} from './host/efs-dns-suffix.js'
import {dnsResolves} from './host/dns-resolves.js'
import {port2049Reachable} from './host/port-2049-reachable.js'
import {mountOptions} from './host/mount-options.js'
import {bootErrors} from './host/boot-errors.js'
import {containerSeesEfs} from './ecs/container-sees-efs.js'

export const allChecks: Check[] = [
  // The cluster and its file systems
  containerInstancesHealthy,
  fileSystemExists,
  fileSystemWritable,
  mountTargetAvailable,
  mountTargetPerAz,
  mountTargetSameVpc,
  // The network path from each instance to its mount target
  mountTargetSgAllowsNfs,
  clientSgEgressNfs,
  naclAllowsNfs,
  vpcDns,
  fileSystemPolicy,
  // How the hosts mount EFS at boot
  mountsEfs,
  clientInstalledBeforeMount,
  fstabNetdev,
  mountBeforeDocker,
  scriptRuns,
  secrets,
  // How tasks get the file system
  mountPointVolumeExists,
  volumeSourceOnEfs,
  efsVolumeConfiguration,
  accessPointPosixIdentity,
  taskRoleEfsAccess,
  // What each host and container actually sees (SSM probe)
  ssmManaged,
  efsMounted,
  noShadowedData,
  mountResponds,
  rootDirectoryExists,
  fstabPersistent,
  nfsClientInstalled,
  efsUtilsRegion,
  efsUtilsTls,
  efsDnsSuffix,
  dnsResolves,
  port2049Reachable,
  mountOptions,
  bootErrors,
  containerSeesEfs,
]
