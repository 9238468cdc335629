// Builds dist/ with esbuild: one ES module per command and hook (the files oclif loads), the code they share split
// into dist/chunks/. Dependencies are bundled, so a run compiles only what it uses — for the AWS SDK only the clients
// and commands named in src/inventory/sdk/*.ts (tree-shaken ESM instead of each package's whole CommonJS file).
// @oclif/core is bundled too, once, shared by dist/main.js (oclif's execute, what bin/run.js runs) and the commands: it
// is ~300 small CommonJS files, and resolving them was a third of every start. Left outside: typescript and ts-node
// (oclif requires them only for TypeScript plugins in development; bundled, typescript is 10 MB loaded on every run),
// the oclif plugins (help, autocomplete: loaded only when their commands run) and the bash grammar, whose .wasm files
// are found through node_modules at run time.
// Usage: node scripts/bundle.mjs [outdir]   (BUNDLE_META=file writes esbuild's metafile, for size analysis)
import {build, transform} from 'esbuild'
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {spawnSync} from 'node:child_process'
import {join, resolve} from 'node:path'

const outdir = process.argv[2] ?? 'dist'
/** Renderers with a large dependency (elkjs, xmlbuilder2): the replay bundle leaves them to dist/report/<name>.js. */
const REPLAY_ESM_RENDERERS = ['html', 'junit']
/** The JSON Schema validators (ajv's generated code): dist/core/validators/<name>.generated.js, minified below. */
const VALIDATORS = ['snapshot', 'report']
const entries = ['commands', 'hooks'].flatMap(dir =>
  readdirSync(`src/${dir}`).filter(f => f.endsWith('.ts')).map(f => `src/${dir}/${f}`)).concat('src/main.ts', 'src/cli/run.ts',
  // NOTE: the modules the replay bundle (below) imports as ES modules, at paths it can name.
  ...REPLAY_ESM_RENDERERS.map(r => `src/report/${r}.ts`), ...VALIDATORS.map(v => `src/core/validators/${v}.generated.ts`))

/**
 * The AWS SDK's schema modules (one per client: every shape of the service) write XML names as computed keys,
 * `{[_xN]: _AAddi}` with `const _xN = "xmlName"`. To esbuild a computed key may have side effects, so it keeps every
 * shape of the service (client-ec2: 1 MB) although we use a dozen operations. Spelled as plain keys, the shapes we
 * do not reach are dropped. Only keys that name a string constant of the same module are rewritten.
 */
