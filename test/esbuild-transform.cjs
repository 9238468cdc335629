// Jest's TypeScript transform: esbuild's transformSync, the compiler tsx (./bin/dev.js) and scripts/bundle.mjs use too.
// Type-only transpilation, file by file, as ts-jest did here (tsconfig.json sets isolatedModules; the types are
// checked by `npm run typecheck`, never by the tests). ts-jest loaded typescript in every worker and took tens of ms
// per file; esbuild takes about one, which counts on CI, where jest's transform cache starts empty.
const {createHash} = require('node:crypto')
const {readFileSync} = require('node:fs')
const {transformSync, version} = require('esbuild')

const self = readFileSync(__filename)

module.exports = {
  getCacheKey(source, path, options) {
    return createHash('sha256').update(self).update(version).update(String(options.supportsStaticESM)).update('\0')
      .update(path).update('\0').update(source).digest('hex')
  },
  process(source, path, options) {
    const {code, map} = transformSync(source, {
      loader: 'ts',
      format: options.supportsStaticESM ? 'esm' : 'cjs',
      // tsconfig.json's target; class fields are defined as tsc defines them for it.
      target: 'es2022',
      tsconfigRaw: {compilerOptions: {useDefineForClassFields: true}},
      sourcemap: 'external',
      sourcefile: path,
    })
    return {code, map}
  },
}
