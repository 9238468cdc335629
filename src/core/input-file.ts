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
  const input = openInput(file, what, maxBytes)
  try {
    let n = 0
    for (let got = -1; got !== 0 && n < input.buf.length;) {
      got = readSync(input.fd, input.buf, n, input.buf.length - n, null)
      n += got
    }
    return input.text(n)
  } catch (error) {
    return input.fail(error)
  } finally {
    closeSync(input.fd)
  }
}

/** The slice readInputFileAsync reads between two turns of the event loop. */
const SLICE_BYTES = 256 * 1024

/**
 * readInputFile that lets the event loop turn between slices of 256 KB: while a large file is read, work waiting for the
 * main thread goes on (check --from: the steps of the bash grammar's WebAssembly compile that V8 runs on the main
 * thread, and the reads of its files). Read in one piece, a 5 MB snapshot held the compile back until it was parsed and
 * validated, and the replay then waited ~50 ms for the grammar; read on the thread pool, the read competed with the
 * compile for the second core (~10 ms slower than slices, measured on the 2-core bench VM).
 */
export async function readInputFileAsync(file: string, what: string, maxBytes: number): Promise<string> {
  const input = openInput(file, what, maxBytes)
  try {
    let n = 0
    for (let got = -1; got !== 0 && n < input.buf.length;) {
      got = readSync(input.fd, input.buf, n, Math.min(SLICE_BYTES, input.buf.length - n), null)
      n += got
      await new Promise(resolve => setImmediate(resolve))
    }
    return input.text(n)
  } catch (error) {
    return input.fail(error)
  } finally {
    closeSync(input.fd)
  }
}

/**
 * `file` opened (non-blocking, so a FIFO with no writer never blocks) and checked to be a regular file within the cap,
 * with a buffer one byte longer than the file (in case it grows while it is read), `text` of its first n bytes, and
 * `fail`, which turns any error into a UsageError. The caller reads and closes.
 */
function openInput(file: string, what: string, maxBytes: number): {fd: number; buf: Buffer; text(n: number): string; fail(error: unknown): never} {
  let fd: number
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(code === 'ENOENT' ? `cannot read ${what} ${file}: ENOENT (not found)` : `cannot read ${what} ${file}: ${code ?? (error as Error).message}`)
  }
  const fail = (error: unknown): never => {
    if (error instanceof UsageError) throw error
    throw new UsageError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  try {
    const st = fstatSync(fd)
    if (st.isDirectory()) throw new UsageError(`${file} is a directory, not a ${what}`)
    if (!st.isFile()) throw new UsageError(`${file} is not a regular file (a device, FIFO or socket): give the ${what} as a file`)
    if (st.size > maxBytes) throw new UsageError(`${what} ${file} is too large (${mb(st.size)}; at most ${mb(maxBytes)})`)
    const buf = Buffer.allocUnsafeSlow(st.size + 1)
    const text = (n: number): string => {
      if (n > maxBytes) throw new UsageError(`${what} ${file} is too large (more than ${mb(maxBytes)})`)
      if (st.size === 0 && n > 0) throw new UsageError(`${file} has content but no size (a /proc or /sys file?): give the ${what} as a regular file`)
      // NOTE: a file written to while it was read would be read torn (a mix of two versions, valid-looking JSON of a
      // cluster that never existed): its size or modification time then differs from the start.
      const end = fstatSync(fd)
      if (n !== st.size || end.size !== st.size || end.mtimeMs !== st.mtimeMs) {
        throw new UsageError(`${what} ${file} changed while it was read: run again once it is written`)
      }
      return buf.subarray(0, n).toString('utf8')
    }
    return {fd, buf, text, fail}
  } catch (error) {
    closeSync(fd)
    return fail(error)
  }
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`
}
