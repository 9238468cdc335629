/**
 * Every layer of UserData, decoded: outer base64 and gzip, then each MIME multipart part with its
 * Content-Transfer-Encoding (base64, quoted-printable) and gzip inside. Redaction and the secrets check read the
 * decoded layers, so a secret hidden in an encoded part is neither stored nor missed. What claims an encoding but
 * cannot be decoded is redacted as a whole, never stored raw. Bounded: decoded sizes are capped, no nested quantifiers.
 */
import {createRequire} from 'node:module'
import {redactSecrets} from './redact.js'

/** node:zlib, loaded on the first gzip layer (most UserData has none; loading it costs every run a few ms). */
let zlib: typeof import('node:zlib') | undefined
const gunzipSync = (buf: Buffer, opts: {maxOutputLength: number}): Buffer =>
  (zlib ??= createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib')).gunzipSync(buf, opts)

/** Larger decoded UserData is not read (EC2 allows 16 KB before base64; gzip can hold more). */
export const MAX_USERDATA_BYTES = 256 * 1024

export type UserDataEncoding = 'plain' | 'base64' | 'gzip' | 'base64+gzip'

export const GZIP_MAGIC = '\x1f\x8b'

function looksLikeUserData(s: string): boolean {
  return /^(#|Content-Type:|MIME-Version:|<powershell>|<script>)/i.test(s.trimStart()) || s.startsWith(GZIP_MAGIC)
}

/** Undo base64 and/or gzip when the text is still encoded (inventory normally did this already). */
export function decodeUserData(raw: string): {text: string; encoding: UserDataEncoding; overCap?: true} {
  let text = raw
  let encoding: UserDataEncoding = 'plain'
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
      text = gunzipSync(Buffer.from(text, 'latin1'), {maxOutputLength: MAX_USERDATA_BYTES + 1}).toString('utf8')
      encoding = encoding === 'base64' ? 'base64+gzip' : 'gzip'
    } catch (error) {
      // NOTE: a gzip bomb stops at the cap (RangeError) and is reported as too large.
      if ((error as Error).name === 'RangeError') {
        return {text: '', encoding: encoding === 'base64' ? 'base64+gzip' : 'gzip', overCap: true}
      }
    }
  }
  return {text, encoding}
}


export function gunzipSafe(buf: Buffer): string {
  try {
    return gunzipSync(buf, {maxOutputLength: MAX_USERDATA_BYTES + 1}).toString('utf8')
  } catch {
    return ''
  }
}

/** One decoded MIME part: `part` counts from 1; `startLine` is its first body line (1-based) in the outer text. */
export interface DecodedPart {part: number; startLine: number; encoding: string; text: string; place: MimePart}

const BASE64_BODY = /^[A-Za-z0-9+/=\s]*$/

/**
 * One MIME part, placed by 0-based line indexes into the text's lines: its body is `lines.slice(bodyStart, bodyEnd)`
 * (empty when its headers never end). Headers have continuation lines folded; `cteLine` is where the
 * Content-Transfer-Encoding header starts.
 */
export interface MimePart {headers: string[]; contentType?: string; cte?: string; cteLine?: number; bodyStart: number; bodyEnd: number}

function headerValue(headers: readonly string[], name: string): string | undefined {
  const h = headers.find(x => x.toLowerCase().startsWith(name.toLowerCase() + ':'))
  return h?.slice(name.length + 1).trim()
}

const HEADER_LINE = /^[A-Za-z][\w-]*:\s/

/**
 * The parts of a MIME multipart document, as cloud-init's parser (Python's email package) finds them: the message
 * headers end at the first blank line — one followed by another header line before any Content-Type is reported as
 * `brokenAt` (1-based; cloud-init then sees a text/plain message) and the parts are still read as the author meant
 * them; no closing boundary keeps the last part (a CloseBoundaryNotFoundDefect). Undefined when the text is not
 * multipart. Shared by the UserData parser and redaction, so both see the same parts.
 */
export function mimeParts(lines: readonly string[]): {parts: MimePart[]; brokenAt?: number} | undefined {
  const headers: string[] = []
  let i = 0
  let brokenAt: number | undefined
  for (; i < lines.length; i++) {
    if (lines[i].trim() === '') {
      if (headerValue(headers, 'Content-Type') !== undefined || !HEADER_LINE.test(lines[i + 1] ?? '')) break
      brokenAt ??= i + 1
      continue
    }
    if (/^\s/.test(lines[i]) && headers.length) headers[headers.length - 1] += ' ' + lines[i].trim()
    else headers.push(lines[i].trim())
  }
  const ct = headerValue(headers, 'Content-Type') ?? ''
  const boundary = /boundary="?([^";]+)"?/i.exec(ct)?.[1]
  if (!/multipart\//i.test(ct) || !boundary) return undefined
  const parts: MimePart[] = []
  let cur: {headers: string[]; cteLine?: number; bodyStart: number; inHeaders: boolean} | undefined
  const close = (end: number) => {
    if (!cur) return
    const contentType = headerValue(cur.headers, 'Content-Type')?.split(';')[0].trim()
    const cte = headerValue(cur.headers, 'Content-Transfer-Encoding')?.toLowerCase()
    parts.push({headers: cur.headers, contentType, cte, cteLine: cur.cteLine, bodyStart: cur.bodyStart, bodyEnd: cur.inHeaders ? cur.bodyStart : end})
    cur = undefined
  }
  for (; i < lines.length; i++) {
    const l = lines[i].trimEnd()
    if (l === `--${boundary}--`) {
      close(i)
      break
    }
    if (l === `--${boundary}`) {
      close(i)
      cur = {headers: [], bodyStart: i + 1, inHeaders: true}
      continue
    }
    if (!cur?.inHeaders) continue
    if (l.trim() === '') {
      cur.inHeaders = false
      cur.bodyStart = i + 1
    } else if (/^\s/.test(l) && cur.headers.length) {
      cur.headers[cur.headers.length - 1] += ' ' + l.trim()
    } else {
      if (/^content-transfer-encoding:/i.test(l)) cur.cteLine = i
      cur.headers.push(l.trim())
    }
  }
  close(lines.length)
  return {parts, ...(brokenAt ? {brokenAt} : {})}
}

