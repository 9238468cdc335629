/**
 * Trimming a run of characters off the end of untrusted text in linear time. A pattern like `/\/+$/` is quadratic
 * in V8: it retries the run from each of its characters when something follows it (100 KB of `/` then `x` took
 * 4–18 s per call site).
 */

/** `s` without the trailing characters that are in `chars` (each a single UTF-16 unit). */
export function trimTrailing(s: string, chars: string): string {
  let end = s.length
  while (end > 0 && chars.includes(s[end - 1])) end--
  return end === s.length ? s : s.slice(0, end)
}

/** A path without trailing slashes; `/` (or any one-character path) stays as it is. Was `p.replace(/\/+$/, '')`. */
export const trimSlash = (p: string): string => (p.length > 1 ? trimTrailing(p, '/') : p)
