// Copies the non-TypeScript assets (shell scripts) that the code reads at run time into dist/ (or the folder given).
import {cpSync, existsSync} from 'node:fs'
const out = process.argv[2] ?? 'dist'
for (const dir of ['remote/scripts']) {
  if (existsSync(`src/${dir}`)) cpSync(`src/${dir}`, `${out}/${dir}`, {recursive: true})
}
