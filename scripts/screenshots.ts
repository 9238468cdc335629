// Regenerates docs/screenshots/<example>.png: the HTML report of each shipped broken example in headless chromium,
// with its first failing link clicked. `npm run screenshots`; test/browser checks they exist and still come out.
import {mkdirSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Snapshot} from '../src/model/snapshot.js'
import {launchChromium, screenshot, writeReport} from '../test/support/browser.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-shots-'))
mkdirSync('docs/screenshots', {recursive: true})
const context = await launchChromium()
try {
  for (const f of readdirSync('examples/snapshots').filter(n => n.startsWith('broken-'))) {
    const name = f.replace(/\.json$/, '')
    const {file} = await writeReport(JSON.parse(readFileSync(join('examples/snapshots', f), 'utf8')) as Snapshot, dir, name)
    const page = await context.newPage()
    await screenshot(page, file, `docs/screenshots/${name}.png`)
    await page.close()
    console.log(`docs/screenshots/${name}.png`)
  }
} finally {
  await context.close()
}
