/**
 * A readable, line-oriented UserData parser (pure; no I/O). It does not implement shell grammar: it splits each
 * logical line (after `\` continuations) into simple commands at `;`, `&&`, `||`, `|` and `&`, follows `for`/
 * `while`/`until`/`if` nesting, heredocs and simple `NAME=value` variables, and records what the userdata checks
 * need — package installs, mount commands, fstab writes, Docker/ECS service actions, ecs.config settings — each
 * with its 1-based line number in the decoded text. Formats: shell (`#!`), `#cloud-config`, `#cloud-boothook`
 * and MIME multipart (parts may be base64-encoded). CloudFormation `Fn::Sub` escapes (`${!VAR}` = shell `${VAR}`)
 * are undone; unresolved `${Param}` placeholders are kept and treated as unknown values.
 */
import {gunzipSync} from 'node:zlib'
import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Node} from 'yaml'

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
}

export interface FstabEntry extends Step {
  device: string
  mountPoint: string
  fsType: string
  options: string[]
  via: 'echo' | 'printf' | 'heredoc' | 'tee' | 'sed' | 'cloud-config' | 'write-files' | 'other'
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
  encoding: 'plain' | 'base64' | 'gzip' | 'base64+gzip'
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
  notes: string[]
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

const GZIP_MAGIC = '\x1f\x8b'

function looksLikeUserData(s: string): boolean {
  return /^(#|Content-Type:|MIME-Version:|<powershell>|<script>)/i.test(s.trimStart()) || s.startsWith(GZIP_MAGIC)
}

/** Undo base64 and/or gzip when the text is still encoded (inventory normally did this already). */
export function decodeUserData(raw: string): {text: string; encoding: ParsedUserData['encoding']} {
  let text = raw
  let encoding: ParsedUserData['encoding'] = 'plain'
  const compact = raw.replace(/\s+/g, '')
  if (!looksLikeUserData(raw) && compact.length >= 8 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    const decoded = Buffer.from(compact, 'base64')
    const asText = decoded.subarray(0, 2).toString('latin1') === GZIP_MAGIC ? decoded.toString('latin1') : decoded.toString('utf8')
    if (looksLikeUserData(asText)) {
      text = asText
      encoding = 'base64'
    }
  }
  if (text.startsWith(GZIP_MAGIC)) {
    try {
      text = gunzipSync(Buffer.from(text, 'latin1')).toString('utf8')
      encoding = encoding === 'base64' ? 'base64+gzip' : 'gzip'
    } catch {
      // keep the bytes; the format will be 'unknown'
    }
  }
  return {text, encoding}
}

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

function headerValue(headers: string[], name: string): string | undefined {
  const h = headers.find(x => x.toLowerCase().startsWith(name.toLowerCase() + ':'))
  return h?.slice(name.length + 1).trim()
}

/** Split MIME multipart text into parts; header continuation lines (leading whitespace) are folded. */
function splitMime(lines: string[]): UserDataPart[] | undefined {
  const headers: string[] = []
  let i = 0
  for (; i < lines.length && lines[i].trim() !== ''; i++) {
    if (/^\s/.test(lines[i]) && headers.length) headers[headers.length - 1] += ' ' + lines[i].trim()
    else headers.push(lines[i].trim())
  }
  const ct = headerValue(headers, 'Content-Type') ?? ''
  const boundary = /boundary="?([^";]+)"?/i.exec(ct)?.[1]
  if (!/multipart\//i.test(ct) || !boundary) return undefined
  const parts: UserDataPart[] = []
  let cur: {headers: string[]; body: string[]; bodyStart: number; inHeaders: boolean} | undefined
  const close = () => {
    if (!cur) return
    const type = headerValue(cur.headers, 'Content-Type')?.split(';')[0].trim()
    const cte = headerValue(cur.headers, 'Content-Transfer-Encoding')?.toLowerCase()
    let text = cur.body.join('\n')
    let encoded = false
    if (cte === 'base64') {
      const buf = Buffer.from(text.replace(/\s+/g, ''), 'base64')
      text = buf.subarray(0, 2).toString('latin1') === GZIP_MAGIC ? gunzipSafe(buf) : buf.toString('utf8')
      encoded = true
    }
    const first = text.split('\n')[0] ?? ''
    parts.push({index: parts.length, format: formatOfContentType(type, first), contentType: type, startLine: cur.bodyStart, text, encoded})
    cur = undefined
  }
  for (; i < lines.length; i++) {
    const l = lines[i].trimEnd()
    if (l === `--${boundary}--`) {
      close()
      break
    }
    if (l === `--${boundary}`) {
      close()
      cur = {headers: [], body: [], bodyStart: i + 2, inHeaders: true}
      continue
    }
    if (!cur) continue
    if (cur.inHeaders) {
      if (l.trim() === '') {
        cur.inHeaders = false
        cur.bodyStart = i + 2
      } else if (/^\s/.test(l) && cur.headers.length) {
        cur.headers[cur.headers.length - 1] += ' ' + l.trim()
      } else {
        cur.headers.push(l.trim())
      }
      continue
    }
    cur.body.push(lines[i])
  }
  close()
  return parts
}

function gunzipSafe(buf: Buffer): string {
  try {
    return gunzipSync(buf).toString('utf8')
  } catch {
    return ''
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Shell tokenising

interface Redirect {op: '>' | '>>' | '<'; target: string}
interface Segment {
  words: string[]
  redirects: Redirect[]
  /** Operator that ends this segment: ';', '&&', '||', '|', '&', or '' at end of line. */
  op: string
  raw: string
  heredoc?: {lines: string[]; startLine: number}
}

/**
 * Split a logical line into segments at unquoted `;`, `&&`, `||`, `|`, `&`, with words unquoted and redirections
 * pulled out. `$(...)` and backticks are kept inside words. An unquoted `#` at a word start ends the line.
 */
export function tokenize(line: string): Segment[] {
  const segs: Segment[] = []
  let words: string[] = []
  let redirects: Redirect[] = []
  let word = ''
  let inWord = false
  let quote: '' | '\'' | '"' = ''
  let depth = 0
  let pendingRedirect: Redirect['op'] | undefined
  let segStart = 0
  const endWord = () => {
    if (!inWord) return
    if (pendingRedirect) {
      redirects.push({op: pendingRedirect, target: word})
      pendingRedirect = undefined
    } else {
      words.push(word)
    }
    word = ''
    inWord = false
  }
  const endSeg = (op: string, at: number) => {
    endWord()
    if (words.length || redirects.length || op) segs.push({words, redirects, op, raw: line.slice(segStart, at).trim()})
    words = []
    redirects = []
    segStart = at + op.length
  }
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === quote) quote = ''
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i]
      else word += c
      continue
    }
    if (depth > 0) {
      word += c
      if (c === '(') depth++
      else if (c === ')') depth--
      continue
    }
    if (c === '\'' || c === '"') {
      quote = c
      inWord = true
      continue
    }
    if (c === '\\' && i + 1 < line.length) {
      word += line[++i]
      inWord = true
      continue
    }
    if (c === '$' && line[i + 1] === '(') {
      word += '$('
      i++
      depth = 1
      inWord = true
      continue
    }
    if (c === '`') {
      const end = line.indexOf('`', i + 1)
      word += line.slice(i, end < 0 ? line.length : end + 1)
      i = end < 0 ? line.length : end
      inWord = true
      continue
    }
    if (c === '#' && !inWord) {
      endSeg('', i)
      return segs
    }
    if (/\s/.test(c)) {
      endWord()
      continue
    }
    if (c === '>' || (c === '<' && line[i + 1] !== '<')) {
      // `2>&1`, `>&2`: fd duplication, no file target.
      if (inWord && /^\d+$/.test(word)) {
        word = ''
        inWord = false
      }
      endWord()
      let op: Redirect['op'] = c === '<' ? '<' : '>'
      if (c === '>' && line[i + 1] === '>') {
        op = '>>'
        i++
      }
      if (line[i + 1] === '&') {
        i++
        while (i + 1 < line.length && /[\d-]/.test(line[i + 1])) i++
        continue
      }
      pendingRedirect = op
      continue
    }
    if (c === '<' && line[i + 1] === '<') {
      // Heredoc marker: the body is attached by the caller; drop `<<-? 'DELIM'`.
      endWord()
      const m = /^<<-?\s*(['"]?)([\w.-]+)\1/.exec(line.slice(i))
      i += (m ? m[0].length : 2) - 1
      words.push('<<')
      continue
    }
    if (c === '&' && line[i + 1] === '&') {
      endSeg('&&', i)
      i++
      continue
    }
    if (c === '|' && line[i + 1] === '|') {
      endSeg('||', i)
      i++
      continue
    }
    if (c === '&' && line[i + 1] === '>') {
      // `&>file`: both streams to a file.
      endWord()
      i++
      if (line[i + 1] === '>') i++
      pendingRedirect = '>'
      continue
    }
    if (c === ';' || c === '|' || c === '&') {
      endSeg(c, i)
      continue
    }
    word += c
    inWord = true
  }
  endSeg('', line.length)
  return segs
}

// ---------------------------------------------------------------------------------------------------------------
// Shell analysis

const RELEVANT_WRITE = /\/etc\/fstab|\/etc\/ecs\/ecs\.config/
const FSTAB_LINE = /^\s*(\S+)\s+(\/\S*)\s+(efs|nfs4?|nfs)\s+(\S+)(?:\s+\d+\s+\d+)?\s*$/
const FSTAB_IN_TEXT = /(\S+:\S*|\$\{?\w+\}?|fs-[0-9a-f]+)\s+(\/\S*)\s+(efs|nfs4?|nfs)\s+([\w=.,:/-]+)/
const ECS_SETTING = /\b(ECS_[A-Z0-9_]+)=("[^"]*"|'[^']*'|\S*)/g

interface Frame {kind: 'loop' | 'if' | 'group'}

interface Ctx {
  out: ParsedUserData
  vars: Map<string, string>
  part: number
  stage: Stage
  /** 1-based line in the decoded text for line index `i` of the part. */
  lineOf: (i: number) => number
  frames: Frame[]
}

function orderOf(stage: Stage, part: number, line: number): number {
  return STAGE_RANK[stage] * 1e9 + part * 1e6 + line
}

function step(ctx: Ctx, line: number, text: string): Step {
  return {line, part: ctx.part, stage: ctx.stage, order: orderOf(ctx.stage, ctx.part, line), text: text.trim()}
}

/** Replace `$NAME` / `${NAME}` with known values; unknown ones stay as written. */
export function expandVars(word: string, vars: Map<string, string>): string {
  return word.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (m, a: string | undefined, b: string | undefined) => {
    const v = vars.get((a ?? b)!)
    return v ?? m
  })
}

