/**
 * Widths measured by length for printable ASCII (src/report/wrap.ts stringWidth, and cli-table3's string-width
 * through the bundle's shim, scripts/shims/string-width-ascii.cjs) must equal string-width's own answer.
 */
import fc from 'fast-check'
import {createRequire} from 'node:module'
import {readdirSync, readFileSync} from 'node:fs'
import fullStringWidth from 'string-width'
import {NARROW, stringWidth} from '../../src/report/wrap.js'
import {MARK, MARK_COLUMNS} from '../../src/report/table.js'

const tableStringWidth = createRequire(createRequire(import.meta.url).resolve('cli-table3/package.json'))('string-width') as (s: string) => number
const shim = readFileSync('scripts/shims/string-width-ascii.cjs', 'utf8')
const loadShim = (real: (s: string) => number): ((s: string) => number) => {
  const module = {exports: undefined as unknown}
  new Function('module', 'require', shim)(module, (id: string) => (id === 'efsd-real-string-width' ? real : undefined))
  return module.exports as (s: string) => number
}

describe('string width', () => {
  const ascii = fc.string({unit: fc.constantFrom(...Array.from({length: 95}, (_, i) => String.fromCharCode(0x20 + i)))})
  const anything = fc.oneof(fc.string({unit: 'grapheme'}), fc.string({unit: 'binary'}), fc.constantFrom('\u001B[31mred\u001B[0m', 'a\tb', 'e\u0301', '👍🏽', '漢字', 'x\ny'))

  it('ours equals string-width on printable ASCII, on our narrow punctuation and on anything else', () => {
    const narrow = fc.string({unit: fc.constantFrom(...NARROW, 'a', ' ', '.')})
    fc.assert(fc.property(fc.oneof(ascii, narrow, anything), s => stringWidth(s) === fullStringWidth(s)), {numRuns: 500})
    for (const c of NARROW) expect([c, c.length, fullStringWidth(c), fullStringWidth(`x${c}y`)]).toEqual([c, 1, 1, 3])
  })

  it('the table wraps a finding title as if its mark were MARK_COLUMNS wide: string-width agrees for every mark', () => {
    for (const [status, mark] of Object.entries(MARK)) expect([status, fullStringWidth(mark)]).toEqual([status, MARK_COLUMNS[status as keyof typeof MARK]])
  })

  it("cli-table3's shim equals cli-table3's string-width on printable ASCII and on anything else", () => {
    const measured: string[] = []
    const withShim = loadShim(s => { measured.push(s); return tableStringWidth(s) })
    fc.assert(fc.property(fc.oneof(ascii, anything), s => withShim(s) === tableStringWidth(s)), {numRuns: 500})
    // the real one is asked only for text that is not printable ASCII
    expect(measured.every(s => !/^[\x20-\x7e]*$/.test(s))).toBe(true)
  })

  it('the built bundles give cli-table3 the shim (npm test builds dist/ first)', () => {
    // NOTE: the ES modules' chunks and the replay bundle (one CommonJS script, src/cli/replay.ts).
    const chunks = readdirSync('dist/chunks').map(f => readFileSync(`dist/chunks/${f}`, 'utf8')).concat(readFileSync('dist/replay/check.js', 'utf8'))
    const table = chunks.filter(c => c.includes('node_modules/cli-table3/src/utils.js'))
    expect(table.length).toBeGreaterThan(1)
    for (const c of table) expect(c).toContain('scripts/shims/string-width-ascii.cjs')
  })
})
