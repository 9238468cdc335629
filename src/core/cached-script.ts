/**
 * The snapshot validator as the packed package runs it: a script with a V8 code cache made at build time
 * (scripts/bundle.mjs), instead of an ES module compiled on every replay. The 180 KB of generated ajv code then needs
 * neither parsing nor the first compile of the functions a snapshot takes it through: measured on the 2-core bench VM,
 * validate 25–32 → 8–10 ms for healthy.json, and the 1,000-instance replay 409 → 401 ms. V8 takes a cache only from
 * the same V8 under the same flags (a replay's: cli/run.ts v8Settings and the bash grammar's); any other run, or a
 * cache it rejects, compiles the script as before, with the same result.
 */
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Script} from 'node:vm'
import {packageFile} from './package-files.js'

/** How the last validator was loaded, for EFSDOCTOR_TIMING: from its code cache, or compiled. */
export let lastLoad: 'code cache' | 'compiled' | undefined

/**
 * The exports of dist/validators/<name>.js (a CommonJS body wrapped as `(function (module, exports) {…})`), with its
 * code cache when V8 accepts it; undefined when this code does not run from dist/ (tests and bin/dev.js use the
 * ES module) or the script is missing.
 */
export function loadCachedScript<T>(name: string): T | undefined {
  if (!fileURLToPath(import.meta.url).includes('/dist/')) return undefined
  const file = packageFile(`dist/validators/${name}.js`)
  let source: string
  try {
    source = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  let cachedData: Buffer | undefined
  try {
    cachedData = readFileSync(packageFile(`dist/validators/${name}.cache`))
  } catch {
    cachedData = undefined
  }
  const script = new Script(source, {filename: file, cachedData})
  lastLoad = cachedData && !script.cachedDataRejected ? 'code cache' : 'compiled'
  const module = {exports: {} as T}
  ;(script.runInThisContext() as (m: {exports: T}, e: T) => void)(module, module.exports)
  return module.exports
}
