#!/usr/bin/env -S node --import tsx
// Runs efsdoctor from the sources (src/, through tsx) with oclif from node_modules.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
process.env.NODE_ENV = 'development'
const {Config, run, flush, handle, settings} = await import('@oclif/core')
const {fileURLToPath} = await import('node:url')
settings.debug = true
const config = await Config.load(fileURLToPath(new URL('..', import.meta.url)))
// NOTE: after `npm run build`, oclif.manifest.json points each command at the bundle in dist/, which carries its own
// copy of @oclif/core (mixing two copies breaks oclif's error handling). Without that path oclif finds the command
// under src/ instead.
for (const command of Object.values(config.rootPlugin.manifest?.commands ?? {})) delete command.relativePath
await run(process.argv.slice(2), config).then(() => flush(), handle)
