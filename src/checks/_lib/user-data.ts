/**
 * UserData → what the userdata checks need (pure; no I/O): package installs, mount commands, fstab writes,
 * Docker/ECS service actions and ecs.config settings, each with its 1-based line number in the decoded text.
 * Formats: shell (`#!`), `#cloud-config`, `#cloud-boothook` and MIME multipart (parts may be base64-encoded).
 * Shell is read with a real bash grammar and evaluated symbolically (user-data-shell.ts). CloudFormation `Fn::Sub`
 * escapes (`${!VAR}` = shell `${VAR}`) are undone; unresolved `${Param}` placeholders stay as unknown values.
 * Bad input (too large, binary, a syntax error, nesting too deep) sets `unreadable`: the checks say unknown and why.
 */
import type {LineCounter, Node} from 'yaml'
import {yaml} from '../../core/yaml.js'
import {shellParserLoaded} from '../../core/shell-parser.js'
export {decodeUserData, MAX_USERDATA_BYTES} from '../../core/user-data-layers.js'
import {decodeUserData, GZIP_MAGIC, gunzipSafe, MAX_USERDATA_BYTES, mimeParts} from '../../core/user-data-layers.js'
import {newShellState, rememberFile, type ShellState, walkScript} from './user-data-shell.js'
import type {UserDataEncoding} from '../../core/user-data-layers.js'
import type {CfnInit, UserData} from '../../model/snapshot.js'

/** Per kind of item (mounts, fstab lines, …): a script with more is not one people write. */
const MAX_ITEMS = 2000
const CLOUD_INIT_MOUNT_DEFAULTS = 'defaults,nofail,x-systemd.after=cloud-init.service,_netdev'

export type UserDataFormat = 'shell' | 'cloud-config' | 'cloud-boothook' | 'mime' | 'include' | 'unknown' | 'empty'
export type PartFormat = 'shell' | 'cloud-config' | 'cloud-boothook' | 'include' | 'unknown'

/**
 * When a step runs during boot. Boothooks run first, then cloud-init's init stage (bootcmd, write_files, mounts),
 * then the final stage: `packages:`, then shell-script parts, then `runcmd:`.
 */
export type Stage = 'boothook' | 'bootcmd' | 'init' | 'packages' | 'script' | 'runcmd'
const STAGE_RANK: Record<Stage, number> = {boothook: 0, bootcmd: 1, init: 2, packages: 3, script: 4, runcmd: 5}

export interface UserDataPart {
  index: number
  format: PartFormat
  contentType?: string
  /** Line (in the decoded text) of the part's first body line. */
  startLine: number
  /** The part's text (base64 bodies decoded). */
  text: string
  /** The body was base64-encoded: every item in it is reported at `startLine`. */
  encoded: boolean
}

/** Where a step sits: `line` in the decoded text, and a sortable boot `order`. */
export interface Step {
  line: number
  part: number
  stage: Stage
  order: number
  /** The command or YAML item as written (one line, trimmed). */
  text: string
  /** Runs only in one arm of a condition the script tests at boot (`test -f X && A || B`, `if … then A else B`). */
  branch?: Branch
  /** Written in cfn-init metadata, not in the script; `line` is then the script line that runs cfn-init (see lineRef). */
  cfnInit?: CfnInitConfig
}

/** A config of a resource's AWS::CloudFormation::Init metadata. */
export interface CfnInitConfig {
  resource: string
  config: string
}

type Placed = {line: number; cfnInit?: CfnInitConfig}

/** Where a step is, for messages: `line 4`, or `line 2 (cfn-init Host config setup)` for a step cfn-init runs. */
export const lineRef = (s: Placed): string => s.cfnInit ? `line ${s.line} (cfn-init ${s.cfnInit.resource} config ${s.cfnInit.config})` : `line ${s.line}`
/** lineRef at the start of a sentence. */
export const LineRef = (s: Placed): string => `L${lineRef(s).slice(1)}`

export interface Branch {
  /** The condition as written, e.g. `test -f "/sbin/mount.efs"`. */
  cond: string
  /** Line of the condition. */
  line: number
  arm: 'then' | 'else'
}

export interface PackageInstall extends Step {
  manager: string
  packages: string[]
}

