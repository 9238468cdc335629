/**
 * Headless Debian chromium driven by playwright-core (which downloads no browser): the HTML report's browser tests and
 * `npm run screenshots` share this. A missing chromium is one clear error, never a skip.
 */
import {loadShellParserForSnapshot} from '../../src/core/shell-parser.js'
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type BrowserContext, chromium, type Page} from 'playwright-core'
import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import type {Report} from '../../src/core/types.js'
import type {Snapshot} from '../../src/model/snapshot.js'
import {htmlRenderer} from '../../src/report/html.js'

export const CHROMIUM = '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync']

/** A fresh profile (its own user-data-dir) in headless chromium; throws one line when chromium is not installed. */
export async function launchChromium(viewport = {width: 1400, height: 900}): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: the HTML report's browser tests need Debian's chromium (apt-get install -y chromium; .ci/run installs it)`)
  }
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'efsd-chromium-')), {executablePath: CHROMIUM, headless: true, args: ARGS, viewport})
}

/** Writes the HTML report of `snapshot` to a temporary file; returns its path, the report and the page's size. */
export async function writeReport(snapshot: Snapshot, dir: string, name: string): Promise<{file: string; report: Report; bytes: number}> {
  // NOTE: as the commands do: without the grammar, every UserData check is unknown (scripts/screenshots.ts has no
  // test setup that loads it).
  await loadShellParserForSnapshot(snapshot)
  const report = runChecks(allChecks, snapshot)
  const html = await htmlRenderer.render(report, {catalogue: allChecks, color: false, verbose: false, snapshot})
  const file = join(dir, `${name}.html`)
  writeFileSync(file, html)
  return {file, report, bytes: Buffer.byteLength(html)}
}

/** Opens the page with its first failing link clicked (when there is one) and screenshots the summary and drawing. */
export async function screenshot(page: Page, file: string, png: string): Promise<void> {
  await page.setViewportSize({width: 1600, height: 1000})
  await page.goto(`file://${file}`)
  const red = page.locator('svg .edge.s-fail .elabel').first()
  if (await red.count()) await red.click()
  const box = await page.locator('main .drawing').boundingBox()
  const bottom = box ? box.y + box.height + 8 : 900
  await page.screenshot({path: png, clip: {x: 0, y: 0, width: page.viewportSize()!.width, height: Math.min(bottom, 1400)}, fullPage: true})
}
