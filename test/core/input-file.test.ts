/**
 * Reading a file the user named: readInputFileAsync reads in slices with a turn of the event loop between them, so a
 * file written to meanwhile must be refused rather than read torn (two versions mixed: valid-looking JSON of a cluster
 * that never existed). The writes here happen between two slices, at a turn of the event loop, so they always land
 * mid-read.
 */
import {appendFileSync, closeSync, mkdtempSync, openSync, utimesSync, writeFileSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {readInputFile, readInputFileAsync} from '../../src/core/input-file.js'
import {UsageError} from '../../src/core/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-input-'))
const MB = 2 ** 20
/** A file of `bytes` bytes: `{"x":"aaaa…"}`. */
function jsonFile(name: string, bytes: number): string {
  const file = join(dir, name)
  writeFileSync(file, `{"x":"${'a'.repeat(bytes - 8)}"}`)
  // NOTE: written long ago, so that a write during the read changes the time even on a file system whose clock ticks
  // coarsely (a few ms).
  utimesSync(file, new Date('2026-01-01'), new Date('2026-01-01'))
  return file
}
/** Runs `change` once, at the event loop's first turn after the read starts (after its first slice). */
const afterFirstSlice = (change: () => void) => setImmediate(change)

describe('readInputFileAsync', () => {
  it('reads a file of several slices whole', async () => {
    const file = jsonFile('whole.json', 2 * MB)
    const text = await readInputFileAsync(file, 'snapshot', 64 * MB)
    expect(text.length).toBe(2 * MB)
    expect(JSON.parse(text).x).toHaveLength(2 * MB - 8)
  })

  it('refuses a file rewritten in place while it is read (same size, other bytes)', async () => {
    const file = jsonFile('rewritten.json', 2 * MB)
    afterFirstSlice(() => {
      const fd = openSync(file, 'r+')
      writeSync(fd, 'b'.repeat(1000), 6)
      closeSync(fd)
    })
    await expect(readInputFileAsync(file, 'snapshot', 64 * MB)).rejects.toThrow(new UsageError(`snapshot ${file} changed while it was read: run again once it is written`))
  })

  it('refuses a file that grows or shrinks while it is read', async () => {
    const grows = jsonFile('grows.json', 2 * MB)
    afterFirstSlice(() => appendFileSync(grows, ' '.repeat(10)))
    await expect(readInputFileAsync(grows, 'snapshot', 64 * MB)).rejects.toThrow(/changed while it was read/)
    const shrinks = jsonFile('shrinks.json', 2 * MB)
    afterFirstSlice(() => writeFileSync(shrinks, '{}'))
    await expect(readInputFileAsync(shrinks, 'snapshot', 64 * MB)).rejects.toThrow(/changed while it was read/)
  })

  it('says so for a file with content but no size (/proc), instead of reading one byte of it', async () => {
    await expect(readInputFileAsync('/proc/self/status', 'snapshot', 64 * MB)).rejects.toThrow(
      new UsageError('/proc/self/status has content but no size (a /proc or /sys file?): give the snapshot as a regular file'))
    expect(() => readInputFile('/proc/self/status', 'template file', MB)).toThrow(/has content but no size/)
  })

  it('still reads an empty file as empty', async () => {
    const file = join(dir, 'empty.json')
    writeFileSync(file, '')
    expect(await readInputFileAsync(file, 'snapshot', MB)).toBe('')
  })
})