const PREFIXES = new Set(['nohup', 'command', 'exec', 'time', 'then', 'do', 'else', '!', '{', '(', 'eval', 'env'])

/** Drop subshell/group brackets glued to a word (`(sleep`, `-a)`), keeping balanced ones such as `${VAR}`. */
function unwrapGroup(word: string): string {
  let w = word.replace(/^\(+(?!\()/, '')
  const count = (c: string) => w.split(c).length - 1
  while (w.endsWith(')') && count(')') > count('(')) w = w.slice(0, -1)
  while (w.endsWith('}') && count('}') > count('{')) w = w.slice(0, -1)
  return w
}

/** Strip wrappers (`sudo -E`, `timeout 30`, env assignments, `cloud-init-per once name`) from a command's words. */
function stripPrefixes(words: string[]): string[] {
  let w = words.map(unwrapGroup).filter(x => x !== '')
  for (let guard = 0; guard < 10 && w.length; guard++) {
    const first = w[0]
    if (PREFIXES.has(first)) {
      w = w.slice(1)
    } else if (first === 'sudo') {
      w = w.slice(1)
      while (w[0]?.startsWith('-')) w = w.slice(w[0] === '-u' ? 2 : 1)
    } else if (first === 'timeout') {
      w = w.slice(1)
      while (w[0]?.startsWith('-')) w = w.slice(1)
      w = w.slice(1)
    } else if (first === 'cloud-init-per') {
      w = w.slice(3)
    } else if (/^[A-Za-z_]\w*=/.test(first) && w.length > 1 && !w.slice(1).every(x => /^[A-Za-z_]\w*=/.test(x))) {
      w = w.slice(1)
    } else {
      break
    }
  }
  return w
}

function basename(cmd: string): string {
  return cmd.slice(cmd.lastIndexOf('/') + 1)
}

const INSTALL_MANAGERS = new Set(['yum', 'dnf', 'apt-get', 'apt', 'zypper', 'microdnf', 'rpm', 'dpkg'])

function packageInstall(words: string[]): {manager: string; packages: string[]} | undefined {
  const manager = basename(words[0])
  if (!INSTALL_MANAGERS.has(manager)) return undefined
  if (manager === 'rpm' || manager === 'dpkg') {
    if (!words.some(w => /^-[a-zA-Z]*[iU]/.test(w) || w === '--install')) return undefined
    return {manager, packages: words.slice(1).filter(w => !w.startsWith('-'))}
  }
  const at = words.findIndex(w => w === 'install' || w === 'localinstall' || w === 'reinstall')
  if (at < 0) return undefined
  return {manager, packages: words.slice(at + 1).filter(w => !w.startsWith('-'))}
}

function parseMount(words: string[]): Omit<MountCall, keyof Step | 'backgrounded' | 'swallowed' | 'retried'> | undefined {
  const cmd = basename(words[0])
  const helper = /^mount\.(efs|nfs4?|nfs)$/.exec(cmd)
  if (cmd !== 'mount' && !helper) return undefined
  let fsType = helper?.[1]
  const options: string[] = []
  const positional: string[] = []
  let all = false
  for (let i = 1; i < words.length; i++) {
    const w = words[i]
    if (w === '-t' || w === '--types') fsType = words[++i]
    else if (/^-t\w/.test(w)) fsType = w.slice(2)
    else if (w === '-o' || w === '--options') options.push(...(words[++i] ?? '').split(',').filter(Boolean))
    else if (/^-o\S/.test(w)) options.push(...w.slice(2).split(',').filter(Boolean))
    else if (w === '-a' || w === '--all' || /^-[a-z]*a[a-z]*$/.test(w)) all = true
    else if (w === '-O' || w === '--test-opts') i++
    else if (w.startsWith('-')) continue
    else positional.push(w)
  }
  if (all) return {kind: 'all', fsType, options}
  if (positional.length === 0) return undefined
  if (positional.length === 1) {
    const p = positional[0]
    return p.startsWith('/') && !p.includes(':') ? {kind: 'command', fsType, mountPoint: p, options} : {kind: 'command', fsType, device: p, options}
  }
  return {kind: 'command', fsType, device: positional[0], mountPoint: positional[1], options}
}

const SERVICES: Record<string, 'docker' | 'ecs'> = {
  'docker': 'docker', 'docker.service': 'docker', 'docker.socket': 'docker', 'ecs': 'ecs', 'ecs.service': 'ecs',
}

function serviceActions(words: string[]): Omit<ServiceAction, keyof Step>[] {
  const cmd = basename(words[0])
  const out: Omit<ServiceAction, keyof Step>[] = []
  const normalize = (verb: string): ServiceAction['action'] | undefined => {
    if (verb === 'start') return 'start'
    if (/^(restart|try-restart|reload-or-restart|try-reload-or-restart|condrestart)$/.test(verb)) return 'restart'
    if (verb === 'stop') return 'stop'
    if (verb === 'enable') return 'enable'
    if (verb === 'reload') return 'reload'
    return undefined
  }
  if (cmd === 'systemctl') {
    const flags = words.filter(w => w.startsWith('-'))
    const rest = words.slice(1).filter(w => !w.startsWith('-'))
    let action = normalize(rest[0] ?? '')
    if (!action) return out
    if (action === 'enable' && flags.includes('--now')) action = 'start'
    for (const unit of rest.slice(1)) {
      const service = SERVICES[unit]
      if (service) out.push({service, action, noBlock: flags.includes('--no-block'), tool: 'systemctl'})
    }
  } else if (cmd === 'service' && words.length >= 3) {
    const service = SERVICES[words[1]]
    const action = normalize(words[2])
    if (service && action) out.push({service, action, noBlock: false, tool: 'service'})
  } else if (/^(start|stop|restart)$/.test(cmd) || (cmd === 'initctl' && words.length >= 3)) {
    const [verb, unit] = cmd === 'initctl' ? [words[1], words[2]] : [cmd, words[1]]
    const service = SERVICES[unit ?? '']
    const action = normalize(verb)
    if (service && action) out.push({service, action, noBlock: false, tool: 'upstart'})
  }
  return out
}

/** The text a command writes: echo/printf arguments or a heredoc body, as lines. */
function contentOf(words: string[], seg: Segment): string[] | undefined {
  const cmd = basename(words[0] ?? '')
  if (seg.heredoc) return seg.heredoc.lines
  if (cmd === 'echo') return [words.slice(1).filter((w, i) => !(i === 0 && /^-[neE]+$/.test(w))).join(' ')]
  if (cmd === 'printf') {
    const args = words.slice(1)
    let fmt = args.shift() ?? ''
    for (const a of args) fmt = fmt.replace(/%s/, a)
    return fmt.replace(/\\n/g, '\n').split('\n')
  }
  return undefined
}

function recordWrite(ctx: Ctx, target: string, lines: string[], lineNos: number[], via: FstabEntry['via'], text: string): void {
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k]
    const line = lineNos[k] ?? lineNos[0]
    if (target === '/etc/fstab') {
      const m = FSTAB_LINE.exec(l) ?? FSTAB_IN_TEXT.exec(l)
      if (m) {
        ctx.out.fstab.push({...step(ctx, line, text), device: m[1], mountPoint: m[2], fsType: m[3], options: m[4].split(',').filter(Boolean), via})
      }
    } else if (target === '/etc/ecs/ecs.config') {
      for (const m of l.matchAll(ECS_SETTING)) {
        ctx.out.ecsConfig.push({...step(ctx, line, text), key: m[1], value: m[2].replace(/^["']|["']$/g, '')})
      }
    }
  }
}

const RETRY_LOOP = /^(for|while|until)$/

/** Analyse one logical line (its segments), starting at decoded line `line`. */
function analyzeSegments(ctx: Ctx, segs: Segment[], line: number, logical: string): void {
  const startMounts = ctx.out.mounts.length
  let pipeContent: {lines: string[]; lineNos: number[]; via: FstabEntry['via']} | undefined
  for (let s = 0; s < segs.length; s++) {
    const seg = segs[s]
    let raw = seg.words.map(w => expandVars(w, ctx.vars))
    const redirects = seg.redirects.map(r => ({...r, target: expandVars(r.target, ctx.vars)}))
    // Control words: open/close frames, then analyse what follows the keyword (loop/if conditions are commands).
    while (raw.length) {
      const w = raw[0]
      if (RETRY_LOOP.test(w)) {
        ctx.frames.push({kind: 'loop'})
        raw = w === 'for' ? [] : raw.slice(1)
      } else if (w === 'if' || w === 'elif') {
        if (w === 'if') ctx.frames.push({kind: 'if'})
        raw = raw.slice(1)
      } else if (w === 'done' || w === 'fi' || w === 'esac') {
        popFrame(ctx, w === 'done' ? 'loop' : 'if')
        raw = raw.slice(1)
      } else if (w === 'then' || w === 'do' || w === 'else' || w === '!') {
        raw = raw.slice(1)
      } else {
        break
      }
    }
    const words = stripPrefixes(raw)
    if (words.length === 0 && redirects.length === 0) continue
    const cmd = basename(words[0] ?? '')
    const prevOp = s > 0 ? segs[s - 1].op : ''
    const nextSeg = segs[s + 1]

    // `bash -c "…"` / `sh -c '…'`: analyse the inner command on the same line.
    if ((cmd === 'bash' || cmd === 'sh') && words[1] === '-c' && words[2]) {
      analyzeSegments(ctx, tokenize(words[2]), line, logical)
      continue
    }

    // Variable assignments (`NAME=value`, `export NAME=value`).
    const assigns = (['export', 'declare', 'local', 'readonly'].includes(cmd) ? words.slice(1) : words)
      .filter(w => !w.startsWith('-'))
    if (assigns.length && assigns.every(w => /^[A-Za-z_]\w*=/.test(w))) {
      for (const a of assigns) {
        const eq = a.indexOf('=')
        ctx.vars.set(a.slice(0, eq), a.slice(eq + 1))
      }
      continue
    }

    const install = words.length ? packageInstall(words) : undefined
    if (install) ctx.out.installs.push({...step(ctx, line, logical), ...install})

    const mount = words.length ? parseMount(words) : undefined
    if (mount) {
      const swallowed = seg.op === '||' && !!nextSeg && /^(true|:|echo|printf|logger)$/.test(basename(stripPrefixes(nextSeg.words)[0] ?? ''))
      const backgrounded = seg.op === '&'
      const retried = ctx.frames.some(f => f.kind === 'loop')
      ctx.out.mounts.push({...step(ctx, line, logical), ...mount, backgrounded, swallowed, retried})
    }

    for (const sa of words.length ? serviceActions(words) : []) ctx.out.services.push({...step(ctx, line, logical), ...sa})

    if (cmd === 'mkdir') {
      for (const p of words.slice(1).filter(w => !w.startsWith('-'))) ctx.out.mkdirs.push(step(ctx, line, `mkdir ${p}`))
    }

    // Writes to /etc/fstab and /etc/ecs/ecs.config.
    const own = words.length ? contentOf(words, seg) : undefined
    const ownLines = seg.heredoc ? seg.heredoc.lines.map((_, k) => seg.heredoc!.startLine + k) : (own ?? []).map(() => line)
    const ownVia: FstabEntry['via'] = seg.heredoc ? 'heredoc' : cmd === 'printf' ? 'printf' : 'echo'
    for (const r of redirects) {
      if ((r.op === '>>' || r.op === '>') && RELEVANT_WRITE.test(r.target) && own) {
        recordWrite(ctx, r.target, own.map(x => expandVars(x, ctx.vars)), ownLines, ownVia, logical)
      }
    }
    if (cmd === 'tee' && prevOp === '|' && pipeContent) {
      for (const target of words.slice(1).filter(w => !w.startsWith('-') && RELEVANT_WRITE.test(w))) {
        recordWrite(ctx, target, pipeContent.lines.map(x => expandVars(x, ctx.vars)), pipeContent.lineNos, 'tee', logical)
      }
    } else if (cmd === 'tee' && seg.heredoc) {
      for (const target of words.slice(1).filter(w => !w.startsWith('-') && RELEVANT_WRITE.test(w))) {
        recordWrite(ctx, target, seg.heredoc.lines.map(x => expandVars(x, ctx.vars)), ownLines, 'heredoc', logical)
      }
    }
    if (cmd === 'sed' && words.some(w => /^-i/.test(w) || w === '--in-place')) {
      const target = words.slice(1).find(w => RELEVANT_WRITE.test(w))
      if (target) {
        const exprs = words.slice(1).filter(w => w !== target && !w.startsWith('-'))
        recordWrite(ctx, target, exprs.map(e => sedText(e)), exprs.map(() => line), 'sed', logical)
      }
    }
    pipeContent = own ? {lines: own, lineNos: ownLines, via: ownVia} : cmd === 'cat' && seg.heredoc ? {lines: seg.heredoc.lines, lineNos: ownLines, via: 'heredoc'} : undefined
  }
  // `( … ) &` or `{ …; } &`: everything in the group on this line runs in the background.
  const last = segs.at(-1)
  if (last?.op === '&' && /[)}]\s*$/.test(last.raw)) {
    for (const m of ctx.out.mounts.slice(startMounts)) m.backgrounded = true
  }
}

function popFrame(ctx: Ctx, kind: Frame['kind']): void {
  for (let i = ctx.frames.length - 1; i >= 0; i--) {
    if (ctx.frames[i].kind === kind) {
      ctx.frames.splice(i, 1)
      return
    }
  }
}

/** The text a sed expression inserts: `$ a text`, `/re/a\ text`, or the replacement of `s|x|y|`. */
function sedText(expr: string): string {
  const append = /^(?:\$|\/[^/]*\/|\d+)?\s*[aic]\\?\s*(.*)$/.exec(expr)
  if (append) return append[1]
  const sub = /^s(.)(?:(?!\1).)*\1((?:(?!\1).)*)\1/.exec(expr)
  return sub ? sub[2] : expr
}

function analyzeShell(ctx: Ctx, text: string): void {
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (i === 0 && lines[0].startsWith('#')) continue
    const line = ctx.lineOf(i)
    let logical = lines[i].replace(/\r$/, '')
    while (/(^|[^\\])(\\\\)*\\$/.test(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + ' ' + lines[++i].replace(/\r$/, '').trimStart()
    }
    if (!logical.trim() || logical.trimStart().startsWith('#')) continue
    const segs = tokenize(logical)
    // Heredoc bodies follow the logical line; attach each to the segment that opened it.
    for (const seg of segs) {
      if (!seg.words.includes('<<')) continue
      seg.words = seg.words.filter(w => w !== '<<')
      const m = /<<(-?)\s*(['"]?)([\w.-]+)\2/.exec(seg.raw)
      if (!m) continue
      const body: string[] = []
      const startLine = ctx.lineOf(i + 1)
      while (i + 1 < lines.length) {
        const l = lines[++i].replace(/\r$/, '')
        if ((m[1] ? l.trim() : l) === m[3]) break
        body.push(l)
      }
      seg.heredoc = {lines: body, startLine}
    }
    analyzeSegments(ctx, segs, line, logical)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// cloud-config

function yamlLine(lc: LineCounter, node: Node | null | undefined, partStart: number, encoded: boolean): number {
  if (encoded || !node?.range) return partStart
  return partStart + lc.linePos(node.range[0]).line - 1
}

function scalarText(node: unknown): string | undefined {
  if (isScalar(node)) return node.value === null || node.value === undefined ? undefined : String(node.value)
  return undefined
}

function analyzeCloudConfig(ctx: Ctx, part: UserDataPart): void {
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
      // NOTE: a block scalar (`- |`) is a small script starting on the next line; the leading '\n' keeps a
      // first line that starts with '#' from being taken as a header.
      const block = isScalar(item) && (item.type === 'BLOCK_LITERAL' || item.type === 'BLOCK_FOLDED')
      const inner: Ctx = {...ctx, lineOf: k => part.encoded ? part.startLine : line + k - (block ? 0 : 1)}
      analyzeShell(inner, '\n' + cmd)
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
      if (!path || content === undefined || !RELEVANT_WRITE.test(path)) continue
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
      const options = (opts ?? 'defaults').split(',').filter(Boolean)
      const text = `mounts: [${fields.join(', ')}]`
      ctx.out.fstab.push({...step(ctx, line, text), device, mountPoint, fsType: fsType!, options, via: 'cloud-config'})
      ctx.out.mounts.push({...step(ctx, line, text), kind: 'cloud-config', fsType, device, mountPoint, options,
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

/** Parse UserData text (plain, or still base64/gzip-encoded) into the structured model. */
export function parseUserData(input: string): ParsedUserData {
  const {text: decoded, encoding} = decodeUserData(input)
  // NOTE: CloudFormation Fn::Sub writes a literal `${VAR}` as `${!VAR}`; same length per line is not needed
  // because the replacement never spans lines.
  const text = decoded.replace(/\$\{!/g, '${')
  const out: ParsedUserData = {format: 'empty', encoding, text: decoded, parts: [], installs: [], mounts: [], fstab: [],
    services: [], ecsConfig: [], mkdirs: [], notes: []}
  if (!text.trim()) return out
  const lines = text.split('\n')
  const mime = /^(Content-Type|MIME-Version):/i.test(lines[0]) ? splitMime(lines) : undefined
  if (mime) {
    out.format = 'mime'
    out.parts = mime
  } else {
    const format = formatOf(lines[0])
    out.format = format
    out.parts = [{index: 0, format, startLine: 1, text, encoded: false}]
    if (format === 'unknown' && lines.findIndex(l => l.trim() !== '') > 0 && formatOf(lines.find(l => l.trim() !== '')!) !== 'unknown') {
      out.notes.push('the header is not on line 1 (blank line before it): cloud-init does not recognise the script')
    }
  }
  const vars = new Map<string, string>()
  for (const part of out.parts) {
    const stage: Stage = part.format === 'cloud-boothook' ? 'boothook' : 'script'
    const ctx: Ctx = {out, vars, part: part.index, stage, frames: [],
      lineOf: i => part.encoded ? part.startLine : part.startLine + i}
    if (part.format === 'shell' || part.format === 'cloud-boothook') analyzeShell(ctx, part.text)
    else if (part.format === 'cloud-config') analyzeCloudConfig(ctx, part)
  }
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
