/**
 * Pure parser for the host probe's stdout (format documented at the top of scripts/probe.sh).
 * Unknown keys are ignored so newer probes stay readable; output without the EFSD header is an error
 * (the caller marks the host `unparseable`).
 */
import {redactSecrets} from '../core/redact.js'
import type {DfStatus, ProbeDns, ProbeFacts, ProbeRootDir, ProbeShadow, ProbeTcp} from '../model/probe-facts.js'

export type {ProbeFacts} from '../model/probe-facts.js'
export type * from '../model/probe-facts.js'

export type ParseResult = {ok: true; facts: ProbeFacts} | {ok: false; error: string}

/** mountinfo/fstab octal escapes (\040 space, \011 tab, \012 newline, \134 backslash) → characters. */
export function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)))
}

const list = (s: string | undefined): string[] => (s ? s.split(',').filter(Boolean) : [])
const num = (s: string | undefined): number | undefined => {
  if (s === undefined || s === '') return undefined
  const n = Number(s)
  return Number.isFinite(n) ? n : undefined
}
const oneOf = <T extends string>(v: string | undefined, allowed: readonly T[], fallback: T): T =>
  (allowed as readonly string[]).includes(v ?? '') ? v as T : fallback

export function parseProbe(stdout: string): ParseResult {
  // NOTE: log lines and fstab options can carry credentials (an echoed password, a CIFS password=): redact before
  // anything is stored in a snapshot or printed.
  const text = redactSecrets(stdout)
  const lines = text.split('\n').map(l => l.replace(/\r$/, ''))
  const start = lines.findIndex(l => l.startsWith('EFSD\t'))
  if (start < 0) {
    const head = text.trim().slice(0, 120)
    return {ok: false, error: head ? `no EFSD header in probe output (starts with: ${JSON.stringify(head)})` : 'probe printed nothing'}
  }
  const header = lines[start].split('\t')
  const formatVersion = Number(header[1])
  if (formatVersion !== 1) return {ok: false, error: `unsupported probe output format ${JSON.stringify(header[1])}`}

  const facts: ProbeFacts = {
    formatVersion, probeVersion: header[2] ?? '', complete: false,
    clients: {mountNfs4: false, mountEfs: false}, packages: {}, services: {},
    dns: [], tcp: [], mounts: [], expectedPaths: [], fstab: [], efsStateFiles: [], containers: [], containerMounts: [], logs: [], truncated: [],
  }
  const mountByTarget = new Map<string, ProbeFacts['mounts'][number]>()

  for (const line of lines.slice(start + 1)) {
    if (line === '') continue
    const [key, ...f] = line.split('\t')
    switch (key) {
      case 'OS':
        facts.os = {id: f[0] ?? '', versionId: f[1] ?? '', ...(f[2] ? {prettyName: f[2]} : {})}
        break
      case 'KERNEL':
        if (f[0]) facts.kernel = f[0]
        break
      case 'CLIENT':
        if (f[0] === 'mount.nfs4') facts.clients.mountNfs4 = f[1] === 'present'
        if (f[0] === 'mount.efs') facts.clients.mountEfs = f[1] === 'present'
        break
      case 'EFSUTILS':
        if (f[0]) facts.efsUtilsVersion = f[0]
        break
      case 'PKG':
        if (f[0]) facts.packages[f[0]] = f[1] || 'unknown'
        break
      case 'SVC':
        if (f[0]) facts.services[f[0]] = f[1] || 'unknown'
        break
      case 'DNS':
        facts.dns.push({name: f[0] ?? '', status: oneOf<ProbeDns['status']>(f[1], ['ok', 'fail', 'timeout'], 'fail'),
          ipv4: list(f[2]), ipv6: list(f[3])})
        break
      case 'TCP':
        facts.tcp.push({ip: f[0] ?? '', port: num(f[1]) ?? 2049,
          status: oneOf<ProbeTcp['status']>(f[2], ['open', 'refused', 'timeout', 'error'], 'error')})
        break
      case 'CLOUDINIT':
        facts.cloudInit = f[0] ?? ''
        break
      case 'MOUNT': {
        const m = {target: unescapeMountPath(f[0] ?? ''), source: unescapeMountPath(f[1] ?? ''), fstype: f[2] ?? '',
          options: [...new Set(list(f[3]))]}
        facts.mounts.push(m)
        // NOTE: when a path is mounted twice the later entry is the visible one; DF lines refer to it.
        mountByTarget.set(m.target, m)
        break
      }
      case 'DF': {
        const m = mountByTarget.get(unescapeMountPath(f[0] ?? ''))
        if (!m) break
        const status = oneOf<DfStatus>(f[1], ['ok', 'timeout', 'error', 'skipped'], 'error')
        m.df = {status}
        const sizeKb = num(f[2]); const usedKb = num(f[3])
        if (sizeKb !== undefined) m.df.sizeKb = sizeKb
        if (usedKb !== undefined) m.df.usedKb = usedKb
        if (f[4]) m.df.detail = f[4]
        break
      }
      case 'EXPECT':
        facts.expectedPaths.push({path: f[0] ?? '',
          ...(f[1] ? {coveringTarget: unescapeMountPath(f[1])} : {}),
          ...(f[2] ? {fstype: f[2]} : {}),
          ...(f[3] ? {source: unescapeMountPath(f[3])} : {})})
        break
      case 'SHADOW': {
        const status = oneOf<ProbeShadow['status']>(f[1], ['ok', 'unavailable', 'timeout'], 'unavailable')
        const entries = status === 'ok' ? num(f[2]) : undefined
        // NOTE: sample names are joined with '/', the one character a file name cannot hold.
        ;(facts.shadowed ??= []).push({mountPoint: unescapeMountPath(f[0] ?? ''), status,
          ...(entries !== undefined ? {entries} : {}),
          sample: (f[3] ?? '').split('/').filter(Boolean).map(unescapeMountPath),
          ...(f[4] ? {detail: f[4]} : {})})
        break
      }
      case 'DOCKER':
        facts.docker = {status: oneOf(f[0], ['ok', 'absent', 'timeout', 'error'] as const, 'error'), ...(f[1] ? {detail: f[1]} : {})}
        break
      case 'DOCKER_INSPECT':
        facts.docker = {status: 'timeout', detail: 'docker inspect did not answer in time'}
        break
      case 'EFSSTATE':
        if (f[0]) {
          facts.efsStateFiles.push(f[0])
          // NOTE: 'unknown' (the file could not be read) is left out, so the mount's access point stays unknown.
          if (f[1] === 'none' || /^fsap-[0-9a-f]{17}$/.test(f[1] ?? '')) (facts.efsStateAccessPoints ??= {})[f[0]] = f[1] === 'none' ? '' : f[1]
        }
        break
      case 'ROOTDIR': {
        const uid = num(f[4]); const gid = num(f[5])
        ;(facts.rootDirs ??= []).push({mountPoint: unescapeMountPath(f[0] ?? ''), path: f[1] ?? '',
          status: oneOf<ProbeRootDir['status']>(f[2], ['exists', 'not-directory', 'missing', 'denied', 'timeout', 'error', 'skipped', 'refused'], 'error'),
          ...(f[3] ? {type: f[3]} : {}), ...(uid !== undefined ? {uid} : {}), ...(gid !== undefined ? {gid} : {}),
          ...(f[6] ? {mode: f[6]} : {}), ...(f[7] ? {detail: f[7]} : {})})
        break
      }
      case 'CONTAINER':
        facts.containers.push({id: f[0] ?? '', name: f[1] ?? '', pid: num(f[2]) ?? 0, ...(f[3] ? {taskArn: f[3]} : {})})
        break
      case 'CMOUNT':
        facts.containerMounts.push({containerId: f[0] ?? '', hostSource: unescapeMountPath(f[1] ?? ''),
          containerPath: unescapeMountPath(f[2] ?? ''), containerFstype: f[3] || 'unknown',
          ...(f[4] ? {containerSource: unescapeMountPath(f[4])} : {})})
        break
      case 'FSTAB':
        facts.fstab.push({device: unescapeMountPath(f[0] ?? ''), mountPoint: unescapeMountPath(f[1] ?? ''),
          fstype: f[2] ?? '', options: list(f[3])})
        break
      case 'LOG':
        facts.logs.push({source: f[0] ?? '', line: f.slice(1).join('\t')})
        break
      case 'TRUNCATED':
        facts.truncated.push({section: f[0] ?? '', dropped: num(f[1]) ?? 0})
        break
      case 'EFSCONF':
        facts.efsUtilsConfig = {present: f[0] === 'present', entries: facts.efsUtilsConfig?.entries ?? []}
        break
      case 'EFSCONFKEY':
        if (f[1]) (facts.efsUtilsConfig ??= {present: true, entries: []}).entries.push({section: f[0] ?? '', key: f[1], value: f[2] ?? ''})
        break
      case 'HELPER':
        if (f[0]) {
          (facts.tlsHelpers ??= {})[f[0]] = {present: f[1] === 'present', ...(f[2] ? {path: f[2]} : {}), ...(f[3] ? {version: f[3]} : {})}
        }
        break
      case 'IMDS':
        facts.imds = {tokenStatus: f[0] ?? '', v1Status: f[1] ?? '', ...(f[2] ? {region: f[2]} : {}), ...(f[3] ? {detail: f[3]} : {})}
        break
      case 'END':
        facts.complete = true
        break
      default:
        break
    }
  }
  // NOTE: from version 4 on, no ROOTDIR / access-point field means none, not "not looked at".
  if (Number(facts.probeVersion) >= 4) {
    facts.rootDirs ??= []
    facts.efsStateAccessPoints ??= {}
  }
  return {ok: true, facts}
}
