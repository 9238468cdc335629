/**
 * Reading a file the user named (a snapshot, a template, the ignore file) without trusting what it is: it must be
 * a regular file (never /dev/zero, a FIFO, a socket or a directory, which would grow without end or block forever)
 * and no larger than a cap. Opened non-blocking, so even opening a FIFO with no writer returns at once.
 */
import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs'
import {UsageError} from './errors.js'

/** Size caps in bytes: far above any real input, far below what would exhaust memory. */
export const MAX_SNAPSHOT_BYTES = 64 * 2 ** 20
export const MAX_TEMPLATE_BYTES = 4 * 2 ** 20
export const MAX_CONFIG_BYTES = 1 * 2 ** 20

/** The file's text (UTF-8); UsageError naming `what` when it cannot be read, is not a regular file or is too big. */
export function readInputFile(file: string, what: string, maxBytes: number): string {
  let fd: number
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(code === 'ENOENT' ? `cannot read ${what} ${file}: ENOENT (not found)` : `cannot read ${what} ${file}: ${code ?? (error as Error).message}`)
  }
  try {
    const st = fstatSync(fd)
    if (st.isDirectory()) throw new UsageError(`${file} is a directory, not a ${what}`)
    if (!st.isFile()) throw new UsageError(`${file} is not a regular file (a device, FIFO or socket): give the ${what} as a file`)
    if (st.size > maxBytes) throw new UsageError(`${what} ${file} is too large (${mb(st.size)}; at most ${mb(maxBytes)})`)
    // NOTE: read at most one byte past the cap, in case the file grows while it is read.
    const buf = Buffer.alloc(st.size + 1)
    let n = 0
    for (let got = -1; got !== 0 && n < buf.length;) {
      got = readSync(fd, buf, n, buf.length - n, null)
      n += got
    }
    if (n > maxBytes) throw new UsageError(`${what} ${file} is too large (more than ${mb(maxBytes)})`)
    return buf.subarray(0, n).toString('utf8')
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  } finally {
    closeSync(fd)
  }
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`
}
