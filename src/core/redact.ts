/**
 * Secret redaction for UserData and anything else we store or print. Only the secret value is replaced by
 * `***REDACTED***`; the text around it and the number of lines stay the same, so line numbers in findings still
 * point at the right line. `findSecrets` names the kind and line of each secret without returning the value; it
 * also recognises values that were already redacted, so checks over a stored snapshot still see them.
 */

export const REDACTED = '***REDACTED***'

export type SecretKind =
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'password'
  | 'token'
  | 'github-token'
  | 'slack-token'
  | 'bearer-token'
  | 'private-key'
  | 'url-credentials'
  /** A value that was already masked, with nothing left to say what it was. */
  | 'redacted'

export interface SecretHit {
  /** 1-based line number. */
  line: number
  kind: SecretKind
}

interface Rule {
  kind: SecretKind
  /** Must use the `g` flag; group `v` (named) is the value to mask. */
  re: RegExp
  /** Applies only to lines this matches. */
  line?: RegExp
}

// NOTE: value groups exclude quotes, whitespace and `;&|` so only the value is masked, not shell syntax around it.
// Values that are shell expansions (`$VAR`, `${Param}`) or already redacted are not secrets in the text itself.
const VALUE = String.raw`(?<v>[^\s'"\`;&|\\]+)`
const RULES: Rule[] = [
  {kind: 'aws-access-key-id', re: /\b(?<v>(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16})\b/g},
  {kind: 'aws-access-key-id', re: new RegExp(String.raw`\baws_access_key_id["']?\s*[:=]\s*["']?` + VALUE, 'gi')},
  {kind: 'aws-secret-access-key',
    re: new RegExp(String.raw`(?:aws_secret_access_key|secret_access_key|secretaccesskey|aws_secret_key)["']?\s*[:=]\s*["']?` + VALUE, 'gi')},
  {kind: 'aws-secret-access-key',
    re: /SECRET[A-Z_]*["']?\s*[:=]\s*["']?(?<v>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/g},
  {kind: 'github-token', re: /\b(?<v>(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g},
  {kind: 'slack-token', re: /\b(?<v>xox[bpas]-[A-Za-z0-9-]{10,})/g},
  {kind: 'bearer-token', re: /\bAuthorization:\s*(?:Bearer|Basic|token)\s+(?<v>[^\s'"\\]+)/gi},
  {kind: 'password', re: new RegExp(String.raw`--(?:password|passwd)(?:=|\s+)["']?` + VALUE, 'gi')},
  {kind: 'password', re: new RegExp(String.raw`(?<![:/.])\b[A-Za-z_]*(?:password|passwd)\\?["']?\s*[:=]\s*\\?["']?` + VALUE, 'gi')},
  {kind: 'token',
    re: new RegExp(String.raw`(?<![:/.])\b[A-Za-z_]*(?:token|api_key|apikey|secret)\\?["']?\s*[:=]\s*\\?["']?` + VALUE, 'gi')},
  // `DB_PASS=…`, `APP_SECRET_KEY=…`, `RUNNER_TOKEN_VALUE=…` (`*_PASS*`, `*_SECRET*`, `*_TOKEN*`), but not a name that
  // says it holds something else: `*_FILE`, `*_PATH`, `*_TTL`, `*_NAME`, `*_ID`, `*_ARN`, … (a file, a lifetime, an id).
  // NOTE: bounded name parts keep it linear: unbounded, one 100 KB word of `a_PASS` took ~25 s.
  {kind: 'password', re: new RegExp(String.raw`(?<![:/.])\b[A-Za-z_]{0,64}_(?:PASS|SECRET|TOKEN)` +
    String.raw`(?![A-Za-z_]{0,64}_(?:FILE|PATH|DIR|TTL|TYPE|NAME|ID|ARN|URL|URI|ENDPOINT|HEADER|LENGTH|SECONDS|EXPIRY|VERSION)\b)` +
    String.raw`[A-Za-z_]{0,64}\\?["']?\s*[:=]\s*\\?["']?` + VALUE, 'gi')},
  // `curl -u user:pass`, `curl --user=user:pass` (only on curl lines: `docker run -u 1000:1000` is a uid:gid).
  {kind: 'password', line: /\bcurl\b/, re: /(?<=\s)(?:-u|--user)(?:\s+|=)["']?[^\s:'"]{1,256}:(?<v>[^\s'"`;&|\\]+)/g},
  // `mysql -pSECRET` (the value joined to -p; `-p` alone prompts, `-P3306` is the port): only on mysql* lines.
  {kind: 'password', line: /\bmysql(?:dump|admin|import|show|check)?\b/, re: /(?<=\s)-p["']?(?<v>[^\s'"`;&|\\]+)/g},
  // NOTE: bounded repeats keep this linear on hostile text (100 KB of letters took 7 s unbounded).
  {kind: 'url-credentials', re: /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@'"]{1,256}:(?<v>[^\s@/'"]{1,256})@/gi},
  // Docker registry credentials: `"auth": "<base64 of user:password>"` in ECS_ENGINE_AUTH_DATA, .dockercfg or
  // config.json, quotes escaped or not.
  {kind: 'password', re: /\\?"auth\\?"\s*:\s*\\?"(?<v>[A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/g},
  // `sed -i 's/password_here/VALUE/' wp-config.php`: a rendered value put in place of a password placeholder.
  // NOTE: only on lines that run sed (`line`); a lookbehind reaching back to `sed` was quadratic on long lines.
  {kind: 'password', line: /\bsed\b/, re: /(?<=[\s'"])s([/|#@,])[^\s'"/|#@,]*(?:password|passwd|secret|token)[^\s'"/|#@,]*\1["']?(?<v>[^\s'"`;&|\\/#@,]+)/gi},
]

/**
 * Every rule above needs one of these words on the line (as written, or in its `line` test), so a line without any
 * cannot match one: it is left as it is without running every rule on it (most lines of a script). Case-insensitive,
 * so it also covers the case-sensitive rules. NOTE: a new rule must add its word here (test/inventory/redact.test.ts).
 */
const MAY_HOLD_SECRET = /akia|asia|aida|aroa|gh[pousr]_|github_pat_|xox|pass|secret|token|api_?key|aws_access_key_id|auth|curl|mysql|:\/\//i

const PLACEHOLDER = /^(?:\$|\*\*\*REDACTED\*\*\*|<|%|\{\{)/

function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) || value.length < 4 || value.startsWith('arn:') || /^(?:true|false|none|null|yes|no|required|optional)$/i.test(value)
}

/** Apply every rule to one line; returns the new line and the kinds found. */
function redactLine(line: string): {line: string; kinds: SecretKind[]} {
  const kinds: SecretKind[] = []
  if (!MAY_HOLD_SECRET.test(line)) return {line, kinds}
  let out = line
  for (const rule of RULES) {
    if (rule.line && !rule.line.test(line)) continue
    out = out.replace(rule.re, (...args) => {
      const match = args[0] as string
      const groups = args.at(-1) as {v?: string}
      const value = groups.v
      if (!value || isPlaceholder(value)) {
        // Already redacted (stored snapshot): report it once per line, under the first rule that matches.
        if (value?.startsWith(REDACTED) && kinds.length === 0) kinds.push(rule.kind)
        return match
      }
      kinds.push(rule.kind)
      const at = match.lastIndexOf(value)
      return match.slice(0, at) + REDACTED + match.slice(at + value.length)
    })
  }
  return {line: out, kinds}
}

const BEGIN_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/
const END_KEY = /-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/
const PEM_BODY = /^[A-Za-z0-9+/]+={0,2}$/
const PEM_HEADER = /^(?:Proc-Type|DEK-Info|Comment): /
/** A body line shorter than this counts only right before the END line (a short last line). */
const PEM_MIN_LINE = 16

/** A line as fields (up to its last TAB: a probe's `LOG<TAB>source<TAB>`), indentation, content and a trailing \r. */
function splitLine(raw: string): {fields: string; indent: string; content: string; cr: string} {
  const cr = raw.endsWith('\r') ? '\r' : ''
  const line = cr ? raw.slice(0, -1) : raw
  const tab = line.lastIndexOf('\t') + 1
  let k = tab
  while (line[k] === ' ') k++
  return {fields: line.slice(0, tab), indent: line.slice(tab, k), content: line.slice(k), cr}
}

/**
 * The key lines after a BEGIN line at `begin`: each is masked, keeping what precedes its content (indentation, a
 * probe's `LOG<TAB>…<TAB>` fields) and a trailing \r, so the line count and structure survive. The block ends at the
 * END line, or — when the END is missing (a log cut short) — at the first line that is not key material: other
 * fields than the BEGIN line's (another log, a probe marker such as `END<TAB>n`), or content other than base64 (of
 * at least PEM_MIN_LINE characters unless the END follows), a PEM header or nothing. So the lines after a key are
 * never eaten. Returns the index of the first line after the block.
 */
function maskKeyBlock(lines: string[], begin: number): number {
  const {fields: keyFields} = splitLine(lines[begin])
  let j = begin + 1
  for (; j < lines.length; j++) {
    if (END_KEY.test(lines[j])) return j + 1
    const {fields, indent, content, cr} = splitLine(lines[j])
    const lastBeforeEnd = j + 1 < lines.length && END_KEY.test(lines[j + 1])
    const body = fields === keyFields && (content === '' || content === REDACTED || PEM_HEADER.test(content) ||
      (PEM_BODY.test(content) && (content.length >= PEM_MIN_LINE || lastBeforeEnd)))
    if (!body) return j
    if (content && content !== REDACTED) lines[j] = fields + indent + REDACTED + cr
  }
  return j
}

function scan(text: string): {text: string; hits: SecretHit[]} {
  const lines = text.split('\n')
  const hits: SecretHit[] = []
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]
    const begin = BEGIN_KEY.exec(raw)
    if (begin) {
      hits.push({line: i + 1, kind: 'private-key'})
      const after = raw.slice(begin.index + begin[0].length)
      const end = END_KEY.exec(after)
      if (end) {
        // A one-line key (e.g. inside a JSON string with \n escapes): mask what sits between the markers.
        const body = after.slice(0, end.index)
        if (body.trim() && body.trim() !== REDACTED) {
          lines[i] = raw.slice(0, begin.index + begin[0].length) + REDACTED + after.slice(end.index)
        }
      } else {
        i = maskKeyBlock(lines, i) - 1
      }
      continue
    }
    const r = redactLine(raw)
    lines[i] = r.line
    if (r.kinds.length === 0 && raw.includes(REDACTED)) r.kinds.push('redacted')
    for (const kind of new Set(r.kinds)) hits.push({line: i + 1, kind})
  }
  return {text: lines.join('\n'), hits}
}

/** Mask secret values in `text`, keeping everything else (and the line count) as it was. */
export function redactSecrets(text: string): string {
  return scan(text).text
}

/** Where secrets are (raw or already redacted): line and kind, never the value. */
export function findSecrets(text: string): SecretHit[] {
  return scan(text).hits
}
