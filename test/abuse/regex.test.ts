/**
 * Item 4: the patterns that read template text and UserData stay linear on hostile text. Each runs through the code
 * that uses it over 100 KB adversarial strings: the Fn::Sub pattern on unclosed `${` (640 KB took 97 s), the
 * URL-credentials rule on letters (100 KB took 7 s), a private key's lines on TABs. Bounds are CPU time, generous
 * for a loaded machine; a linear run takes a few milliseconds.
 */
import {redactSecrets} from '../../src/core/redact.js'
import {Resolver} from '../../src/lint/intrinsics.js'

const SIZE = 100_000
const BOUND_MS = 50
const pump = (p: string) => p.repeat(Math.ceil(SIZE / p.length)).slice(0, SIZE)

function cpuMs(fn: () => unknown): number {
  fn() // NOTE: the first call compiles the pattern and the code around it; the bound is for the work itself.
  const start = process.cpuUsage()
  fn()
  const d = process.cpuUsage(start)
  return (d.user + d.system) / 1000
}

describe('item 4: linear patterns on 100 KB of hostile text', () => {
  const resolver = new Resolver({resourceTypes: {}, parameters: new Set(['P']), knownNames: {}})

  it.each([['${'], ['${a'], ['${!'], ['$'], ['${P}${']])('Fn::Sub over %j repeated', p => {
    const text = pump(p)
    expect(resolver.str({'Fn::Sub': text})).toBeDefined()
    expect(cpuMs(() => resolver.str({'Fn::Sub': text}))).toBeLessThan(BOUND_MS)
  })

  it.each([['a'], ['a.'], ['a://'], ['a://b:'], ['\t'], [' '], ['a_PASS'], ['_TOKEN_'], ['curl -u a:'], ['mysql -p'], ['-----BEGIN RSA PRIVATE KEY-----\n\t']])('the redactor over %j repeated', p => {
    const text = pump(p)
    expect(cpuMs(() => redactSecrets(text))).toBeLessThan(BOUND_MS * 4)
    const keyed = `-----BEGIN RSA PRIVATE KEY-----\n${text}`
    expect(cpuMs(() => redactSecrets(keyed))).toBeLessThan(BOUND_MS * 4)
  })
})
