/**
 * Symbolic evaluation of a shell script over its syntax tree (tree-sitter-bash, see src/core/shell-parser.ts). Pure:
 * nothing runs. It walks the script in execution order — `&&`/`||` chains, `( … )` and `{ …; }`, if/elif/else,
 * case, for/while/until, functions when they are called, `bash -c '…'`, `bash <<EOF` bodies, `eval`, and the
 * `sudo`/`env`/`nohup`/`timeout`/`cloud-init-per` prefixes — keeping shell variables as values. A value that is only
 * known on the instance is kept as a symbol: `<az>`/`<region>` from instance metadata, `<found-at-boot:N>` for the
 * output of an `aws …` lookup, `<output:N>` for any other command's output; an unset variable (or an unresolved
 * CloudFormation parameter) stays `${NAME}`. It records what the userdata checks need into the `Ctx`.
 */
import {PARSE_BUDGET_MS, parseShell, type ShellNode, shellParserLoaded} from '../../core/shell-parser.js'
import {type Ctx, type FstabEntry, recordMount, recordWrite, step, unreadable} from './user-data.js'
import type {CfnInit} from '../../model/snapshot.js'

/** Deeper nesting than this (of syntax or of calls) makes the script unreadable rather than risking the stack. */
const MAX_DEPTH = 200

interface Var {
  value: string
  line: number
  /** Variables the value was built from. */
  deps: string[]
  /** Where a value known only at boot came from, e.g. "instance metadata". */
  from?: string
}

/** A line of text flowing through a pipe or into a file, with the script line that produced it. */
interface OutLine { text: string; line: number }

type Sink = {kind: 'file'; path: string} | {kind: 'pipe'; lines: OutLine[]}

export interface ShellState {
  vars: Map<string, Var>
  functions: Map<string, ShellNode>
  symbols: Map<string, string>
  seq: {n: number}
  /** Template references swapped out before parsing (see protectPlaceholders). */
  placeholders: string[]
  /** lint: what `cfn-init --resource X` runs (AWS::CloudFormation::Init, src/lint/cfn-init.ts). */
  cfnInit: readonly CfnInit[]
  /** Files the UserData writes, which it may run as scripts later (cloud-config write_files, `cat > f <<EOF`): path → text. */
  files: Map<string, string>
  /** The text is a Terraform template (UserData.renderedBy): its references are values filled in later, not bad substitutions. */
  terraform: boolean
}

export const newShellState = (): ShellState => ({vars: new Map(), functions: new Map(), symbols: new Map(), seq: {n: 0}, placeholders: [], cfnInit: [], files: new Map(), terraform: false})

/**
 * Remembers a file the UserData writes, which it may run as a script later: appended to what an earlier write left.
 * Bounded (100 files, 1 MB each), whatever a hostile script writes.
 */
export function rememberFile(sh: ShellState, path: string, text: string): void {
  const before = sh.files.get(path)
  if (before === undefined && sh.files.size >= 100) return
  if (text.length + (before?.length ?? 0) <= 1_000_000) sh.files.set(path, before === undefined ? text : `${before}\n${text}`)
}

/** The file a command runs as a script: `bash F`, `sh -e F`, `. F`, `source F`, or `F` itself; undefined for others. */
function scriptFileRun(words: string[]): string | undefined {
  const cmd = basename(words[0])
  if (SHELLS.test(cmd) || cmd === '.' || cmd === 'source') return words.slice(1).find(x => !x.startsWith('-'))
  return words[0].startsWith('/') ? words[0] : undefined
}

interface Walk {
  ctx: Ctx
  sh: ShellState
  /** Decoded-text line of tree row `row`. */
  lineOf: (row: number) => number
  depth: number
  loop: number
  background: boolean
  stdout?: Sink
  stdin?: OutLine[]
  /** Variable names read while evaluating the current command. */
  used: Set<string>
  /** Mount indexes recorded inside the current `a || b` left side. */
  calling: Set<string>
}

const lineAt = (w: Walk, n: ShellNode): number => w.lineOf(n.startPosition.row)
const named = (n: ShellNode): ShellNode[] => n.namedChildren.filter((c): c is ShellNode => c !== null)
const kids = (n: ShellNode): ShellNode[] => n.children.filter((c): c is ShellNode => c !== null)
const basename = (cmd: string): string => cmd.slice(cmd.lastIndexOf('/') + 1)

// ---------------------------------------------------------------------------------------------------------------
// Values

const BACKSLASH_ESCAPES: Record<string, string> = {n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v', '\'': '\'', '"': '"'}

/** `echo -e` / `$'…'` escapes: \t, \n, \\, octal \0NNN and \NNN, hex \xHH. */
export function processEscapes(s: string): string {
  return s.replace(/\\(0?[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/gs, (m, e: string) => {
    if (/^x/.test(e)) return String.fromCharCode(parseInt(e.slice(1), 16))
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8))
    return BACKSLASH_ESCAPES[e] ?? m
  })
}

function newSymbol(w: Walk, prefix: string, description: string): string {
  const sym = `<${prefix}:${w.sh.symbols.size + 1}>`
  w.sh.symbols.set(sym, description)
  return sym
}

const short = (s: string): string => {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > 80 ? `${one.slice(0, 77)}…` : one
}