export interface MountCall extends Step {
  /** `command` = mount of one file system; `all` = `mount -a`; `cloud-config` = a `mounts:` entry. */
  kind: 'command' | 'all' | 'cloud-config'
  fsType?: string
  device?: string
  mountPoint?: string
  options: string[]
  /** Run with `&` (or in a backgrounded group): the script goes on before the mount is done. */
  backgrounded: boolean
  /** Failure ignored (`|| true`, `|| :`, `|| echo …`). */
  swallowed: boolean
  /** Inside a retry loop (`for`/`while`/`until`). */
  retried: boolean
  /** Where the device's and mount point's variables came from ("DIR_SRC from line 5; …"). */
  origin?: string
}

export interface FstabEntry extends Step {
  device: string
  mountPoint: string
  fsType: string
  options: string[]
  via: 'echo' | 'printf' | 'heredoc' | 'tee' | 'sed' | 'cloud-config' | 'write-files' | 'other'
  /** Where the line's variables came from. */
  origin?: string
}

export interface ServiceAction extends Step {
  service: 'docker' | 'ecs'
  action: 'start' | 'restart' | 'stop' | 'enable' | 'reload'
  /** `systemctl --no-block`: queued, does not wait (safe inside cloud-init). */
  noBlock: boolean
  tool: 'systemctl' | 'service' | 'upstart'
}

export interface ConfigSetting extends Step {
  key: string
  value: string
}

