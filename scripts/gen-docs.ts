// Regenerates docs/checks.md from the catalogue: npm run docs
import {writeFileSync} from 'node:fs'
import {allChecks} from '../src/checks/index.js'
import {renderChecksMarkdown} from '../src/core/catalogue-docs.js'
import {TEMPLATE_PARTS} from '../src/model/snapshot.js'

writeFileSync('docs/checks.md', renderChecksMarkdown(allChecks, TEMPLATE_PARTS))
console.log(`docs/checks.md: ${allChecks.length} checks`)
