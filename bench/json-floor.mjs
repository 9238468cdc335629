// The floor under `check --from` the 1,000-instance snapshot `--output json`: a bare script that parses the
// snapshot, builds as many findings as that run reports (18 per instance, each with a resource, a message, evidence,
// a key and a sha256 fingerprint) and writes them as indented JSON, as the JSON report is written. No check runs.
// Usage: gunzip -c bench/fixtures/cluster-1000.v1.json.gz > /tmp/big.json
//        node bench/json-floor.mjs /tmp/big.json > /dev/null   (time it against `node -e 0`)
import {readFileSync, writeSync} from 'node:fs'
import * as crypto from 'node:crypto'

const snapshot = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const findings = []
for (let c = 0; c < 18; c++) {
  for (const id of Object.keys(snapshot.instances)) {
    const f = {status: 'pass', resource: {type: 'ecs-container-instance', id, arn: `arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/${id}`},
      message: `Container instance ${id} is ACTIVE with the agent connected; check ${c} holds for it on every path we looked at.`,
      evidence: {status: 'ACTIVE', agentConnected: true, path: '/mnt/efs', ip: '10.0.1.5', c}, key: {ip: '10.0.1.5'},
      checkId: `host/check-number-${c}`, title: 'Container instances are ACTIVE with the ECS agent connected', severity: 'error'}
    f.fingerprint = crypto.hash('sha256', `v2\0${f.checkId}\0${f.resource.type}\0${id}\0ip\0${f.key.ip}`, 'hex')
    findings.push(f)
  }
}
let out = ''
for (let i = 0; i < findings.length; i += 8) {
  out += JSON.stringify(findings.slice(i, i + 8), null, 2)
  if (out.length > 65_536) {
    writeSync(1, out)
    out = ''
  }
}
writeSync(1, out)
