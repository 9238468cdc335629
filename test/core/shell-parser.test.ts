import {parseShell, shellParserLoaded} from '../../src/core/shell-parser.js'

describe('shell parser', () => {
  it('is loaded by the test setup and parses bash', () => {
    expect(shellParserLoaded()).toBe(true)
    const t = parseShell('echo a | tee -a /etc/fstab\n')!
    expect(t.root.child(0)!.type).toBe('pipeline')
    t.done()
  })
})
