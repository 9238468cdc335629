/**
 * Item 8 and the redactor's properties: a private key is masked from BEGIN to END only, a BEGIN without END never
 * eats the lines after the key (a probe's END marker among them), and the line count never changes.
 */
import fc from 'fast-check'
import {findSecrets, redactSecrets, REDACTED} from '../../src/core/redact.js'
import {parseProbe} from '../../src/remote/parse-probe.js'
import {bounded} from './bounded.js'

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const body = (n: number, seed = 7) => Array.from({length: n}, (_, i) => B64[(i * seed + 3) % 64]).join('')
const KEY = ['-----BEGIN RSA PRIVATE KEY-----', body(64), body(64, 11), `${body(10, 13)}==`, '-----END RSA PRIVATE KEY-----']

describe('item 8: a private key in a host log', () => {
  it('a BEGIN line without END in cloud-init-output.log leaves the host readable', async () => {
    const out = [
      'EFSD\t1\t3', 'OS\tamzn\t2023\tAmazon Linux', `LOG\tcloud-init-output\t${KEY[0]}`,
      `LOG\tcloud-init-output\t${KEY[1]}`, 'MOUNT\t/mnt/efs\t127.0.0.1:/\tnfs4\trw,relatime', 'END\t200',
    ].join('\n')
    const p = await bounded(() => parseProbe(out))
    if (!p.ok) throw new Error(p.error)
    expect(p.facts.complete).toBe(true)
    expect(p.facts.mounts.map(m => m.target)).toEqual(['/mnt/efs'])
    expect(JSON.stringify(p.facts)).not.toContain(KEY[1])
    expect(p.facts.logs.map(l => l.line)).toEqual([KEY[0], REDACTED])
  })

  it('a key with its END is masked between the markers, and nothing after it', () => {
    const text = ['#!/bin/bash', 'cat > /root/key <<EOF', ...KEY, 'EOF', 'mount -a', 'echo done'].join('\n')
    const out = redactSecrets(text).split('\n')
    expect(out).toEqual(['#!/bin/bash', 'cat > /root/key <<EOF', KEY[0], REDACTED, REDACTED, REDACTED, KEY[4], 'EOF', 'mount -a', 'echo done'])
    expect(findSecrets(text)).toEqual([{line: 3, kind: 'private-key'}])
  })
})

/** Lines a probe or a script may hold around a key, in any order. */
const noise = fc.oneof(
  fc.constantFrom('EFSD\t1\t3', 'END\t1234', 'END\t7', 'TRUNCATED\tLOG\t3', 'mount -a', 'echo ok', '', '  ', 'AB==', 'Zm9v',
    'Proc-Type: 4,ENCRYPTED', KEY[0], KEY[4], `LOG\tcloud-init-output\t${KEY[0]}`, `LOG\tefs-mount\t${body(64)}`),
  fc.string({maxLength: 40}).filter(s => !s.includes('\n')),
)
const MARKER = /^(?:EFSD\t\d+\t\d+|END\t\d+|TRUNCATED\t.*)$/

describe('the redactor, as properties', () => {
  it('never changes the line count and never touches a probe marker line', () => {
    fc.assert(fc.property(fc.array(noise, {minLength: 1, maxLength: 30}), lines => {
      const out = redactSecrets(lines.join('\n')).split('\n')
      return out.length === lines.length && lines.every((l, i) => !MARKER.test(l) || out[i] === l)
    }), {numRuns: 2000})
  })

  it('masks every line of a key between BEGIN and END, wherever it sits, and is idempotent', () => {
    const key = fc.tuple(fc.integer({min: 1, max: 12}), fc.integer({min: 1, max: 64}), fc.constantFrom('', '  ', 'LOG\tcloud-init-output\t'))
    fc.assert(fc.property(fc.array(noise, {maxLength: 8}), key, fc.array(noise, {maxLength: 8}), (before, [n, last, prefix], after) => {
      const block = [KEY[0], ...Array.from({length: n - 1}, (_, i) => body(64, 2 * i + 1)), body(last, 5), KEY[4]].map(l => prefix + l)
      const lines = [...before, ...block, ...after]
      const out = redactSecrets(lines.join('\n'))
      const masked = out.split('\n').slice(before.length + 1, before.length + block.length - 1)
      return masked.every(l => l === prefix + REDACTED) && redactSecrets(out) === out
    }), {numRuns: 1000})
  })
})

describe('item 7: more secret patterns, and none in ordinary scripts', () => {
  it.each([
    ['DB_PASS=hunter2secret', 'DB_PASS=***REDACTED***'],
    ['export MYSQL_ROOT_PASSPHRASE="c0rrect-horse"', 'export MYSQL_ROOT_PASSPHRASE="***REDACTED***"'],
    ['APP_SECRET_KEY=s3cr3tv4lue', 'APP_SECRET_KEY=***REDACTED***'],
    ['GITLAB_RUNNER_TOKEN=glrt-abcdef123456', 'GITLAB_RUNNER_TOKEN=***REDACTED***'],
    ['curl -fsS -u admin:s3cretpw https://repo.example/pkg', 'curl -fsS -u admin:***REDACTED*** https://repo.example/pkg'],
    ['curl --user=admin:s3cretpw https://repo.example/pkg', 'curl --user=admin:***REDACTED*** https://repo.example/pkg'],
    ['mysql -h db -uroot -ps3cretpw app < schema.sql', 'mysql -h db -uroot -p***REDACTED*** app < schema.sql'],
    ['git clone https://deploy:tok3nvalue@git.example/app.git', 'git clone https://deploy:***REDACTED***@git.example/app.git'],
  ])('%s', (line, redacted) => {
    expect(redactSecrets(line)).toBe(redacted)
    expect(findSecrets(line)).toHaveLength(1)
  })

  it('ordinary UserData lines are not secrets', () => {
    const script = [
      '#!/bin/bash',
      'echo ECS_ENGINE_AUTH_TYPE=dockercfg >> /etc/ecs/ecs.config',
      'TOKEN=$(curl -X PUT "http://169.254.169.254/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600")',
      'REGION=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/placement/region)',
      'aws ssm get-parameter --name /app/db --with-decryption --token-ttl 60',
      'docker run -u 1000:1000 -e DB_PASSWORD_FILE=/run/secrets/db app',
      'export MYSQL_PASSWORD_FILE=/run/secrets/mysql GIT_PASSTHROUGH=true',
      'mysql -P 3306 -p app',
      'mkdir -p /mnt/efs && mount -t efs -o tls fs-0123456789abcdef0:/ /mnt/efs',
      'curl -u "$REPO_USER:$REPO_PASS" https://repo.example/pkg',
      'export AWS_METADATA_TOKEN_TTL=21600 DB_SECRET_NAME=prod/db APP_SECRET_ID=app-db ECS_TOKEN_TYPE=bearer',
    ].join('\n')
    expect(findSecrets(script)).toEqual([])
    expect(redactSecrets(script)).toBe(script)
  })
})
