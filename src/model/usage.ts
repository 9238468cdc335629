/**
 * Who mounts what: for each client — a host group (launch-template version or launch configuration), an instance,
 * a task definition, an awsvpc service — the file systems it uses and the evidence. Checks evaluate only the
 * (client, file system) pairs recorded here, never every client against every file system; and a file system enters
 * the snapshot's scope because something uses it or the user named it (see `ScopedFileSystem`).
 *
 * inventory/, remote/ and lint/ write it (through checks/_lib/usage.ts, which derives it from the snapshot);
 * checks/, core/ and report/ read it. schemas/snapshot.schema.json mirrors these types.
 */

export type UsageClientKind =
  | 'launch-template'
  | 'launch-configuration'
  | 'instance'
  | 'task-definition'
  | 'service'
  /** A template resource that launches hosts (lint: launch template, launch configuration or instance logical id). */
  | 'template-host'
  /** The user, through --file-system. */
  | 'user'

export interface UsageClient {
  kind: UsageClientKind
  id: string
  /** Launch-template version, or task-definition revision, when known. */
  version?: string
}

export type UsageEvidenceKind =
  /** A mount command or fstab line in UserData (`userDataId`, `line`, `path` = the mount point). */
  | 'userdata'
  /** The host probe saw the file system mounted (`path` = where) … */
  | 'probe-mount'
  /** … or in the host's /etc/fstab. */
  | 'probe-fstab'
  /** A task-definition volume's efsVolumeConfiguration names the file system (`volume`). */
  | 'task-volume'
  /** A task-definition volume's host path (`path`) lies under a host's mount of the file system. */
  | 'task-host-path'
  /** Named with --file-system. */
  | 'named'

export interface UsageEvidence {
  kind: UsageEvidenceKind
  userDataId?: string
  line?: number
  /** Lint: the template line of that UserData line. */
  templateLine?: number
  volume?: string
  path?: string
}

/** One client of a file system, with every piece of evidence for it. */
export interface FileSystemUse {
  client: UsageClient
  evidence: UsageEvidence[]
}

/** A file system in the snapshot's scope: why it was picked, and who uses it. */
export interface ScopedFileSystem {
  id: string
  /** Why it is in scope, in words. */
  reasons: string[]
  /** The clients that use it and the evidence for each (schemaVersion 2; empty when only named or a candidate). */
  usedBy?: FileSystemUse[]
  /** Named with --file-system: its findings count whatever the evidence. */
  named?: boolean
  /**
   * Nothing names any file system, and this one only has mount targets where the instances run: it may not be used
   * by this cluster, so its findings are `unknown`, never `fail`.
   */
  candidate?: boolean
}

/** Where a client's evidence is ambiguous (e.g. a mount of a device whose file system cannot be told). */
export interface AmbiguousUse {
  client: UsageClient
  evidence: UsageEvidence
  /** The device or value as written. */
  device: string
}

/** "launch template lt-… v3", "task definition web:4", … */
export function describeClient(c: UsageClient): string {
  switch (c.kind) {
    case 'launch-template': return `launch template ${c.id}${c.version ? ` v${c.version}` : ''}`
    case 'launch-configuration': return `launch configuration ${c.id}`
    case 'instance': return `instance ${c.id}`
    case 'task-definition': return `task definition ${c.id}${c.version ? `:${c.version}` : ''}`
    case 'service': return `service ${c.id}`
    case 'template-host': return c.id
    case 'user': return '--file-system'
  }
}

export function describeEvidence(e: UsageEvidence): string {
  switch (e.kind) {
    case 'userdata': return `UserData line ${e.line ?? '?'}${e.templateLine === undefined ? '' : `, template line ${e.templateLine}`}`
    case 'probe-mount': return `mounted at ${e.path ?? '?'}`
    case 'probe-fstab': return `fstab ${e.path ?? '?'}`
    case 'task-volume': return `volume ${e.volume ?? '?'}`
    case 'task-host-path': return `volume ${e.volume ?? '?'}, host path ${e.path ?? '?'}`
    case 'named': return 'named'
  }
}

/** Uses named one by one in prose; a longer list ends "and N more (…)" (the JSON's `usedBy` keeps every one). */
export const USES_LISTED = 5

const KIND_PLURAL: Record<UsageClient['kind'], string> = {
  'launch-template': 'launch template versions', 'launch-configuration': 'launch configurations', instance: 'instances',
  'task-definition': 'task definitions', service: 'services', 'template-host': 'template hosts', user: 'names',
}

/**
 * "launch template lt-… v3 (UserData line 8), task definition web:4 (volume efs)"; past USES_LISTED uses (instances
 * last), the rest are counted by kind: "…, instance i-3 (fstab /mnt/efs) and 996 more (996 instances)", so a cluster
 * of a thousand hosts gives one readable line.
 */
export function describeUses(uses: readonly FileSystemUse[]): string {
  const one = (u: FileSystemUse) => u.client.kind === 'user' ? 'named with --file-system' : `${describeClient(u.client)} (${u.evidence.map(describeEvidence).join(', ')})`
  if (uses.length <= USES_LISTED + 1) return uses.map(one).join(', ')
  // Instances (many, alike) after the rest, so the launch templates and task definitions are the ones named.
  const ordered = [...uses.filter(u => u.client.kind !== 'instance'), ...uses.filter(u => u.client.kind === 'instance')]
  const rest = new Map<UsageClient['kind'], number>()
  for (const u of ordered.slice(USES_LISTED)) rest.set(u.client.kind, (rest.get(u.client.kind) ?? 0) + 1)
  const counts = [...rest].map(([kind, n]) => n === 1 ? `1 ${KIND_PLURAL[kind].replace(/s$/, '')}` : `${n} ${KIND_PLURAL[kind]}`)
  return `${ordered.slice(0, USES_LISTED).map(one).join(', ')} and ${uses.length - USES_LISTED} more (${counts.join(', ')})`
}

/** The table's line for a file system in scope: "fs-… used by: …", or why it is in scope when nothing is known to use it. */
export function describeScopedFileSystem(f: ScopedFileSystem): string {
  const uses = f.usedBy ?? []
  if (f.candidate) return `${f.id} (candidate: may not be used by this cluster): ${f.reasons.join('; ') || 'in scope'}`
  return uses.length ? `${f.id} used by: ${describeUses(uses)}` : `${f.id}: ${f.reasons.join('; ') || 'in scope'}`
}