export interface ParsedUserData {
  format: UserDataFormat
  /** How the given text was encoded before parsing. */
  encoding: UserDataEncoding
  /** The decoded text that line numbers refer to. */
  text: string
  parts: UserDataPart[]
  installs: PackageInstall[]
  mounts: MountCall[]
  fstab: FstabEntry[]
  services: ServiceAction[]
  /** Settings written to /etc/ecs/ecs.config. */
  ecsConfig: ConfigSetting[]
  mkdirs: Step[]
  /** `cfn-init` runs (AWS::CloudFormation::Init metadata is applied there). */
  cfnInit: Step[]
  /** Scripts the UserData writes (write_files, `cat > f <<EOF`) and runs: read where they run, so not opaque. */
  readScripts: string[]
  notes: string[]
  /** Why the script could not be read (too large, binary, syntax error…): every verdict on it is unknown. */
  unreadable?: string
  /** What each `<…>` symbol in a value stands for, e.g. `<found-at-boot:1>` → "the output of `aws ssm get-parameter` (line 6), found at boot". */
  symbols: Record<string, string>
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

function formatOf(firstLine: string): PartFormat {
  const l = firstLine.trimEnd()
  if (l.startsWith('#!')) return 'shell'
  if (/^#cloud-config\b/.test(l)) return 'cloud-config'
  if (/^#cloud-boothook\b/.test(l)) return 'cloud-boothook'
  if (/^#include\b/.test(l)) return 'include'
  return 'unknown'
}

function formatOfContentType(ct: string | undefined, firstLine: string): PartFormat {
  switch ((ct ?? '').toLowerCase()) {
  case 'text/x-shellscript': return 'shell'
  case 'text/cloud-config': return 'cloud-config'
  case 'text/cloud-boothook': return 'cloud-boothook'
  case 'text/x-include-url': return 'include'
  default: return formatOf(firstLine)
  }
}

/**
 * MIME multipart text as parts, split as cloud-init does (core/user-data-layers mimeParts, which redaction uses too);
 * base64 bodies are decoded (gzip inside them too).
 */
function splitMime(lines: string[]): {parts: UserDataPart[]; brokenAt?: number} | undefined {
  const mime = mimeParts(lines)
  if (!mime) return undefined
  const parts = mime.parts.map((p, index): UserDataPart => {
    let text = lines.slice(p.bodyStart, p.bodyEnd).join('\n')
    const encoded = p.cte === 'base64'
    if (encoded) {
      const buf = Buffer.from(text.replace(/\s+/g, ''), 'base64')
      text = buf.subarray(0, 2).toString('latin1') === GZIP_MAGIC ? gunzipSafe(buf) : buf.toString('utf8')
    }
    return {index, format: formatOfContentType(p.contentType, text.split('\n')[0] ?? ''), contentType: p.contentType, startLine: p.bodyStart + 1, text, encoded}
  })
  return {parts, ...(mime.brokenAt ? {brokenAt: mime.brokenAt} : {})}
}


/**
 * What a script that cloud-init does not run was meant to be, and why it does not run: cloud-init runs a part as a
 * script only when it starts with `#!` (canonical/cloud-init doc/rtd/explanation/format.rst, "User data script:
 * Begins with: #!"), and the kernel needs `#!` as the first two bytes. The meant format is still read, so the other
 * checks judge what the script would do once its first line is fixed; userdata/script-runs reports the header.
 */
function intendedFormat(lines: string[]): {format: PartFormat; why: string} | undefined {
  const k = lines.findIndex(l => l.trim() !== '')
  if (k < 0) return undefined
  const first = lines[k].trim()
  const format = formatOf(first)
  if (format !== 'unknown') {
    const how = k > 0 ? 'blank line before it' : lines[k].startsWith('\uFEFF') ? 'a byte-order mark before it' : 'indented'
    return {format, why: `the header is not on line 1 (${how}${k > 0 && lines[k] !== first ? ', and indented' : ''}): cloud-init does not recognise the script, and the kernel runs a script only when #! are its first two bytes`}
  }
  if (k === 0 && /^#+!?\s*\/(usr\/)?(local\/)?bin\/(env\s+)?(ba|da|z|k)?sh\b/.test(first)) {
    const later = lines.findIndex((l, i) => i > 0 && l.startsWith('#!'))
    return {format: 'shell', why: `line 1 is "${first.slice(0, 40)}", not #!: cloud-init runs a script only when it starts with #!${later > 0 ? ` (the #! on line ${later + 1} does not count)` : ''}`}
  }
  // NOTE: shell commands with no header at all (`yum install …`, or comments first): the script that was meant, read
  // as such so each check judges what it would do, while script-runs says cloud-init does not run it.
  if (commandFirst(lines.slice(0, 200).join('\n'))) {
    return {format: 'shell', why: `line 1 is "${lines[0].trim().slice(0, 40)}", not #!: cloud-init runs a script only when it starts with #!`}
  }
  return undefined
}

/** A line that starts with a shell command efsdoctor knows, or a variable assignment. */
const COMMAND_LINE = /^\s*((sudo\s+)?(yum|dnf|apt(-get)?|mkdir|mount|echo|printf|cat|export|set|cd|systemctl|service|curl|wget|if|for)\s|[A-Za-z_][A-Za-z0-9_]*=\S)/

/**
 * Whether the first line of `text` that is not blank or a comment is a shell command: a script whose #! is missing
 * (lint also reads such a file as a script rather than a template).
 */
export function commandFirst(text: string): boolean {
  const first = text.replace(/^\uFEFF/, '').split('\n', 200).find(l => l.trim() !== '' && !l.trim().startsWith('#'))
  return first !== undefined && COMMAND_LINE.test(first)
}

/**
 * Whether text starts the way UserData does — #!, #cloud-config, #cloud-boothook, #include or MIME headers — also when
 * the header is misplaced (blank lines or a byte-order mark before it, indented, `##!/bin/bash`), which
 * userdata/script-runs then reports. What `lint` reads as a script rather than a template.
 */
export function startsLikeUserData(text: string): boolean {
  const lines = text.split('\n', 200)
  const first = lines.find(l => l.trim() !== '')?.trim()
  if (first === undefined) return false
  return formatOf(first) !== 'unknown' || /^(Content-Type|MIME-Version):/i.test(first) || intendedFormat(lines) !== undefined
}

/** NUL bytes, or more than 1 in 20 characters being control characters other than tab/CR/LF. */
function isBinary(text: string): boolean {
  const sample = text.slice(0, 8192)
  if (sample.includes('\0')) return true
  const ctl = sample.match(/[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]/g)?.length ?? 0
  return ctl * 20 > sample.length
}

// ---------------------------------------------------------------------------------------------------------------
// Recording (shared by the shell walker in user-data-shell.ts and the cloud-config reader below)

const ECS_SETTING = /\b(ECS_[A-Z0-9_]+)=("[^"\n]*"|'[^'\n]*'|\S*)/g
const NFS_FSTYPE = /^(efs|nfs4?|nfs)$/

export interface Ctx {
  out: ParsedUserData
  part: number
  stage: Stage
  seq: {n: number}
  /** The arm of a condition the walk is in (see Step.branch). */
  branch?: Branch
  /** The cfn-init config the walk is in (see Step.cfnInit). */
  cfnInit?: CfnInitConfig
}

function orderOf(stage: Stage, part: number, seq: number): number {
  return STAGE_RANK[stage] * 1e9 + part * 1e6 + Math.min(seq, 999_999)
}

/** A step at decoded line `line`; its boot order is the order the walk reaches it (functions run where called). */
export function step(ctx: Ctx, line: number, text: string): Step {
  return {line, part: ctx.part, stage: ctx.stage, order: orderOf(ctx.stage, ctx.part, ++ctx.seq.n), text: text.trim().slice(0, 200),
    ...(ctx.branch ? {branch: ctx.branch} : {}), ...(ctx.cfnInit ? {cfnInit: ctx.cfnInit} : {})}
}

/** Mark the whole UserData unreadable (the first reason wins): the checks then say unknown, with the reason. */
export function unreadable(ctx: {out: ParsedUserData}, reason: string): void {
  ctx.out.unreadable ??= reason
}

export function recordMount(ctx: Ctx, m: MountCall): void {
  if (ctx.out.mounts.length < MAX_ITEMS) ctx.out.mounts.push(m)
}

/** One fstab line → its fields, when it is an NFS/EFS entry (comments and other types are not). */
export function fstabFields(l: string): {device: string; mountPoint: string; fsType: string; options: string[]} | undefined {
  const f = l.trim().split(/[ \t]+/, 6)
  if (f.length < 3 || f[0].startsWith('#') || !NFS_FSTYPE.test(f[2])) return undefined
  return {device: f[0], mountPoint: f[1], fsType: f[2], options: (f[3] ?? 'defaults').split(',').filter(Boolean)}
}

/** Lines written to `target`: NFS/EFS lines of /etc/fstab, ECS_* settings of /etc/ecs/ecs.config. */
export function recordWrite(ctx: Ctx, target: string, lines: string[], lineNos: number[], via: FstabEntry['via'], text: string, origin?: string): void {
  const path = target.replace(/\/{2,}/g, '/')
  for (let k = 0; k < lines.length && k < MAX_ITEMS; k++) {
    const line = lineNos[k] ?? lineNos[0]
    if (path === '/etc/fstab') {
      const e = fstabFields(lines[k])
      if (e && ctx.out.fstab.length < MAX_ITEMS) ctx.out.fstab.push({...step(ctx, line, text), ...e, via, ...(origin ? {origin} : {})})
    } else if (path === '/etc/ecs/ecs.config') {
      for (const m of lines[k].matchAll(ECS_SETTING)) {
        ctx.out.ecsConfig.push({...step(ctx, line, text), key: m[1], value: m[2].replace(/^["']|["']$/g, '')})
      }
    }
  }
}

/** Walk one shell script (a part, a runcmd item) whose row `r` is decoded line `lineOf(r)`. */
function analyzeShell(ctx: Ctx, sh: ShellState, text: string, lineOf: (row: number) => number): void {
  walkScript(ctx, sh, {text: text.replace(/\r$/gm, ''), lineOf})
}
// ---------------------------------------------------------------------------------------------------------------
// cloud-config

function yamlLine(lc: LineCounter, node: Node | null | undefined, partStart: number, encoded: boolean): number {
  if (encoded || !node?.range) return partStart
  return partStart + lc.linePos(node.range[0]).line - 1
}

function scalarText(node: unknown): string | undefined {
  if (yaml().isScalar(node)) return node.value === null || node.value === undefined ? undefined : String(node.value)
  return undefined
}

function analyzeCloudConfig(ctx: Ctx, sh: ShellState, part: UserDataPart): void {
  const {isMap, isScalar, isSeq, LineCounter, parseDocument} = yaml()
  const lc = new LineCounter()
  const doc = parseDocument(part.text, {lineCounter: lc, keepSourceTokens: false})
  if (doc.errors.length) ctx.out.notes.push(`part ${part.index + 1}: cloud-config YAML error: ${doc.errors[0].message.split('\n')[0]}`)
  const root = doc.contents
  if (!isMap(root)) return
  const lineOf = (n: Node | null | undefined) => yamlLine(lc, n, part.startLine, part.encoded)
  const get = (key: string) => root.items.find(p => scalarText(p.key) === key)
  const seqItems = (key: string) => {
    const v = get(key)?.value
    return isSeq(v) ? v.items as Node[] : []
  }
  const withStage = <T>(stage: Stage, fn: () => T): T => {
    const prev = ctx.stage
    ctx.stage = stage
    try {
      return fn()
    } finally {
      ctx.stage = prev
    }
  }
  const runCommands = (key: 'bootcmd' | 'runcmd', stage: Stage) => withStage(stage, () => {
    for (const item of seqItems(key)) {
      const cmd = isSeq(item) ? item.items.map(x => {
        const t = scalarText(x) ?? ''
        return /[\s'"]/.test(t) ? `'${t.replace(/'/g, '\'\\\'\'')}'` : t
      }).join(' ') : scalarText(item)
      if (!cmd) continue
      const line = lineOf(item)
      // NOTE: a block scalar (`- |`) is a small script starting on the next line.
      const block = isScalar(item) && (item.type === 'BLOCK_LITERAL' || item.type === 'BLOCK_FOLDED')
      analyzeShell(ctx, sh, cmd, row => part.encoded ? part.startLine : line + row + (block ? 1 : 0))
    }
  })
  runCommands('bootcmd', 'bootcmd')
  withStage('init', () => {
    for (const item of seqItems('write_files')) {
      if (!isMap(item)) continue
      const field = (k: string) => item.items.find(p => scalarText(p.key) === k)
      const path = scalarText(field('path')?.value)
      const contentNode = field('content')?.value as Node | undefined
      const content = scalarText(contentNode)
      if (!path || content === undefined) continue
      // NOTE: a script written here may be run later (runcmd: [bash, path]): the shell walk reads it there.
      if (!/^\/etc\/(fstab|ecs\/ecs\.config)$/.test(path)) {
        rememberFile(sh, path, content)
        continue
      }
      const block = isScalar(contentNode) && (contentNode.type === 'BLOCK_LITERAL' || contentNode.type === 'BLOCK_FOLDED')
      const first = lineOf(contentNode) + (block && !part.encoded ? 1 : 0)
      const lines = content.split('\n')
      recordWrite(ctx, path, lines, lines.map((_, k) => part.encoded ? part.startLine : first + k), 'write-files', `write_files: ${path}`)
    }
    for (const item of seqItems('mounts')) {
      const fields = isSeq(item) ? item.items.map(x => scalarText(x) ?? '') : []
      const [device, mountPoint, fsType, opts] = fields
      if (!device || !mountPoint || !/^(efs|nfs4?|nfs)$/.test(fsType ?? '')) continue
      const line = lineOf(item)
      // cloud-init fills missing fields from mount_default_fields: defaults,nofail,x-systemd.after=cloud-init.service,_netdev
      const options = (opts ?? CLOUD_INIT_MOUNT_DEFAULTS).split(',').filter(Boolean)
      const text = `mounts: [${fields.join(', ')}]`
      ctx.out.fstab.push({...step(ctx, line, text), device, mountPoint, fsType: fsType!, options, via: 'cloud-config'})
      recordMount(ctx, {...step(ctx, line, text), kind: 'cloud-config', fsType, device, mountPoint, options,
        backgrounded: false, swallowed: false, retried: false})
    }
  })
  withStage('packages', () => {
    for (const item of seqItems('packages')) {
      const name = isSeq(item) ? scalarText(item.items[0]) : scalarText(item)
      if (name) ctx.out.installs.push({...step(ctx, lineOf(item), `packages: ${name}`), manager: 'cloud-init', packages: [name]})
    }
  })
  runCommands('runcmd', 'runcmd')
}

// ---------------------------------------------------------------------------------------------------------------
// Entry point

/**
 * Each check reads the same scripts: parse each distinct text once (results are read-only). Checks scan every script
 * of a snapshot in turn, so the memo must hold them all: a first-in-first-out memo smaller than the scan misses every
 * time (lint of a 330-stack template reparsed each script per check). Bounded by the input's size instead of a count.
 */
const MEMO = new Map<string, ParsedUserData>()
const MEMO_ENTRIES = 4096
const MEMO_CHARS = 64 * 2 ** 20
let memoChars = 0

/**
 * Parse UserData text (plain, or still base64/gzip-encoded) into the structured model; the result is shared,
 * read-only. `cfnInit` (lint): what `cfn-init --resource X` runs, read where the script runs it.
 */
export function parseUserData(input: string, cfnInit?: readonly CfnInit[], renderedBy?: UserData['renderedBy']): ParsedUserData {
  const key = `${renderedBy ? `${renderedBy}\0` : ''}${cfnInit?.length ? `${input}\0${JSON.stringify(cfnInit)}` : input}`
  const hit = MEMO.get(key)
  if (hit) return hit
  const parsed = parseUncached(input, cfnInit, renderedBy)
  if (shellParserLoaded()) {
    while (MEMO.size && (MEMO.size >= MEMO_ENTRIES || memoChars + key.length > MEMO_CHARS)) {
      const oldest = MEMO.keys().next().value!
      memoChars -= oldest.length
      MEMO.delete(oldest)
    }
    MEMO.set(key, parsed)
    memoChars += key.length
  }
  return parsed
}

/** A snapshot's UserData entry, parsed (with its cfn-init metadata, if any). */
export const parseUd = (ud: {text: string; cfnInit?: readonly CfnInit[]; renderedBy?: UserData['renderedBy']}): ParsedUserData =>
  parseUserData(ud.text, ud.cfnInit, ud.renderedBy)

function parseUncached(input: string, cfnInit?: readonly CfnInit[], renderedBy?: UserData['renderedBy']): ParsedUserData {
  const {text: decoded, encoding, overCap} = decodeUserData(input)
  // NOTE: CloudFormation Fn::Sub writes a literal `${VAR}` as `${!VAR}`; same length per line is not needed
  // because the replacement never spans lines.
  const text = decoded.replace(/\$\{!/g, '${')
  const out: ParsedUserData = {format: 'empty', encoding, text: decoded, parts: [], installs: [], mounts: [], fstab: [],
    services: [], ecsConfig: [], mkdirs: [], cfnInit: [], readScripts: [], notes: [], symbols: {}}
  if (overCap || text.length > MAX_USERDATA_BYTES) {
    out.format = 'unknown'
    out.unreadable = `it is ${overCap ? 'gzip data that decompresses to more than 256' : Math.round(text.length / 1024)} KB decoded, more than efsdoctor reads (${MAX_USERDATA_BYTES / 1024} KB; EC2 allows 16 KB)`
    return out
  }
  if (!text.trim()) return out
  if (isBinary(text)) {
    out.format = 'unknown'
    out.unreadable = 'it is binary data, not text (or a compression efsdoctor does not read)'
    return out
  }
  const lines = text.split('\n')
  const mime = /^(Content-Type|MIME-Version):/i.test(lines[0]) ? splitMime(lines) : undefined
  if (mime) {
    out.format = mime.brokenAt ? 'unknown' : 'mime'
    out.parts = mime.parts
    if (mime.brokenAt) {
      out.notes.push(`the blank line ${mime.brokenAt} ends the MIME headers after line 1, so the multipart Content-Type below it is body text: cloud-init sees a text/plain message with no known header and runs nothing`)
    }
  } else {
    const format = formatOf(lines[0])
    const intended = format === 'unknown' ? intendedFormat(lines) : undefined
    out.format = format
    out.parts = [{index: 0, format: intended?.format ?? format, startLine: 1, text, encoded: false}]
    if (intended) out.notes.push(intended.why)
  }
  const sh = newShellState()
  sh.cfnInit = cfnInit ?? []
  sh.terraform = renderedBy === 'terraform'
  for (const part of out.parts) {
    if (out.unreadable) break
    const stage: Stage = part.format === 'cloud-boothook' ? 'boothook' : 'script'
    const ctx: Ctx = {out, part: part.index, stage, seq: sh.seq}
    const lineOf = (row: number) => part.encoded ? part.startLine : part.startLine + row
    if (part.format === 'shell' || part.format === 'cloud-boothook') analyzeShell(ctx, sh, part.text, lineOf)
    else if (part.format === 'cloud-config') analyzeCloudConfig(ctx, sh, part)
  }
  out.symbols = Object.fromEntries(sh.symbols)
  for (const list of [out.installs, out.mounts, out.fstab, out.services, out.ecsConfig, out.mkdirs] as Step[][]) {
    list.sort((a, b) => a.order - b.order)
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// Devices

export interface DeviceRef {
  /** `fs-…` when written literally (or a `${…}`/`$VAR` placeholder standing where the id goes). */
  fsId?: string
  dnsName?: string
  region?: string
  /** DNS suffix after the region, e.g. `amazonaws.com` or `amazonaws.com.cn`. */
  suffix?: string
  ip?: string
  path?: string
  /** The id or region is an unresolved `${…}` / `$VAR` placeholder. */
  placeholder: boolean
}

const PLACEHOLDER_RE = /\$\{?[A-Za-z_][\w:.]*\}?/

/** Understand an NFS/EFS device: `fs-id:/path`, `fs-id.efs.region.amazonaws.com:/`, `az.fs-id.efs…`, `10.0.1.5:/`. */
export function parseDevice(device: string): DeviceRef {
  const colon = device.indexOf(':/')
  const host = colon >= 0 ? device.slice(0, colon) : device.replace(/:$/, '')
  const path = colon >= 0 ? device.slice(colon + 1) : undefined
  const placeholder = PLACEHOLDER_RE.test(host)
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return {ip: host, path, placeholder}
  const labels = host.split('.')
  const efs = labels.indexOf('efs')
  if (efs >= 1) {
    const fsId = labels[efs - 1]
    return {fsId, dnsName: host, region: labels[efs + 1], suffix: labels.slice(efs + 2).join('.') || undefined, path,
      placeholder}
  }
  if (/^fs-[0-9a-f]+$/.test(host) || placeholder) return {fsId: host, path, placeholder}
  return {dnsName: host.includes('.') ? host : undefined, path, placeholder}
}

/** Options as a set, `key` or `key=value` → key lowercased. */
export function optionMap(options: string[]): Map<string, string> {
  const m = new Map<string, string>()
  for (const o of options) {
    const eq = o.indexOf('=')
    m.set((eq < 0 ? o : o.slice(0, eq)).toLowerCase(), eq < 0 ? '' : o.slice(eq + 1))
  }
  return m
}

// ---------------------------------------------------------------------------------------------------------------
// Resolved mounts (for consumers outside the userdata checks, e.g. which file systems each client uses)

export interface ResolvedMount {
  /** `mount` = a mount command; `fstab` = a line written to /etc/fstab; `cloud-config` = a `mounts:` entry. */
  kind: 'mount' | 'fstab' | 'cloud-config'
  line: number
  device?: string
  /** What the device names: a file-system id, an EFS DNS name, an IP, or a value only known at boot (`symbolic`). */
  deviceKind?: 'fs-id' | 'dns-name' | 'ip' | 'symbolic' | 'other'
  fsId?: string
  mountPoint?: string
  fsType?: string
  options: string[]
  /** What was read: the command or line as written, and where its variables came from. */
  evidence: string
}

/** Every NFS/EFS mount and fstab line of a UserData text, with devices resolved as far as the script says. */
export function resolvedMounts(text: string): {mounts: ResolvedMount[]; unreadable?: string} {
  const p = parseUserData(text)
  if (p.unreadable) return {mounts: [], unreadable: p.unreadable}
  const describe = (device: string | undefined): Pick<ResolvedMount, 'deviceKind' | 'fsId'> => {
    if (!device) return {}
    const d = parseDevice(device)
    const fsId = d.fsId && /^fs-[0-9a-f]+$/.test(d.fsId) ? d.fsId : undefined
    const deviceKind = fsId ? (d.dnsName ? 'dns-name' : 'fs-id') : d.placeholder || /[$<]/.test(device) ? 'symbolic' : d.ip ? 'ip' : d.dnsName ? 'dns-name' : 'other'
    return {deviceKind, ...(fsId ? {fsId} : {})}
  }
  const evidence = (s: {text: string; origin?: string}) => s.origin ? `${s.text} (${s.origin})` : s.text
  const out: ResolvedMount[] = []
  for (const m of p.mounts) {
    if (m.kind === 'all' || m.kind === 'cloud-config') continue
    out.push({kind: 'mount', line: m.line, device: m.device, ...describe(m.device), mountPoint: m.mountPoint, fsType: m.fsType, options: m.options, evidence: evidence(m)})
  }
  for (const e of p.fstab) {
    out.push({kind: e.via === 'cloud-config' ? 'cloud-config' : 'fstab', line: e.line, device: e.device, ...describe(e.device), mountPoint: e.mountPoint, fsType: e.fsType, options: e.options, evidence: evidence(e)})
  }
  return {mounts: out.sort((a, b) => a.line - b.line)}
}
