/** Renders docs/checks.md from the check catalogue (npm run docs); a test fails when the file is stale. */
import type {SnapshotPart} from '../model/snapshot.js'
import type {Check} from './types.js'

const AREA_TITLES: Record<string, string> = {
  efs: 'EFS file system and mount targets',
  network: 'Network path (security groups, NACLs, DNS)',
  ecs: 'ECS cluster and task definitions',
  userdata: 'UserData (how hosts mount EFS at boot)',
  host: 'On the host (SSM probe)',
}

/** Whether `lint` can evaluate a check: every part it needs on a template is one a template fills. */
export function runsOnTemplates(c: Check, templateParts: readonly SnapshotPart[]): boolean {
  return (c.templateNeeds ?? c.needs).every(p => templateParts.includes(p))
}

export function renderChecksMarkdown(checks: readonly Check[], templateParts: readonly SnapshotPart[]): string {
  const out = [
    '# Checks',
    '',
    '<!-- Generated from src/checks/index.ts by `npm run docs`. Do not edit by hand. -->',
    '',
    'Every check reports one finding per resource with a status: `pass`, `fail` (always with a fix), `unknown`',
    '(efsdoctor could not look — a denied or failed API call, or a host it could not probe; never counted as a pass)',
    'or `skipped` (not applicable, or data not collected, e.g. `--no-probe` or a template that cannot answer it).',
    'Check ids are a stable public contract: use them with `--only`, `--skip` (an area prefix such as `network/`',
    'selects the area), in `.efsdoctor.yml` to ignore an accepted finding (it stays in the report, marked, and no longer',
    'fails the run), and as the SARIF `ruleId` and JUnit `classname` (see [report.md](report.md)).',
    '',
    'The **lint** column says whether `efsdoctor lint TEMPLATE` evaluates the check from a CloudFormation template;',
    'the others need live state (lifecycle states, container instances, host probes) and are `skipped` by lint, never',
    '`pass`. **host** checks need the SSM probe (`check` without `--no-probe`).',
    '',
    '| id | severity | lint | title |',
    '|---|---|---|---|',
    ...checks.map(c => `| [\`${c.id}\`](#${c.id.replace(/[^a-z0-9-]/g, '')}) | ${c.severity} | ${runsOnTemplates(c, templateParts) ? 'yes' : '–'} | ${c.title} |`),
    '',
  ]
  const areas = [...new Set(checks.map(c => c.id.split('/')[0]))]
  for (const area of areas) {
    out.push(`## ${AREA_TITLES[area] ?? area}`, '')
    for (const c of checks.filter(ch => ch.id.startsWith(`${area}/`))) {
      out.push(`### ${c.id}`, '', `**${c.title}** — severity \`${c.severity}\``, '',
        `- **Why:** ${c.description}`, `- **Fix:** ${c.remediation}`,
        ...(c.policy?.length ? ['- **Policy:**', ...c.policy.map(x => `  - ${x.rule} (Source: ${x.source}.)`)] : []),
        `- **Reads:** ${c.needs.length ? c.needs.map(n => `\`${n}\``).join(', ') : 'nothing beyond the scope'}`,
        `- **In lint:** ${runsOnTemplates(c, templateParts) ? 'yes' : 'no (needs live state)'}`,
        `- **Docs:** ${c.docsUrl}`, '')
    }
  }
  return out.join('\n')
}
