/**
 * Which image a host runs, as far as its name (AMI name, or the public SSM parameter a template reads the ImageId
 * from) says, and which NFS/EFS client that image ships. Sources: aws/amazon-ecs-ami (the ECS-optimized AL2 and
 * AL2023 builds install amazon-efs-utils, which pulls in nfs-utils; the ECS-optimized Amazon Linux AMI ships
 * nfs-utils), the Amazon EFS user guide (the Amazon Linux AMI ships nfs-utils; amazon-efs-utils is not in Ubuntu's or
 * Debian's archive and is built as a .deb there), and Ubuntu/Debian cloud images, which ship no NFS client
 * (nfs-common is a separate package). Anything else is `unknown`: never guessed.
 */
import type {ImageKind} from '../model/snapshot.js'

export type {ImageKind}

export interface ImageInfo {
  kind: ImageKind
  /** The AMI name or SSM parameter path it was read from. */
  name?: string
}

const RULES: [RegExp, ImageKind][] = [
  [/deep\s*learning/i, 'unknown'],
  [/\/ecs\/optimized-ami\/amazon-linux-2023\/|al2023-ami-ecs-/i, 'ecs-al2023'],
  [/\/ecs\/optimized-ami\/amazon-linux-2\/|amzn2-ami-ecs-/i, 'ecs-al2'],
  [/\/ecs\/optimized-ami\/amazon-linux\/|amzn-ami-.*amazon-ecs-optimized/i, 'ecs-al1'],
  [/bottlerocket/i, 'bottlerocket'],
  // A mapping or parameter named for the ECS-optimized AMI, generation not said (every generation ships nfs-utils).
  [/ecs.?optimized/i, 'ecs'],
  [/al2023-ami-|\/ami-amazon-linux-latest\/al2023/i, 'al2023'],
  [/amzn2-ami-|\/ami-amazon-linux-latest\/amzn2-/i, 'al2'],
  [/amzn-ami-|\/ami-amazon-linux-latest\/amzn-ami/i, 'al1'],
  [/ubuntu/i, 'ubuntu'],
  [/debian/i, 'debian'],
  [/\brhel|red\s*hat/i, 'rhel'],
]

/** The image kind an AMI name or SSM parameter path names (`unknown` when it names none we know). */
export function imageKindOf(name: string | undefined): ImageKind {
  if (!name) return 'unknown'
  return RULES.find(([re]) => re.test(name))?.[1] ?? 'unknown'
}

export type ClientPackage = 'amazon-efs-utils' | 'nfs-utils' | 'nfs-common'

/** What the image ships: `true` ships it, `false` does not, `undefined` not known. */
export function imageShips(kind: ImageKind, pkg: ClientPackage): boolean | undefined {
  switch (kind) {
  case 'ecs-al2': case 'ecs-al2023': return pkg !== 'nfs-common'
  case 'ecs': return pkg === 'nfs-utils' ? true : pkg === 'nfs-common' ? false : undefined
  case 'ecs-al1': case 'al1': return pkg === 'nfs-utils' ? true : false
  case 'al2': case 'al2023': return pkg === 'amazon-efs-utils' || pkg === 'nfs-common' ? false : undefined
  case 'ubuntu': case 'debian': return false
  case 'bottlerocket': return false
  default: return undefined
  }
}

/** Debian-family images install with apt: their NFS client is nfs-common, and amazon-efs-utils is not in the archive. */
export const isDebianFamily = (kind: ImageKind): boolean => kind === 'ubuntu' || kind === 'debian'

export const IMAGE_LABEL: Record<ImageKind, string> = {
  'ecs': 'an ECS-optimized Amazon Linux AMI', 'ecs-al1': 'the ECS-optimized Amazon Linux AMI', 'ecs-al2': 'the ECS-optimized Amazon Linux 2 AMI',
  'ecs-al2023': 'the ECS-optimized Amazon Linux 2023 AMI', 'al1': 'the Amazon Linux AMI', 'al2': 'Amazon Linux 2',
  'al2023': 'Amazon Linux 2023', 'ubuntu': 'Ubuntu', 'debian': 'Debian', 'rhel': 'Red Hat Enterprise Linux',
  'bottlerocket': 'Bottlerocket', 'unknown': 'an image efsdoctor does not know',
}
