/**
 * The entry of the replay bundle, dist/replay/check.js: `check --from FILE` and `check --example NAME` as one CommonJS
 * script that bin/run.js compiles with a V8 code cache made at build time (scripts/bundle.mjs, scripts/code-caches.mjs).
 * An ES module is compiled again on every run (Node 20 keeps no code cache for them), and the ~40 ES modules of a
 * replay cost ~35 ms of compiling before the first line of our code; from the cache the same code starts in a few ms
 * and its functions are already compiled. Everything a replay runs is in the bundle except the renderers with a large
 * dependency (html, junit), which stay ES modules (dist/report/*.js); the live-AWS code is left out (a replay never
 * reaches it). Same code as the ES modules, so the same behaviour: the CLI tests run through it.
 */
export {runDirect, warmUp} from './run.js'
export {noteCodeLoad} from '../timing.js'
export * as check from '../commands/check.js'
