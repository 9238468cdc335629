// Copies the non-TypeScript assets (shell scripts, JSON schemas) that the compiled code reads at run time.
import {cpSync, existsSync} from 'node:fs'
for (const dir of ['remote/scripts']) {
  if (existsSync(`src/${dir}`)) cpSync(`src/${dir}`, `dist/${dir}`, {recursive: true})
}
