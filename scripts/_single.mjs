import {build} from 'esbuild'
await build({
  entryPoints: ['src/commands/check.ts'], outdir: 'dist/direct', outbase: 'src/commands', bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20',
  mainFields: ['module', 'main'], chunkNames: 'chunks/[name]-[hash]',
  external: ['typescript', 'ts-node', '@oclif/plugin-*', 'web-tree-sitter', 'tree-sitter-bash'],
  banner: {js: "import {createRequire as __efsdCreateRequire} from 'node:module'; const require = __efsdCreateRequire(import.meta.url);"},
  legalComments: 'none', minifySyntax: true, logLevel: 'warning',
})
