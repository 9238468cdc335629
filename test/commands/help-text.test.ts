/**
 * Help text is written as paragraphs, so oclif wraps it at the terminal's width (a hard-wrapped source line breaks
 * raggedly at 80 columns and whenever help is piped), and every command shows at least one example.
 */
import {readdirSync} from 'node:fs'

const names = readdirSync('src/commands').filter(f => f.endsWith('.ts')).map(f => f.replace(/\.ts$/, ''))

describe.each(names)('efsdoctor %s --help', (name) => {
  it('has paragraphs without hard line breaks, and at least one example', async () => {
    const cmd = (await import(`../../src/commands/${name}.js`)).default as {description?: string; summary?: string; examples?: string[]}
    expect(cmd.summary ?? cmd.description).toBeTruthy()
    // A single newline is allowed only before a list item or an indented line; paragraphs are separated by blank lines.
    const hardWraps = (cmd.description ?? '').split('\n\n').flatMap(p => p.split('\n').slice(1)).filter(l => !/^\s*([-*•]|\d+\.|\$|\s\s)/.test(l))
    expect(hardWraps).toEqual([])
    expect(cmd.examples?.length ?? 0).toBeGreaterThan(0)
  })
})
