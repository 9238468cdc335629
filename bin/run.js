#!/usr/bin/env node
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
// NOTE: the execute subpath, not the package index: the index loads all of @oclif/core (~25 ms more on every start).
const {execute} = await import('@oclif/core/execute')
await execute({dir: import.meta.url})
