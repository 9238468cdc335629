/**
 * Scores today's code on the real-world UserData corpus (test/fixtures/userdata-corpus):
 *   node --import tsx scripts/userdata-corpus.ts [--verbose]
 * Prints `userdata corpus: N cases, C correct, F false-fail, M missed, U unknown`, the pair count, and one line per
 * wrong verdict. Exit code 0 always: this is a measurement; the gate is test/corpus/userdata-corpus.test.ts.
 */
import {loadShellParser} from '../src/core/shell-parser.js'
import {mismatchLines, scoreCorpus, summaryLine} from '../test/support/userdata-corpus.js'

await loadShellParser()

const score = scoreCorpus()
console.log(summaryLine(score))
console.log(`pairs: ${score.pairs} (document, check), ${score.correctPairs} correct (${(100 * score.correctPairs / Math.max(1, score.pairs)).toFixed(1)}%)`)
for (const line of mismatchLines(score)) console.log(`  ${line}`)
if (process.argv.includes('--verbose')) {
  for (const r of score.results) for (const p of r.pairs) console.log(`${r.id}\t${p.check}\t${p.expected}\t${p.actual}\t${p.why}`)
}
