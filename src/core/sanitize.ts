/**
 * The one terminal sanitizer. Text from AWS, a template or a host can carry terminal escapes (ESC sequences,
 * OSC 8 links, `\x1b[2J`), carriage returns and BEL, C1 controls, bidi overrides that reorder what a reader sees,
 * and characters XML and JSON forbid. Every such text is either stripped (`sanitizeText`, for reports in every
 * human or CI format) or shown as a visible `\uXXXX` escape (`escapeUnsafe`, the last guard on everything a
 * command writes; valid inside JSON strings too).
 */

/**
 * C0 controls except tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates and marks, zero-width
 * characters and invisible operators (U+200B–U+200D, U+2060–U+2064), line and paragraph separators, the BOM, the
 * noncharacters U+FFFE/U+FFFF, and lone surrogates.
 */
export const UNSAFE_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Every character UNSAFE_CHARS can match, surrogates paired or not: a text with none is returned as it is after one
 * scan of a single character class, several times cheaper than the replace on the megabytes a big report writes.
 */
const MAYBE_UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFFE\uFFFF\uD800-\uDFFF]/

/** `text` without unsafe characters (tab and newline kept). */
export function sanitizeText(text: string): string {
  return MAYBE_UNSAFE.test(text) ? text.replace(UNSAFE_CHARS, '') : text
}

/** `text` with every unsafe character shown as `\uXXXX` (tab and newline kept): what a reader sees is what is there. */
export function escapeUnsafe(text: string): string {
  if (!MAYBE_UNSAFE.test(text)) return text
  return text.replace(UNSAFE_CHARS, c => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
}

/**
 * escapeUnsafe for text JSON.stringify wrote, which escapes C0 controls itself: text that is all ASCII (its UTF-8
 * length is its length, one native call) and holds no DEL has nothing to escape. The megabytes of a big report are
 * checked several times faster than by escapeUnsafe's scan (15 MB: ~2 ms instead of ~20 ms).
 */
export function escapeUnsafeJson(json: string): string {
  return Buffer.byteLength(json) === json.length && !json.includes('\u007F') ? json : escapeUnsafe(json)
}

/** How a command's output text was made: from sanitized parts (written as it is), or by JSON.stringify. */
export interface EmitOptions {
  sanitized?: boolean
  json?: boolean
}

/** What emit passes each piece of output through: nothing for sanitized text, else the escaper that fits it. */
export const outputEscaper = (opts: EmitOptions): ((text: string) => string) =>
  opts.sanitized ? s => s : opts.json ? escapeUnsafeJson : escapeUnsafe

/** One line for stderr: unsafe characters and line breaks shown escaped, so nothing can split or rewrite it. */
export function oneLine(text: string): string {
  return escapeUnsafe(text).replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, ' ')
}

/**
 * `value` with every string (values and keys) passed through sanitizeText; other values kept. Copy on write: an array
 * or object with nothing to remove anywhere inside is returned as it is (the same object), so a clean report of
 * thousands of findings costs a walk, not a copy.
 */
export function sanitizeDeep<T>(value: T): T {
  if (typeof value === 'string') return sanitizeText(value) as T
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const v = sanitizeDeep(value[i])
      if (v !== value[i]) (out ??= value.slice())[i] = v
    }
    return (out ?? value) as T
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const record = value as Record<string, unknown>
    const keys = Object.keys(record)
    let out: Record<string, unknown> | undefined
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]
      const key = sanitizeText(k)
      const v = sanitizeDeep(record[k])
      if (!out && (key !== k || v !== record[k])) {
        out = {}
        for (let j = 0; j < i; j++) define(out, keys[j], record[keys[j]])
      }
      if (out) define(out, key, v)
    }
    return (out ?? value) as T
  }
  return value
}

/** NOTE: defineProperty, so a key named __proto__ stays an own key instead of replacing the prototype. */
function define(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, {value, enumerable: true, writable: true, configurable: true})
}