const sdkSchemaKeys = {
  name: 'sdk-schema-keys',
  setup(b) {
    b.onLoad({filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/}, ({path}) => {
      const text = readFileSync(path, 'utf8')
      const strings = new Map([...text.matchAll(/^const (_\w+) = ("[^"\\]*");$/gm)].map(m => [m[1], m[2]]))
      return {contents: text.replace(/\[(_\w+)\]:/g, (all, name) => (strings.has(name) ? `${strings.get(name)}:` : all)), loader: 'js'}
    })
  },
}

/**
 * cli-table3 measures every cell with string-width 4, whose first call compiles a large emoji regular expression
 * (~20–30 ms of every table). Its `require('string-width')` gets scripts/shims/string-width-ascii.cjs instead: the
 * length for printable ASCII, the real string-width (loaded on first need) for anything else.
 */
const asciiStringWidth = {
  name: 'ascii-string-width',
  setup(b) {
    const tableDir = /[\\/]node_modules[\\/]cli-table3[\\/]/
    b.onResolve({filter: /^string-width$/}, args => (tableDir.test(args.importer) ? {path: new URL('./shims/string-width-ascii.cjs', import.meta.url).pathname} : undefined))
    b.onResolve({filter: /^efsd-real-string-width$/}, async () => {
      const r = await b.resolve('string-width', {kind: 'require-call', resolveDir: new URL('../node_modules/cli-table3/', import.meta.url).pathname})
      return {path: r.path}
    })
  },
}

/**
 * string-width (wrap.ts, for text that is not printable ASCII) builds an Intl.Segmenter when its module loads: ~12 ms
 * of every run that renders a table, though nearly every report is ASCII and never calls it. Built on first use
 * instead. The build fails if the line is not found, so an upgrade cannot drop this silently.
 */
const lazySegmenter = {
  name: 'lazy-segmenter',
  setup(b) {
    b.onLoad({filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/}, ({path}) => {
      // NOTE: the top-level copy (string-width 7, which wrap.ts imports); older copies nested under other packages
      // build no segmenter.
      if (path.split(/[\\/]node_modules[\\/]/).length !== 2) return undefined
      const text = readFileSync(path, 'utf8')
      const eager = 'const segmenter = new Intl.Segmenter();'
      if (!text.includes(eager)) throw new Error(`lazy-segmenter: "${eager}" is not in ${path} (string-width changed?)`)
      return {contents: text.replace(eager, 'let built; const segmenter = {segment: text => (built ??= new Intl.Segmenter()).segment(text)};'), loader: 'js'}
    })
  },
}

const result = await build({
  entryPoints: entries,
  outdir,
  outbase: 'src',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The AWS SDK and smithy packages ship ES modules under "module": those tree-shake; "main" is their CommonJS.
  mainFields: ['module', 'main'],
  chunkNames: 'chunks/[name]-[hash]',
  external: ['typescript', 'ts-node', '@oclif/plugin-*', 'web-tree-sitter', 'tree-sitter-bash'],
  // CommonJS dependencies bundled into ES modules call require() for Node's built-ins.
  banner: {js: "import {createRequire as __efsdCreateRequire} from 'node:module'; const require = __efsdCreateRequire(import.meta.url);"},
  legalComments: 'none',
  minifySyntax: true,
  logLevel: 'warning',
  metafile: true,
  plugins: [sdkSchemaKeys, asciiStringWidth, lazySegmenter],
})
if (process.env.BUNDLE_META) writeFileSync(process.env.BUNDLE_META, JSON.stringify(result.metafile))
// Chunks an earlier build wrote and this one did not (their names carry a content hash): left behind, they only
// confuse whoever reads dist/ or a profile.
const built = new Set(Object.keys(result.metafile.outputs).map(f => resolve(f)))
for (const name of readdirSync(join(outdir, 'chunks'))) {
  const file = resolve(outdir, 'chunks', name)
  if (!built.has(file)) rmSync(file)
}

// `check --from`/`--example` once more, as one CommonJS script with a V8 code cache (src/cli/replay.ts says why): wrapped
// as `(function (module, exports, require, __filename, __efsdImportMetaUrl, __efsdImport) {…})`. bin/run.js passes
// `__efsdImport` for the dynamic imports left outside — Node builtins, web-tree-sitter, the ES-module renderers — since
// import() cannot run in a vm.Script without an experimental flag; the live-AWS modules a replay never reaches are
// `replay-unreachable:` specifiers that reject. The cache is made by scripts/code-caches.mjs.
{
  const unreachable = /^\.\.\/(inventory\/(live|preflight)|core\/iam-policy)\.js$|^listr2$/
  const replayImports = {
    name: 'replay-imports',
    setup(b) {
      b.onResolve({filter: /.*/}, args => {
        if (args.kind !== 'dynamic-import') return undefined
        if (unreachable.test(args.path)) return {path: `replay-unreachable:${args.path}`, external: true}
        const renderer = /[\\/]src[\\/]report[\\/]index\.ts$/.test(args.importer) && args.path.match(/^\.\/(\w+)\.js$/)?.[1]
        if (renderer && REPLAY_ESM_RENDERERS.includes(renderer)) return {path: `../report/${renderer}.js`, external: true}
        const validator = args.path.match(/validators\/(\w+)\.generated\.js$/)?.[1]
        if (validator && VALIDATORS.includes(validator)) return {path: `../core/validators/${validator}.generated.js`, external: true}
        return undefined
      })
    },
  }
  const bundle = await build({entryPoints: ['src/cli/replay.ts'], bundle: true, format: 'cjs', platform: 'node', target: 'node20',
    mainFields: ['module', 'main'], external: ['typescript', 'ts-node', '@oclif/plugin-*'],
    define: {'import.meta.url': '__efsdImportMetaUrl'}, legalComments: 'none', minifySyntax: true, minifyWhitespace: true, logLevel: 'warning',
    write: false, metafile: true, plugins: [replayImports, sdkSchemaKeys, asciiStringWidth, lazySegmenter]})
  if (process.env.BUNDLE_META) writeFileSync(`${process.env.BUNDLE_META}.replay`, JSON.stringify(bundle.metafile))
  let code = bundle.outputFiles[0].text
  const dynamic = new Set(Object.values(bundle.metafile.inputs).flatMap(i => i.imports)
    .filter(i => i.kind === 'dynamic-import' && i.external).map(i => i.path))
  for (const spec of dynamic) {
    const call = `import(${JSON.stringify(spec)})`
    if (!code.includes(call)) throw new Error(`replay bundle: ${call} not found in esbuild's output`)
    code = code.replaceAll(call, `__efsdImport(${JSON.stringify(spec)})`)
  }
  mkdirSync(join(outdir, 'replay'), {recursive: true})
  writeFileSync(join(outdir, 'replay/check.js'),
    `(function (module, exports, require, __filename, __efsdImportMetaUrl, __efsdImport) {${code}\n})`)
}

// The snapshot validator once more, as a script with a V8 code cache (src/core/cached-script.ts): a CommonJS body in
// `(function (module, exports) {…})`, minified; its cache is made with the replay bundle's, below.
{
  const cjs = await build({entryPoints: ['src/core/validators/snapshot.generated.ts'], bundle: true, format: 'cjs', platform: 'node',
    target: 'node20', minify: true, legalComments: 'none', write: false, logLevel: 'warning'})
  mkdirSync(join(outdir, 'validators'), {recursive: true})
  writeFileSync(join(outdir, 'validators/snapshot.js'), `(function (module, exports) {${cjs.outputFiles[0].text}\n})`)
}

// The JSON Schema validators (generated code nobody reads: src/core/validators) minified: esbuild prints ajv's one-line
// output as 485 KB of indented code, which every check --from compiles. Minified (~190 KB), importing the snapshot
// validator takes ~8 ms instead of ~14.
for (const file of VALIDATORS.map(v => join(outdir, `core/validators/${v}.generated.js`))) {
  writeFileSync(file, (await transform(readFileSync(file, 'utf8'), {minify: true, format: 'esm', target: 'node20', legalComments: 'none'})).code)
}

// The code caches of the validator script and the replay bundle, made last, in one process with a replay's V8
// settings: the replays that make the bundle's cache load the validators minified above.
{
  const made = spawnSync(process.execPath, ['scripts/code-caches.mjs', outdir], {stdio: 'inherit'})
  if (made.status !== 0) throw new Error('scripts/code-caches.mjs failed')
}
