import {dependencyFile, GRAMMAR_WASM, parseShell, preloadShellParserFor, shellParserLoaded} from '../../src/core/shell-parser.js'

describe('shell parser', () => {
  it('is loaded by the test setup and parses bash', () => {
    expect(shellParserLoaded()).toBe(true)
    const t = parseShell('echo a | tee -a /etc/fstab\n')!
    expect(t.root.child(0)!.type).toBe('pipeline')
    t.done()
  })
})

describe('preloadShellParserFor', () => {
  // It reads parsed JSON before validation: any shape must be safe (the load itself is covered by parser-lazy.test.ts).
  it.each([
    null, undefined, 7, 'x', [], {}, {userData: 'x'}, {userData: {text: 'mount'}}, {userData: [null, 5, 'x', {text: 7}, {}]},
    Object.create(null),
  ])('does not throw on %p', data => {
    expect(() => preloadShellParserFor(data)).not.toThrow()
  })
})

describe('the grammar files', () => {
  it('are found in node_modules; a missing one is named, with what to do, in one line', () => {
    for (const id of Object.values(GRAMMAR_WASM)) expect(dependencyFile(id)).toMatch(/node_modules\/.+\.wasm$/)
    expect(() => dependencyFile('web-tree-sitter-gone/web-tree-sitter.wasm'))
      .toThrow(new Error('the bash grammar cannot load: web-tree-sitter-gone/web-tree-sitter.wasm is not installed (reinstall efsdoctor)'))
  })
})
