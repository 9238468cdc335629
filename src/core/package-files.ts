/**
 * Files that ship with the package, found from wherever this module runs: src/ (tests, bin/dev.js), dist/ as tsc
 * lays it out, or a chunk of the esbuild bundle (dist/chunks/…), where paths relative to the module would be wrong.
 */
import {existsSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

let root: string | undefined

/** The folder holding efsdoctor's package.json: the nearest one above this module. */
export function packageRoot(): string {
  if (root) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`efsdoctor: no package.json above ${fileURLToPath(import.meta.url)}`)
    dir = up
  }
  return (root = dir)
}

/** A file of the package, e.g. `package.json` or `examples/snapshots`. */
export function packageFile(rel: string): string {
  return join(packageRoot(), rel)
}

/** A file next to the code, `rel` from src/ (e.g. `remote/scripts/probe.sh`): under src/ or dist/, whichever runs. */
export function codeFile(rel: string): string {
  const codeDir = relative(packageRoot(), fileURLToPath(import.meta.url)).split(sep)[0]
  return join(packageRoot(), codeDir, rel)
}
