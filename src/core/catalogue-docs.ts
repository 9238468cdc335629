/** Renders docs/checks.md from the check catalogue (npm run docs); a test fails when the file is stale. */
import type {Check} from './types.js'

const AREA_TITLES: Record<string, string> = {
  efs: 'EFS file system and mount targets',
  network: 'Network path (security groups, NACLs, DNS)',
  ecs: 'ECS cluster and task definitions',
  userdata: 'UserData (how hosts mount EFS at boot)',
  host: 'On the host (SSM probe)',
}

export function renderChecksMarkdown(checks: readonly Check[]): string {
  const out = [
    '# Checks',
    '',
    '<!-- Generated from src/checks/index.ts by `npm run docs`. Do not edit by hand. -->',
    '',
    'Every check reports one finding per resource with a status: `pass`, `fail` (always with a fix), `unknown`',
    '(efsdoctor could not look — a denied or failed API call, or a host it could not probe; never counted as a pass)',
    'or `skipped` (not applicable, or data not collected, e.g. `--no-probe` or a template that cannot answer it).',
    'Check ids are a stable public contract: use them with `--only`, `--skip` and in `.efsdoctor.yml`.',
    '',
    '| id | severity | title |',
    '|---|---|---|',
    ...checks.map(c => `| [\`${c.id}\`](#${c.id.replace(/[^a-z0-9-]/g, '')}) | ${c.severity} | ${c.title} |`),
    '',
  ]
  const areas = [...new Set(checks.map(c => c.id.split('/')[0]))]
  for (const area of areas) {
    out.push(`## ${AREA_TITLES[area] ?? area}`, '')
    for (const c of checks.filter(ch => ch.id.startsWith(`${area}/`))) {
      out.push(`### ${c.id}`, '', `**${c.title}** — severity \`${c.severity}\``, '',
        `- **Why:** ${c.description}`, `- **Fix:** ${c.remediation}`,
        `- **Reads:** ${c.needs.length ? c.needs.map(n => `\`${n}\``).join(', ') : 'nothing beyond the scope'}`,
        `- **Docs:** ${c.docsUrl}`, '')
    }
  }
  return out.join('\n')
}
