/**
 * Points lint findings at the template: resource ids are logical ids, so a finding without a location gets the
 * resource's line; a UserData finding's script line is moved to the template line where that script line sits, or,
 * for a step cfn-init runs, to the Init config that declares it.
 */
import type {Finding, Report} from '../core/types.js'
import type {Snapshot} from '../model/snapshot.js'
import type {CfnInitConfig} from '../checks/_lib/user-data.js'

const logicalIdOf = (id: string): string => id.replace(/^\$\{([^}.]+)\}$/, '$1')

export function locateFindings(report: Report, snapshot: Snapshot, file: string): Report {
  const lines = snapshot.template?.resourceLines ?? {}
  const scripts = new Map((snapshot.userData ?? []).map(u => [u.id, u]))
  const locate = (f: Finding): Finding => {
    const script = f.resource.type === 'user-data' ? scripts.get(f.resource.id) : undefined
    if (script?.location?.line !== undefined) {
      // NOTE: userdata/* checks give the line in the decoded script (user-data-check.ts udLocation); map it once.
      const scriptLine = f.location?.line
      // NOTE: a step cfn-init runs (user-data-check.ts at) is written in its resource's Init metadata: point there.
      const init = f.evidence?.cfnInit as CfnInitConfig | undefined
      const initLine = init && script.cfnInit?.find(c => c.resource === init.resource)?.lines?.[init.config]
      const map = snapshot.template?.userDataLines?.[script.id]
      const line = initLine || (scriptLine === undefined ? script.location.line : map?.[scriptLine - 1] ?? script.location.line + scriptLine - 1)
      return {...f, location: {file, line, logicalId: initLine ? init!.resource : script.id},
        evidence: scriptLine === undefined ? f.evidence : {...f.evidence, scriptLine}}
    }
    if (f.location?.file && f.location.line !== undefined) return f
    const candidates = [f.location?.logicalId, f.resource.id, f.resource.arn].filter((x): x is string => Boolean(x)).map(logicalIdOf)
    const logicalId = candidates.find(id => lines[id] !== undefined)
    if (logicalId) return {...f, location: {...f.location, file, line: f.location?.line ?? lines[logicalId], logicalId}}
    return {...f, location: {...f.location, file}}
  }
  return {...report, findings: report.findings.map(locate)}
}