function decodeQuotedPrintable(s: string): string {
  const soft = s.replace(/=\r?\n/g, '')
  return Buffer.from(soft.replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))), 'latin1').toString('utf8')
}

/** Decoded text of one part body, or the reason it cannot be decoded. */
function decodeBody(body: string, cte: string | undefined): {text: string; encoding: string} | {error: string} {
  if (cte === 'base64') {
    if (!BASE64_BODY.test(body)) return {error: 'base64'}
    const buf = Buffer.from(body.replace(/\s+/g, ''), 'base64')
    if (buf.length > MAX_USERDATA_BYTES) return {error: 'base64, too large'}
    if (buf.subarray(0, 2).toString('latin1') === GZIP_MAGIC) {
      try {
        return {text: gunzipSync(buf, {maxOutputLength: MAX_USERDATA_BYTES}).toString('utf8'), encoding: 'base64+gzip'}
      } catch {
        return {error: 'gzip'}
      }
    }
    return {text: buf.toString('utf8'), encoding: 'base64'}
  }
  if (cte === 'quoted-printable') return {text: decodeQuotedPrintable(body), encoding: 'quoted-printable'}
  return {text: body, encoding: cte ?? '7bit'}
}

/** The MIME parts of `text`, decoded; `error` names the first part that claims an encoding it does not hold. */
export function decodedParts(text: string): {parts: DecodedPart[]; error?: string} {
  const lines = text.split('\n')
  const parts: DecodedPart[] = []
  for (const [k, p] of (mimeParts(lines)?.parts ?? []).entries()) {
    const d = decodeBody(lines.slice(p.bodyStart, p.bodyEnd).join('\n'), p.cte)
    if ('error' in d) return {parts, error: `part ${k + 1} could not be decoded (${d.error})`}
    parts.push({part: k + 1, startLine: p.bodyStart + 1, encoding: d.encoding, text: d.text, place: p})
  }
  return {parts}
}

export function redactedAsWhole(reason: string): string {
  return `[efsdoctor: UserData redacted as a whole: ${reason}] ***REDACTED***`
}

/**
 * `text` (already outer-decoded) with secrets masked in every layer. An encoded part whose decoded text held a
 * secret is stored re-encoded in base64 (gzip dropped), so the document keeps the structure the checks parse.
 */
export function redactUserData(text: string): string {
  const {parts, error} = decodedParts(text)
  if (error) return redactedAsWhole(error)
  const lines = redactSecrets(text).split('\n')
  if (!parts.some(p => p.encoding !== '7bit')) return lines.join('\n')
  // NOTE: the redactor keeps every line where it was, so the parts' places in `text` hold in `lines`; replace from
  // the last part backwards so earlier line numbers stay valid.
  for (let k = parts.length - 1; k >= 0; k--) {
    const part = parts[k]
    const {place} = part
    if (part.encoding === '7bit') continue
    const redacted = redactSecrets(part.text)
    if (redacted === part.text) continue
    const body = Buffer.from(redacted, 'utf8').toString('base64').match(/.{1,76}/g) ?? []
    if (place.cteLine !== undefined) lines[place.cteLine] = 'Content-Transfer-Encoding: base64'
    lines.splice(place.bodyStart, place.bodyEnd - place.bodyStart, ...body, '')
  }
  return lines.join('\n')
}

/**
 * UserData as a template or snapshot holds it (plain, base64, gzip), with secrets masked in every layer. Encoded
 * UserData that held no secret is kept as it was; one that did is stored decoded and redacted.
 */
export function redactAnyUserData(raw: string): string {
  const {text, encoding, overCap} = decodeUserData(raw)
  if (overCap) return redactedAsWhole('gzip data decompresses to more than efsdoctor reads')
  if (text.startsWith(GZIP_MAGIC)) return redactedAsWhole('gzip data could not be decompressed')
  if (encoding === 'plain') return redactUserData(raw)
  const redacted = redactUserData(text)
  return redacted === text ? raw : redacted
}
