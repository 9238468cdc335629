import {readFileSync} from 'node:fs'
import {packageFile} from './package-files.js'

/** The package version, read once from package.json (works from src/ under jest and from dist/). */
export const TOOL_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {version: string}).version
  } catch {
    return '0.0.0'
  }
})()