/** What `$( … )` gives: a metadata value, an `aws` lookup found at boot, or an opaque command output. */
function substitution(w: Walk, n: ShellNode): {value: string; from?: string} {
  const inner = restore(w, n.text)
  const line = lineAt(w, n)
  if (/169\.254\.169\.254|fd00:ec2::254|ec2-metadata|\bimds\b/.test(inner)) {
    if (/api\/token/.test(inner) && !/meta-data|dynamic/.test(inner)) return {value: '<imds-token>', from: `an IMDSv2 token, line ${line}`}
    const trimmed = /\bsed\b[^|]*(\$|\[a-z\])|rev\s*\|\s*cut\s+-c\s*2-|head\s+-c\s*-1|\bchop\b/.test(inner)
    if (/placement\/region|["'.]region\b|\bregion["']?\s*\]?\s*$|-r\b|--region\b/.test(inner) && !/availability-zone/.test(inner)) {
      return {value: '<region>', from: `instance metadata, line ${line}`}
    }
    if (/availability-zone-id/.test(inner)) return {value: '<az-id>', from: `instance metadata, line ${line}`}
    if (/availability-zone|placement|ec2-metadata\s+(-z|--availability-zone)/.test(inner)) {
      return trimmed ? {value: '<region>', from: `instance metadata (the AZ with its letter cut off), line ${line}`} : {value: '<az>', from: `instance metadata, line ${line}`}
    }
    if (/instance-identity\/document/.test(inner) && /region/.test(inner)) return {value: '<region>', from: `instance metadata, line ${line}`}
    return {value: newSymbol(w, 'imds', `a value from instance metadata (\`${short(inner)}\`, line ${line})`), from: `instance metadata, line ${line}`}
  }
  const aws = awsCommand(inner)
  if (aws) {
    const what = `aws ${aws[0]} ${aws[1]}`
    return {value: newSymbol(w, 'found-at-boot', `the output of \`${what}\` (line ${line}), found at boot`), from: `\`${what}\` at boot, line ${line}`}
  }
  return {value: newSymbol(w, 'output', `the output of \`${short(inner)}\` (line ${line})`), from: `command output, line ${line}`}
}

const sticky = (re: RegExp, s: string, at: number): RegExpExecArray | null => {
  re.lastIndex = at
  return re.exec(s)
}
const OPTION = /-[\w-]+/y
const VALUE = /\S+/y
const SPACE = /\s+/y
const TWO_WORDS = /([a-z0-9-]+)\s+([a-z0-9-]+)/y

/**
 * The service and operation of an `aws` command line: what /\baws\s+(?:--?[\w-]+(?:[ =]\S+)?\s+)*([a-z0-9-]+)\s+([a-z0-9-]+)/
 * finds, in linear time. That pattern tried every way to split options from values (`--a=x` 30 times: 26 s); this
 * walks the same choices in the same order (an option with its value first, then without; more options before the
 * two words) and remembers the positions from which nothing matched.
 */
export function awsCommand(text: string): [string, string] | undefined {
  const failed = new Set<number>()
  /** Where the next option or the two words may start, after the option at `p`: with its value first. */
  const after = (p: number): number[] => {
    const name = sticky(OPTION, text, p)
    if (!name) return []
    const end = p + name[0].length
    const out: number[] = []
    const value = text[end] === ' ' || text[end] === '=' ? sticky(VALUE, text, end + 1) : null
    const spaceAfterValue = value && sticky(SPACE, text, end + 1 + value[0].length)
    if (spaceAfterValue) out.push(spaceAfterValue.index + spaceAfterValue[0].length)
    const space = sticky(SPACE, text, end)
    if (space) out.push(end + space[0].length)
    return out
  }
  for (const start of text.matchAll(/\baws\s+/g)) {
    const first = start.index + start[0].length
    if (failed.has(first)) continue
    const stack = [{p: first, next: after(first), i: 0}]
    while (stack.length > 0) {
      const top = stack[stack.length - 1]
      if (top.i < top.next.length) {
        const q = top.next[top.i++]
        if (!failed.has(q)) stack.push({p: q, next: after(q), i: 0})
        continue
      }
      const words = sticky(TWO_WORDS, text, top.p)
      if (words) return [words[1], words[2]]
      failed.add(top.p)
      stack.pop()
    }
  }
  return undefined
}

function lookup(w: Walk, name: string): string | undefined {
  w.used.add(name)
  return w.sh.vars.get(name)?.value
}

/** `${…}` forms: `${X}`, `${X:-d}`, `${X-d}`, `${X:=d}`, `${X%?}` / `${X::-1}` (an AZ → its region). */
function expansion(w: Walk, n: ShellNode): string {
  const parts = kids(n)
  const name = parts.find(c => c.type === 'variable_name' || c.type === 'special_variable_name')
  if (!name || parts[1] !== name) return n.text
  const value = lookup(w, name.text)
  const rest = parts.slice(2, -1)
  if (rest.length === 0) return value ?? `\${${name.text}}`
  const op = rest[0].text
  if (/^:?[-=]$/.test(op)) {
    const useDefault = value === undefined || (op.startsWith(':') && value === '')
    if (!useDefault) return value!
    const d = rest.slice(1).map(c => evalWord(w, c)).join('')
    if (op.endsWith('=')) w.sh.vars.set(name.text, {value: d, line: lineAt(w, n), deps: []})
    return d
  }
  if (value === '<az>' && /^\$\{\w+(%\?|%\[a-z\]|::-1|:0:-1)\}$/.test(n.text)) return '<region>'
  return n.text
}

/**
 * Template placeholders bash cannot parse — `${Resource.Attr}` and `${AWS::Region}` left by CloudFormation,
 * `${aws_efs_file_system.x.dns_name}` left unrendered by Terraform — are swapped for a plain word before parsing and
 * restored in values. A Terraform reference that reaches the shell unrendered is a "bad substitution": that command
 * does not run.
 */
const TEMPLATE_REF = /\$\{([A-Za-z_][\w-]*(?:(?:\.|::)[\w\[\]"*-]+)+)\}/g
const PH = /__efsd_ph_(\d+)__/g
const TERRAFORM_ROOTS = 'var|local|data|module|path|self|count|each|aws_[a-z0-9_]+'
const TERRAFORM_REF = new RegExp(`^(${TERRAFORM_ROOTS})\\.`)
const TERRAFORM_REF_IN_TEXT = new RegExp(`\\$\\{\\s*(?:${TERRAFORM_ROOTS})\\.[^}\\n]*\\}`)

/** Whether `text` holds a Terraform reference (`${var.x}`, `${aws_efs_file_system.x.id}`): a template Terraform renders. */
export const hasTerraformReference = (text: string): boolean => TERRAFORM_REF_IN_TEXT.test(text)

function protectPlaceholders(text: string, table: string[]): string {
  return text.replace(TEMPLATE_REF, (m: string) => `__efsd_ph_${table.push(m) - 1}__`)
}

const restore = (w: Walk, s: string): string => s.includes('__efsd_ph_') ? s.replace(PH, (m, i: string) => w.sh.placeholders[Number(i)] ?? m) : s
const isBadSubstitution = (w: Walk, s: string): string | undefined => {
  if (w.sh.terraform) return undefined
  for (const m of s.matchAll(PH)) {
    const ref = w.sh.placeholders[Number(m[1])]
    if (ref && TERRAFORM_REF.test(ref.slice(2))) return ref
  }
  return undefined
}

/** The value of a word-like node (quotes removed, expansions applied). */
export function evalWord(w: Walk, n: ShellNode): string {
  return restore(w, evalRaw(w, n))
}

function evalRaw(w: Walk, n: ShellNode): string {
  switch (n.type) {
  case 'word':
    return n.text.replace(/\\(.)/gs, '$1')
  case 'number':
  case 'extglob_pattern':
    return n.text
  case 'raw_string':
    return n.text.slice(1, -1)
  case 'ansi_c_string':
    return processEscapes(n.text.slice(2, -1))
  case 'string':
  case 'translated_string':
  case 'heredoc_body':
    return interpolate(w, n)
  case 'concatenation':
    return kids(n).map(c => evalWord(w, c)).join('')
  case 'simple_expansion': {
    const name = named(n)[0]
    if (!name) return n.text
    return lookup(w, name.text) ?? `\${${name.text}}`
  }
  case 'expansion':
    return expansion(w, n)
  case 'command_substitution':
    return substitution(w, n).value
  default:
    return n.text
  }
}

/** A double-quoted string or heredoc body: literal text between the expansions, `\"`, `\$`, `\\` unescaped. */
function interpolate(w: Walk, n: ShellNode): string {
  let out = ''
  let pos = n.startIndex
  const src = n.text
  const lit = (from: number, to: number) => {
    const s = src.slice(from - n.startIndex, to - n.startIndex)
    return n.type === 'heredoc_body' ? s.replace(/\\([$`\\])/g, '$1') : s.replace(/\\([$`"\\])/g, '$1').replace(/\\\n/g, '')
  }
  for (const c of kids(n)) {
    if (c.startIndex > pos) out += lit(pos, c.startIndex)
    if (c.type === '"' || c.type === '$"') {
      // quotes
    } else if (c.type === 'string_content' || c.type === 'heredoc_content') {
      out += lit(c.startIndex, c.endIndex)
    } else {
      out += evalWord(w, c)
    }
    pos = c.endIndex
  }
  if (n.endIndex > pos) out += lit(pos, n.endIndex)
  return n.type === 'heredoc_body' ? out : out
}

/** Arguments as words: an unquoted `$VAR` is split at whitespace, as the shell does. */
function argWords(w: Walk, nodes: ShellNode[]): string[] {
  const out: string[] = []
  for (const a of nodes) {
    const v = evalWord(w, a)
    if ((a.type === 'simple_expansion' || a.type === 'expansion') && /\s/.test(v)) out.push(...v.split(/\s+/).filter(Boolean))
    else out.push(v)
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// Provenance (item: messages say what was read)

/** "DIR_SRC from line 5; EC2_AVAIL_ZONE from instance metadata, line 4" for the variables a value used. */
function provenance(w: Walk, names: Iterable<string>): string | undefined {
  const seen = new Set<string>()
  const out: string[] = []
  const visit = (name: string) => {
    if (seen.has(name) || seen.size > 20) return
    seen.add(name)
    const v = w.sh.vars.get(name)
    if (!v) return
    out.push(v.from ? `${name} from ${v.from}` : `${name} from line ${v.line}`)
    for (const d of v.deps) visit(d)
  }
  for (const n of names) visit(n)
  return out.length ? out.join('; ') : undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Walking

export interface ShellSource {
  text: string
  lineOf: (row: number) => number
}

/** Parse and walk one script. Returns false (and marks the result unreadable) when it cannot be read. */
export function walkScript(ctx: Ctx, sh: ShellState, src: ShellSource, parent?: Walk): boolean {
  if (!shellParserLoaded()) {
    unreadable(ctx, 'the shell parser was not loaded (a bug: the command should load it before checks run)')
    return false
  }
  if (nestingOf(src.text) > MAX_DEPTH) {
    unreadable(ctx, `the script nests more than ${MAX_DEPTH} levels deep`)
    return false
  }
  const tree = parseShell(protectPlaceholders(src.text, sh.placeholders))
  if (!tree) {
    unreadable(ctx, `the shell script could not be parsed within ${PARSE_BUDGET_MS} ms`)
    return false
  }
  try {
    const problem = syntaxProblem(tree.root, src.lineOf)
    if (problem && parent) {
      // NOTE: a `bash -c '…'` / `su -c …` string that is not valid shell fails when it runs (sh prints a syntax
      // error); the rest of the script is still read.
      ctx.out.notes.push(`line ${src.lineOf(0)}: the script given to a shell there is not valid shell (${problem}), so that command fails`)
      return false
    }
    if (problem) {
      unreadable(ctx, problem)
      return false
    }
    const w: Walk = parent
      ? {...parent, lineOf: src.lineOf, depth: parent.depth + 1, used: new Set(), stdout: undefined, stdin: undefined}
      : {ctx, sh, lineOf: src.lineOf, depth: 0, loop: 0, background: false, used: new Set(), calling: new Set()}
    if (w.depth > MAX_DEPTH) {
      unreadable(ctx, `scripts nest more than ${MAX_DEPTH} levels deep`)
      return false
    }
    statements(w, tree.root)
    return true
  } finally {
    tree.done()
  }
}

/** How deep `(`, `{` and `$(` nest (quotes not honoured: an upper bound, checked before parsing). */
function nestingOf(text: string): number {
  let depth = 0
  let max = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 40 || c === 123) max = Math.max(max, ++depth)
    else if ((c === 41 || c === 125) && depth > 0) depth--
  }
  return max
}

/** The first syntax error (an unterminated quote, heredoc or block), or undefined. */
function syntaxProblem(root: ShellNode, lineOf: (row: number) => number): string | undefined {
  if (!root.hasError) {
    // NOTE: every heredoc starts with `<<`: a script without one is not searched (a tree search per script).
    const open = root.text.includes('<<') && root.descendantsOfType('heredoc_redirect').find(n => n && !n.children.some(c => c?.type === 'heredoc_end') && n.children.some(c => c?.type === 'heredoc_start'))
    if (open) return `the heredoc opened on line ${lineOf(open.startPosition.row)} is never closed`
    return undefined
  }
  const bad = firstOf(root, n => n.isError || n.isMissing)
  if (!bad) return 'the shell syntax is invalid'
  const line = lineOf(bad.startPosition.row)
  if (bad.isMissing && bad.type === 'heredoc_end') return `the heredoc before line ${line} is never closed`
  if (bad.isMissing) return `shell syntax error on line ${line}: missing ${JSON.stringify(bad.type)} (an unterminated quote or block?)`
  const what = /^["'`]/.test(bad.text) || /["'`]/.test(bad.text.slice(0, 200)) ? ' (an unterminated quote?)' : ''
  return `shell syntax error on line ${line}${what}`
}

function firstOf(root: ShellNode, pred: (n: ShellNode) => boolean): ShellNode | undefined {
  const stack: ShellNode[] = [root]
  let budget = 200_000
  while (stack.length && budget-- > 0) {
    const n = stack.pop()!
    if (pred(n)) return n
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i)
      if (c) stack.push(c)
    }
  }
  return undefined
}

function deeper(w: Walk, patch: Partial<Walk> = {}): Walk | undefined {
  if (w.depth + 1 > MAX_DEPTH) {
    unreadable(w.ctx, `the script nests more than ${MAX_DEPTH} levels deep`)
    return undefined
  }
  return {...w, depth: w.depth + 1, ...patch}
}

/** Walk the statements among `n`'s children, honouring a trailing `&` after each. */
function statements(w: Walk, n: ShellNode): void {
  const cs = kids(n)
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]
    if (!c.isNamed) continue
    const bg = cs[i + 1]?.type === '&'
    statement(bg ? {...w, background: true} : w, c)
  }
}

function statement(w0: Walk, n: ShellNode): void {
  if (w0.ctx.out.unreadable) return
  const w = deeper(w0)
  if (!w) return
  switch (n.type) {
  case 'comment':
    return
  case 'command':
    return command(w, n, [])
  case 'redirected_statement':
    return redirected(w, n)
  case 'variable_assignment':
    return assign(w, n)
  case 'variable_assignments':
    for (const a of named(n)) assign(w, a)
    return
  case 'declaration_command':
    for (const a of named(n)) if (a.type === 'variable_assignment') assign(w, a)
    return
  case 'pipeline':
    return pipeline(w, named(n))
  case 'list':
    return list(w, n)
  case 'function_definition': {
    const name = n.childForFieldName('name')
    const body = n.childForFieldName('body')
    if (name && body) w.sh.functions.set(name.text, body)
    return
  }
  case 'for_statement':
  case 'c_style_for_statement':
  case 'while_statement':
    return statements({...w, loop: w.loop + 1}, n)
  case 'if_statement':
    return ifStatement(w, n)
  case 'elif_clause':
  case 'else_clause':
  case 'case_statement':
  case 'case_item':
  case 'do_group':
  case 'compound_statement':
  case 'subshell':
  case 'negated_command':
  case 'program':
    return statements(w, n)
  default:
    // test_command, unset_command, arithmetic and words in odd places: nothing the checks need, but they may hold
    // a command substitution that runs (e.g. `[ "$(mount -a)" ]`); those outputs are not tracked.
  }
}

function assign(w: Walk, n: ShellNode): void {
  const name = n.childForFieldName('name')
  const valueNode = n.childForFieldName('value')
  if (!name) return
  w.used = new Set()
  let from: string | undefined
  let value = ''
  if (valueNode) {
    if (valueNode.type === 'command_substitution') {
      const s = substitution(w, valueNode)
      value = s.value
      from = s.from
      commandSubstitutionEffects(w, valueNode)
    } else {
      value = evalWord(w, valueNode)
    }
  }
  w.sh.vars.set(name.text, {value, line: lineAt(w, n), deps: [...w.used], from})
}

/** Commands inside `$( … )` run too (e.g. `X=$(mount -a && echo ok)`); walk them for their effects. */
function commandSubstitutionEffects(w: Walk, n: ShellNode): void {
  const d = deeper(w, {stdout: {kind: 'pipe', lines: []}})
  if (d) statements(d, n)
}

/** Walk `fn` with the steps it records marked as one arm of `cond` (the innermost condition wins). */
function inArm(w: Walk, cond: ShellNode, arm: 'then' | 'else', fn: () => void): void {
  const prev = w.ctx.branch
  w.ctx.branch = {cond: restore(w, cond.text.replace(/\s+/g, ' ').trim()).slice(0, 120), line: lineAt(w, cond), arm}
  try {
    fn()
  } finally {
    w.ctx.branch = prev
  }
}

/** A command that only tests something (`test`, `[ … ]`, `[[ … ]]`, `grep -q`, `command -v`, `which`, `rpm -q`). */
function isTest(n: ShellNode): boolean {
  if (n.type === 'test_command' || n.type === 'negated_command') return true
  const name = n.type === 'command' ? n.childForFieldName('name')?.text : undefined
  if (!name) return false
  const args = n.childrenForFieldName('argument').map(a => a?.text ?? '')
  return /^(test|\[|which|type)$/.test(name) || (name === 'command' && args[0] === '-v') ||
    (name === 'grep' && args.some(a => /^-[a-zA-Z]*q/.test(a))) || (name === 'rpm' && args.some(a => /^-[a-zA-Z]*q/.test(a)))
}

/** `if C; then A; elif …; else B; fi`: A and B are alternatives that depend on C at boot. */
function ifStatement(w: Walk, n: ShellNode): void {
  const conds = n.childrenForFieldName('condition').filter((c): c is ShellNode => c !== null)
  const cond = conds[0]
  const hasElse = named(n).some(c => c.type === 'else_clause' || c.type === 'elif_clause')
  for (const c of kids(n)) {
    if (!c.isNamed || c.type === 'comment') continue
    if (conds.includes(c)) statement(w, c)
    else if (!cond || !hasElse) statement(w, c)
    else inArm(w, cond, c.type === 'else_clause' || c.type === 'elif_clause' ? 'else' : 'then', () => statement(w, c))
  }
}

function list(w: Walk, n: ShellNode): void {
  const cs = kids(n)
  const left = cs[0]
  const op = cs[1]?.type
  const right = cs[2]
  // `test C && A || B`: A runs when C holds, B otherwise (or when A fails). tree-sitter-bash hangs a redirect of A
  // (`test C && echo x >> f || …`) on the `C && A` list; it applies to A.
  const leftBody = left?.type === 'redirected_statement' ? left.childForFieldName('body') : left
  const inner = leftBody?.type === 'list' ? kids(leftBody) : []
  if (op === '||' && right && inner[1]?.type === '&&' && inner[0] && inner[2] && isTest(inner[0])) {
    const r = left !== leftBody ? redirectsOf(w, left.childrenForFieldName('redirect').filter((c): c is ShellNode => c !== null)) : undefined
    statement(w, inner[0])
    inArm(w, inner[0], 'then', () => r ? withRedirects(w, inner[2], r) : statement(w, inner[2]))
    inArm(w, inner[0], 'else', () => statement(w, right))
    return
  }
  const before = w.ctx.out.mounts.length
  statement(w, left)
  if (op === '||' && right && swallows(w, right)) {
    for (const m of w.ctx.out.mounts.slice(before)) m.swallowed = true
  }
  if (right) statement(w, right)
}

/** `|| true`, `|| :`, `|| echo …`: the failure of the left side is ignored. */
function swallows(w: Walk, n: ShellNode): boolean {
  const cmd = n.type === 'command' ? n : n.type === 'redirected_statement' ? n.childForFieldName('body') : undefined
  const name = cmd?.type === 'command' ? cmd.childForFieldName('name')?.text : undefined
  return !!name && /^(true|:|echo|printf|logger)$/.test(basename(name))
}

function pipeline(w: Walk, cmds: ShellNode[]): void {
  let stdin = w.stdin
  for (let i = 0; i < cmds.length; i++) {
    const last = i === cmds.length - 1
    const pipe: Sink = {kind: 'pipe', lines: []}
    statement({...w, stdin, stdout: last ? w.stdout : pipe}, cmds[i])
    stdin = pipe.lines
  }
}

interface Redirects {
  stdout?: Sink
  heredoc?: {lines: OutLine[]; quoted: boolean; node: ShellNode; bodyRow: number; body: string}
  /** What follows a heredoc on its first line: `| tee …`, `&& cmd`. */
  heredocRest: ShellNode[]
  heredocOp?: string
}

function redirectsOf(w: Walk, nodes: ShellNode[]): Redirects {
  const r: Redirects = {heredocRest: []}
  for (const rd of nodes) {
    if (rd.type === 'file_redirect') {
      const op = kids(rd).find(c => !c.isNamed)?.type ?? ''
      const fd = rd.childForFieldName('descriptor')?.text
      const dest = rd.childForFieldName('destination')
      if (!dest || !/^(>|>>|&>|&>>|>\|)$/.test(op) || (fd && fd !== '1')) continue
      r.stdout = {kind: 'file', path: evalWord(w, dest)}
    } else if (rd.type === 'heredoc_redirect') {
      const start = kids(rd).find(c => c.type === 'heredoc_start')
      const body = kids(rd).find(c => c.type === 'heredoc_body')
      const quoted = !!start && /['"\\]/.test(start.text)
      const dash = kids(rd).some(c => c.type === '<<-')
      const row = body ? body.startPosition.row : rd.startPosition.row + 1
      let text = body ? (quoted ? restore(w, body.text) : evalWord(w, body)) : ''
      if (dash) text = text.replace(/^\t+/gm, '')
      const lines = text.replace(/\n$/, '').split('\n').map((t, k) => ({text: t, line: w.lineOf(row + k)}))
      r.heredoc = {lines: body ? lines : [], quoted, node: rd, bodyRow: row, body: body ? (dash ? body.text.replace(/^\t+/gm, '') : body.text) : ''}
      for (const c of kids(rd)) {
        if (c.type === 'file_redirect') Object.assign(r, {stdout: redirectsOf(w, [c]).stdout ?? r.stdout})
        else if (c.type === '&&' || c.type === '||') r.heredocOp = c.type
        else if (c.isNamed && !/^heredoc_(start|body|end)$/.test(c.type)) r.heredocRest.push(c)
      }
    } else if (rd.type === 'herestring_redirect') {
      const v = named(rd)[0]
      if (v) r.heredoc = {lines: [{text: evalWord(w, v), line: lineAt(w, rd)}], quoted: false, node: rd, bodyRow: rd.startPosition.row, body: ''}
    }
  }
  return r
}

function redirected(w: Walk, n: ShellNode): void {
  const body = n.childForFieldName('body')
  const r = redirectsOf(w, n.childrenForFieldName('redirect').filter((c): c is ShellNode => c !== null))
  if (!body) return
  if (r.heredocRest.length && !r.heredocOp) {
    // `cat <<EOF | tee -a /etc/fstab`: the heredoc command feeds the pipeline written after the marker.
    const pipe: Sink = {kind: 'pipe', lines: []}
    withRedirects({...w, stdout: pipe}, body, {...r, stdout: r.stdout})
    const rest = r.heredocRest.flatMap(x => x.type === 'pipeline' ? named(x) : [x])
    pipeline({...w, stdin: pipe.lines}, rest)
    return
  }
  withRedirects(w, body, r)
  for (const x of r.heredocRest) statement(w, x)
}

function withRedirects(w: Walk, body: ShellNode, r: Redirects): void {
  const inner: Walk = {...w, stdout: r.stdout ?? w.stdout, stdin: r.heredoc ? r.heredoc.lines : w.stdin}
  if (body.type === 'command') return command(inner, body, [], r)
  statement(inner, body)
}

// ---------------------------------------------------------------------------------------------------------------
// Commands

const FLAGS_WITH_VALUE: Record<string, RegExp> = {
  sudo: /^-([ugChDprRTU]|-user|-group|-host|-chdir|-prompt|-role|-type|-close-from)$/,
  env: /^-(u|C|S|-unset|-chdir|-split-string)$/,
  timeout: /^-(s|k|-signal|-kill-after)$/,
  nice: /^-(n|-adjustment)$/,
  ionice: /^-[cnp]$/,
  stdbuf: /^-[ioe]$/,
  runuser: /^-([ugs]|-user|-group|-shell)$/,
}

/** Strip `sudo -u x`, `env A=b`, `nohup`, `timeout 30`, `cloud-init-per once name`, … from the front. */
export function stripWrappers(words: string[]): string[] {
  let ws = words
  for (let guard = 0; guard < 12 && ws.length; guard++) {
    const cmd = basename(ws[0])
    if (/^(nohup|command|exec|time|builtin|setsid|nice|ionice|stdbuf|sudo|env|timeout|runuser|xargs)$/.test(cmd)) {
      let i = 1
      const withValue = FLAGS_WITH_VALUE[cmd]
      while (i < ws.length && ws[i].startsWith('-') && ws[i] !== '-') {
        if (ws[i] === '--') {
          i++
          break
        }
        i += withValue?.test(ws[i]) ? 2 : 1
      }
      if (cmd === 'env' || cmd === 'sudo') while (i < ws.length && /^[A-Za-z_]\w*=/.test(ws[i])) i++
      if (cmd === 'timeout') i++
      ws = ws.slice(i)
    } else if (cmd === 'cloud-init-per') {
      ws = ws.slice(3)
    } else {
      break
    }
  }
  return ws
}

const SHELLS = /^(bash|sh|dash|zsh|ksh)$/

function command(w: Walk, n: ShellNode, _extra: string[], r: Redirects = redirectsOf(w, [])): void {
  w.used = new Set()
  const nameNode = n.childForFieldName('name')
  // NOTE: `VAR=x cmd` sets VAR for cmd only; a command of just `VAR=x` is parsed as a variable_assignment.
  const args = n.childrenForFieldName('argument').filter((c): c is ShellNode => c !== null)
  const here = kids(n).filter(c => c.type === 'herestring_redirect' || c.type === 'file_redirect')
  if (here.length) r = {...r, ...redirectsOf(w, here), heredocRest: r.heredocRest}
  // NOTE: every command substitution starts with `$(` or a backquote: a command without either is not searched.
  if (/\$\(|`/.test(n.text)) {
    for (const a of [nameNode, ...args]) if (a) for (const cs of descendantsOfType(a, 'command_substitution')) commandSubstitutionEffects(w, cs)
  }
  if (!nameNode) return
  const bad = isBadSubstitution(w, n.text)
  if (bad) {
    w.ctx.out.notes.push(`line ${lineAt(w, n)}: ${bad} is an unrendered template reference; bash stops that command with "bad substitution"`)
    return
  }
  const raw = argWords(w, [nameNode, ...args])
  const words = stripWrappers(raw)
  if (words.length === 0) return
  const line = lineAt(w, n)
  const text = restore(w, n.text.split('\n')[0].trim())
  const cmd = basename(words[0])
  const stdout = r.stdout ?? w.stdout
  const stdin = r.heredoc ? r.heredoc.lines : w.stdin
  const origin = provenance(w, w.used)

  // Scripts inside scripts.
  if (SHELLS.test(cmd) || cmd === 'su' || cmd === 'eval') {
    const c = cmd === 'eval' ? 1 : words.indexOf('-c')
    if (c > 0 && words[c + 1] !== undefined) {
      const script = cmd === 'eval' ? words.slice(1).join(' ') : words[c + 1]
      walkScript(w.ctx, w.sh, {text: script, lineOf: () => line}, {...w, stdout})
      return
    }
    if (cmd !== 'eval' && words.slice(1).every(x => x.startsWith('-')) && r.heredoc) {
      const h = r.heredoc
      const script = h.quoted ? restore(w, h.body) : h.lines.map(l => l.text).join('\n')
      walkScript(w.ctx, w.sh, {text: script, lineOf: row => w.lineOf(h.bodyRow + row)}, {...w, stdout})
      return
    }
  }

  // A script the UserData wrote earlier (cloud-config write_files) and runs here: walked at this line.
  const file = scriptFileRun(words)
  const written = file === undefined ? undefined : w.sh.files.get(file)
  if (written !== undefined) {
    if (!w.ctx.out.readScripts.includes(file!)) w.ctx.out.readScripts.push(file!)
    if (!w.calling.has(file!)) {
      const d = deeper(w, {stdout, calling: new Set([...w.calling, file!])})
      if (d) walkScript(w.ctx, w.sh, {text: written, lineOf: () => line}, d)
      return
    }
  }

  // Functions defined earlier in the script.
  const fn = w.sh.functions.get(words[0])
  if (fn) {
    if (w.calling.has(words[0])) return
    const d = deeper(w, {stdout, calling: new Set([...w.calling, words[0]])})
    if (d) statement(d, fn)
    return
  }

  const install = packageInstall(words)
  if (install) w.ctx.out.installs.push({...step(w.ctx, line, text), ...install})

  const mount = parseMount(words)
  if (mount) recordMount(w.ctx, {...step(w.ctx, line, text), ...mount, backgrounded: w.background, swallowed: false, retried: w.loop > 0, origin})

  for (const sa of serviceActions(words)) w.ctx.out.services.push({...step(w.ctx, line, text), ...sa})

  if (cmd === 'mkdir') {
    for (const p of words.slice(1).filter(x => !x.startsWith('-'))) w.ctx.out.mkdirs.push(step(w.ctx, line, `mkdir ${p}`))
  }

  if (cmd === 'cfn-init') {
    w.ctx.out.cfnInit.push(step(w.ctx, line, text))
    runCfnInit(w, words, line)
  }

  // What the command writes: echo/printf output, cat of its stdin, tee of its stdin to files, sed -i.
  let output: OutLine[] | undefined
  let via: FstabEntry['via'] = r.heredoc ? 'heredoc' : 'other'
  if (cmd === 'echo') {
    output = echoOutput(words).map(t => ({text: t, line}))
    via = 'echo'
  } else if (cmd === 'printf') {
    output = printfOutput(words).map(t => ({text: t, line}))
    via = 'printf'
  } else if (cmd === 'cat' && words.slice(1).every(x => x === '-' || x.startsWith('-'))) {
    output = stdin
  } else if (cmd === 'tee') {
    for (const f of words.slice(1).filter(x => !x.startsWith('-'))) write(w, {kind: 'file', path: f}, stdin ?? [], r.heredoc ? 'heredoc' : 'tee', text, origin)
    output = stdin
  } else if (cmd === 'sed' && words.some(x => /^-[a-zA-Z]*i/.test(x) || x.startsWith('--in-place'))) {
    sedInPlace(w, words, line, text, origin)
  }
  if (output && stdout) write(w, stdout, output, via, text, origin)
}

/**
 * `cfn-init --resource X [--configsets a,b]`: walk the configs it runs (each config's packages, files, commands and
 * services as shell, at this line). Without --configsets cfn-init runs the `default` configSet, or else `config`.
 */
function runCfnInit(w: Walk, words: string[], line: number): void {
  const flag = (long: string, short: string) => {
    for (let i = 1; i < words.length; i++) {
      if (words[i] === long || words[i] === short) return words[i + 1]
      if (words[i].startsWith(`${long}=`)) return words[i].slice(long.length + 1)
    }
    return undefined
  }
  const init = w.sh.cfnInit.find(x => x.resource === flag('--resource', '-r'))
  if (!init) return
  const sets = flag('--configsets', '-c')?.split(',') ?? ('default' in init.configSets ? ['default'] : undefined)
  const names = sets ? sets.flatMap(s => init.configSets[s] ?? []) : ['config']
  for (const name of names.slice(0, 100)) {
    const script = init.configs[name]
    if (!script) continue
    const outer = w.ctx.cfnInit
    w.ctx.cfnInit = {resource: init.resource, config: name}
    walkScript(w.ctx, w.sh, {text: script, lineOf: () => line}, {...w})
    w.ctx.cfnInit = outer
  }
}

function descendantsOfType(n: ShellNode, type: string): ShellNode[] {
  if (n.type === type) return [n]
  return n.descendantsOfType(type).filter((c): c is ShellNode => c !== null)
}

function write(w: Walk, sink: Sink, lines: OutLine[], via: FstabEntry['via'], text: string, origin?: string): void {
  if (sink.kind === 'pipe') {
    sink.lines.push(...lines)
    return
  }
  const split = lines.flatMap(l => l.text.split('\n').map(t => ({text: t, line: l.line})))
  recordWrite(w.ctx, sink.path, split.map(l => l.text), split.map(l => l.line), via, text, origin)
  // NOTE: a script written here (`cat > /usr/local/bin/mount-efs.sh <<'EOF'`) may be run later: kept for the walk.
  if (sink.path.startsWith('/') && !sink.path.startsWith('/etc/')) rememberFile(w.sh, sink.path, split.map(l => l.text).join('\n'))
}

function echoOutput(words: string[]): string[] {
  let i = 1
  let escapes = false
  while (i < words.length && /^-[neE]+$/.test(words[i])) {
    if (words[i].includes('e')) escapes = true
    if (words[i].includes('E')) escapes = false
    i++
  }
  const s = words.slice(i).join(' ')
  return (escapes ? processEscapes(s) : s).split('\n')
}

/** `printf FORMAT ARGS…`: %s/%b/%d take the next argument; the format repeats while arguments remain. */
function printfOutput(words: string[]): string[] {
  const args = words.slice(1)
  if (args[0] === '--') args.shift()
  const fmt = args.shift() ?? ''
  let out = ''
  let k = 0
  for (let round = 0; round < 100; round++) {
    out += processEscapes(fmt.replace(/%%/g, '\x00')).replace(/%[-+ #0]*\d*(?:\.\d+)?([sbdiqc])/g, (_m, t: string) => {
      const a = args[k++] ?? ''
      return t === 'b' ? processEscapes(a) : a
    }).replace(/\x00/g, '%')
    if (k >= args.length || !/%[-+ #0]*\d*(?:\.\d+)?[sbdiqc]/.test(fmt)) break
  }
  return out.replace(/\n$/, '').split('\n')
}

/** `sed -i '$a LINE' FILE`, `sed -i -e '$ a\' -e 'LINE' FILE`, `/re/a …`, and `s|x|y|` on /etc/fstab or ecs.config. */
function sedInPlace(w: Walk, words: string[], line: number, text: string, origin?: string): void {
  const exprs: string[] = []
  const files: string[] = []
  for (let i = 1; i < words.length; i++) {
    const a = words[i]
    if (a === '-e' || a === '--expression') exprs.push(words[++i] ?? '')
    else if (a.startsWith('-')) continue
    else if (exprs.length === 0 && !a.startsWith('/etc/')) exprs.push(a)
    else files.push(a)
  }
  const joined = exprs.join('\n').replace(/\\\n/g, ' ')
  const texts = joined.split('\n').map(e => sedText(e))
  for (const f of files) recordWrite(w.ctx, f, texts, texts.map(() => line), 'sed', text, origin)
}

function sedText(expr: string): string {
  const append = /^(?:\$|\/[^/]*\/|\d+)?\s*[aic]\\?\s*(.*)$/s.exec(expr)
  if (append) return processEscapes(append[1])
  const sub = /^s(.)(?:(?!\1).)*\1((?:(?!\1).)*)\1/.exec(expr)
  return sub ? sub[2] : expr
}

// ---------------------------------------------------------------------------------------------------------------
// What commands do

const INSTALL_MANAGERS = new Set(['yum', 'dnf', 'apt-get', 'apt', 'zypper', 'microdnf', 'rpm', 'dpkg', 'amazon-linux-extras'])

export function packageInstall(words: string[]): {manager: string; packages: string[]} | undefined {
  const manager = basename(words[0])
  if (!INSTALL_MANAGERS.has(manager)) return undefined
  if (manager === 'rpm' || manager === 'dpkg') {
    if (!words.some(x => /^-[a-zA-Z]*[iU]/.test(x) || x === '--install')) return undefined
    return {manager, packages: words.slice(1).filter(x => !x.startsWith('-'))}
  }
  const at = words.findIndex(x => x === 'install' || x === 'localinstall' || x === 'reinstall')
  if (at < 0) return undefined
  return {manager, packages: words.slice(at + 1).filter(x => !x.startsWith('-'))}
}

export function parseMount(words: string[]): {kind: 'command' | 'all'; fsType?: string; device?: string; mountPoint?: string; options: string[]} | undefined {
  const cmd = basename(words[0])
  const helper = /^mount\.(efs|nfs4?|nfs)$/.exec(cmd)
  if (cmd !== 'mount' && !helper) return undefined
  let fsType = helper?.[1]
  const options: string[] = []
  const positional: string[] = []
  let all = false
  for (let i = 1; i < words.length; i++) {
    const x = words[i]
    if (x === '-t' || x === '--types') fsType = words[++i]
    else if (/^-t\w/.test(x)) fsType = x.slice(2)
    else if (x === '-o' || x === '--options') options.push(...(words[++i] ?? '').split(',').filter(Boolean))
    else if (/^-o\S/.test(x)) options.push(...x.slice(2).split(',').filter(Boolean))
    else if (x === '-a' || x === '--all' || /^-[a-z]*a[a-z]*$/.test(x)) all = true
    else if (x === '-O' || x === '--test-opts') i++
    else if (x.startsWith('-')) continue
    else positional.push(x)
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

type Action = 'start' | 'restart' | 'stop' | 'enable' | 'reload'

export function serviceActions(words: string[]): {service: 'docker' | 'ecs'; action: Action; noBlock: boolean; tool: 'systemctl' | 'service' | 'upstart'}[] {
  const cmd = basename(words[0])
  const out: ReturnType<typeof serviceActions> = []
  const normalize = (verb: string): Action | undefined => {
    if (verb === 'start') return 'start'
    if (/^(restart|try-restart|reload-or-restart|try-reload-or-restart|condrestart)$/.test(verb)) return 'restart'
    if (verb === 'stop') return 'stop'
    if (verb === 'enable') return 'enable'
    if (verb === 'reload') return 'reload'
    return undefined
  }
  if (cmd === 'systemctl') {
    const flags = words.filter(x => x.startsWith('-'))
    const rest = words.slice(1).filter(x => !x.startsWith('-'))
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
