// Writes dist/validators/snapshot.cache: the V8 code cache of dist/validators/snapshot.js (see src/core/cached-script.ts),
// made under the V8 settings of a replay (check --from), after validating every shipped example so the functions a
// snapshot takes it through are compiled into the cache. Run by scripts/bundle.mjs in a process of its own: the
// settings must be exactly a replay's, or V8 rejects the cache and the replay compiles the script as before.
// Usage: node scripts/validator-cache.mjs [outdir]
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import {setFlagsFromString} from 'node:v8'
import {Script} from 'node:vm'

const outdir = resolve(process.argv[2] ?? 'dist')
const {v8Settings, SHELL_GRAMMAR_V8_FLAGS} = await import(pathToFileURL(join(outdir, 'cli/run.js')).href)
setFlagsFromString(v8Settings('check', ['--from', 'snapshot.json']).join(' '))
setFlagsFromString(SHELL_GRAMMAR_V8_FLAGS)
const file = join(outdir, 'validators/snapshot.js')
const script = new Script(readFileSync(file, 'utf8'), {filename: file})
const module = {exports: {}}
script.runInThisContext()(module, module.exports)
for (const name of readdirSync('examples/snapshots').filter(f => f.endsWith('.json'))) {
  module.exports.validate(JSON.parse(readFileSync(join('examples/snapshots', name), 'utf8')))
}
writeFileSync(join(outdir, 'validators/snapshot.cache'), script.createCachedData())
