/**
 * The one allow-list for a path efsdoctor sends to a host: `mount --path` and the paths the probe is asked about.
 * An absolute path of letters, digits, `.`, `_` and `-` only (nothing a shell could expand or split: no `*?[`,
 * whitespace, `$`, quotes), no `.` or `..` part, at most 200 characters; one trailing `/` is dropped. mount-efs.sh
 * and probe.sh repeat HOST_PATH_RE in bash and check it again on the host.
 */
export const HOST_PATH_RE = /^(\/[A-Za-z0-9._-]+)+$/
export const MAX_HOST_PATH = 200

export type HostPathCheck = {ok: true; path: string} | {ok: false; reason: 'characters' | 'dots'}

export function checkHostPath(raw: string): HostPathCheck {
  const path = raw.length > 1 ? raw.replace(/\/$/, '') : raw
  if (path.length > MAX_HOST_PATH || !HOST_PATH_RE.test(path)) return {ok: false, reason: 'characters'}
  if (path.split('/').some(p => p === '.' || p === '..')) return {ok: false, reason: 'dots'}
  return {ok: true, path}
}
