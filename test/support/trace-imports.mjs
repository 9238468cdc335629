// Preloaded with `node --import ./test/support/trace-imports.mjs` (test/commands/parser-lazy.test.ts): every module
// URL the process resolves is appended to the file $EFSD_TRACE_IMPORTS, so a test can tell what a command loaded.
import {register} from 'node:module'

register('./trace-imports-hooks.mjs', import.meta.url, {data: {file: process.env.EFSD_TRACE_IMPORTS}})
