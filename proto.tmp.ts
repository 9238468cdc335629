import {readFileSync} from 'node:fs'
import {basename} from 'node:path'
import {allChecks} from './src/checks/index.js'
import {runChecks} from './src/core/run-checks.js'
import {loadShellParserForSnapshot} from './src/core/shell-parser.js'
import type {Snapshot} from './src/model/snapshot.js'
import {withUsedBy} from './src/checks/_lib/usage.js'

const file = process.argv[2]
const fsId = process.argv[3]
const text = readFileSync(file, 'utf8')
const id = basename(file)
const s: Snapshot = {schemaVersion: 2, collectedAt: '2026-12-04T00:00:00Z', tool: {name: 'efsdoctor', version: '0'},
  scope: {source: 'template', template: file, fileSystems: fsId ? [{id: fsId, reasons: ['named with --file-system'], named: true}] : []},
  userData: [{id, source: {type: 'template', id}, instanceIds: [], text, location: {file, line: 1, logicalId: id}}],
  template: {file, resourceLines: {}, fileSystems: [], mountTargets: [], accessPoints: [], hostSecurityGroups: {[id]: []}},
  gaps: []} as unknown as Snapshot
await loadShellParserForSnapshot(s)
const {snapshot, derived} = withUsedBy(s)
const r = runChecks(allChecks, snapshot, {derived})
for (const f of r.findings.filter(f => f.status !== 'skipped')) console.log(f.status.padEnd(7), f.checkId.padEnd(40), f.message.slice(0, 160))
