import fc from 'fast-check'
import wrapAnsi from 'wrap-ansi'
import {NARROW, wrapPlain, wrapProse} from '../../src/report/wrap.js'

// Words of every length around the line width (cut or not), runs of spaces, blank lines and leading/trailing space.
const word = fc.oneof(fc.stringMatching(/^[a-z0-9:/.-]{0,12}$/), fc.stringMatching(/^[A-Z]{15,130}$/), fc.constantFrom('', ' ', '  ', '\n', ' \n '),
  fc.string({unit: fc.constantFrom(...NARROW, 'a', '-'), maxLength: 8}), fc.stringMatching(/^[A-Z]{15,40}$/).map(w => `${w}\u2014${w}`))
const plainText = fc.array(word, {maxLength: 40}).map(ws => ws.join(' '))

describe('wrapPlain', () => {
  it('wraps printable ASCII and our narrow punctuation (— … → …) exactly as wrap-ansi {hard, trim} does', () => {
    fc.assert(fc.property(plainText, fc.integer({min: 20, max: 120}), (text, columns) => {
      expect(wrapPlain(text, columns)).toBe(wrapAnsi(text, columns, {hard: true, trim: true}))
    }), {numRuns: 3000})
  })

  it('is what wrapProse uses for plain text, and wrap-ansi still wraps the rest', () => {
    const prose = 'efs/mount-target-per-az fs-0a1b2c3d4e5f60718 has no mount target in euw1-az3, where 12 container instances run'
    expect(wrapProse(prose, 40, 4, 2)).toEqual(wrapAnsi(prose, 34, {hard: true, trim: true}).split('\n').map((l, i) => `${' '.repeat(i ? 6 : 4)}${l}`))
    const wide = '文件系统 fs-0a1b2c3d4e5f60718 没有挂载目标 '.repeat(4)
    expect(wrapProse(wide, 40, 0, 0)).toEqual(wrapAnsi(wide, 40, {hard: true, trim: true}).split('\n'))
  })
})

describe('a comma list wider than the line', () => {
  it('breaks after a comma, never inside an option, and loses nothing', () => {
    const options = 'nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport'
    const text = `Use options _netdev,nofail and, for nfs4, ${options} in the fstab line.`
    for (const columns of [30, 40, 50, 60, 72]) {
      const rows = wrapPlain(text, columns).split('\n')
      expect(rows.every(r => r.length <= columns)).toBe(true)
      expect(rows.join(' ').replace(/, /g, ',')).toBe(text.replace(/, /g, ','))
      for (const opt of options.split(',')) expect(rows.some(r => r.includes(opt))).toBe(true)
    }
    // A piece still wider than the line is cut as before.
    expect(wrapPlain(`x ${'A'.repeat(30)},b`, 20).split('\n').every(r => r.length <= 20)).toBe(true)
  })
})
