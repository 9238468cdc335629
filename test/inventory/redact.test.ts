import {findSecrets, REDACTED, redactSecrets} from '../../src/core/redact.js'
import {udFixture} from '../support/user-data-fixtures.js'

const cases: [string, string, string, string][] = [
  // kind, input, secret value that must vanish, text that must remain
  ['aws-access-key-id', 'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE', 'export AWS_ACCESS_KEY_ID='],
  ['aws-access-key-id', 'aws configure set aws_access_key_id ASIAY34FZKBOKMUTVV7A', 'ASIAY34FZKBOKMUTVV7A', 'aws configure set aws_access_key_id '],
  ['aws-secret-access-key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = '],
  ['aws-secret-access-key', 'MY_SECRET="abcdefghijABCDEFGHIJabcdefghij0123456789"', 'abcdefghijABCDEFGHIJabcdefghij0123456789', 'MY_SECRET="'],
  ['password', 'mysql -u admin --password=S3cr3tPass -h db', 'S3cr3tPass', '-h db'],
  ['password', 'DB_PASSWORD: "hunter2hunter2"', 'hunter2hunter2', 'DB_PASSWORD: "'],
  ['password', 'docker login --password hunter2hunter2 registry.example.com', 'hunter2hunter2', 'registry.example.com'],
  ['token', 'curl "https://x.example.com/?token=abc123def456"', 'abc123def456', 'https://x.example.com/?token='],
  ['github-token', 'git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/a/b', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', '@github.com/a/b'],
  ['slack-token', 'SLACK=xoxb-1234567890-abcdefghij', 'xoxb-1234567890-abcdefghij', 'SLACK='],
  ['bearer-token', 'curl -H "Authorization: Bearer eyJhbGciOi.payload.sig" https://api', 'eyJhbGciOi.payload.sig', 'https://api'],
  ['url-credentials', 'DATABASE_URL=postgres://app:pa55word@db.internal:5432/app', 'pa55word', 'postgres://app:'],
  // One line per rule that no case above reaches alone (each rule's word must be in MAY_HOLD_SECRET, src/core/redact.ts).
  ['github-token', 'TOKEN_FILE=x; echo github_pat_abcdefghijklmnopqrstuvwxyz > /root/gh', 'github_pat_abcdefghijklmnopqrstuvwxyz', '> /root/gh'],
  ['token', 'export APIKEY=abcd1234efgh', 'abcd1234efgh', 'export APIKEY='],
  ['password', 'export DB_PASS=abcd1234efgh', 'abcd1234efgh', 'export DB_PASS='],
  ['password', 'curl -sf -u admin:abcd1234efgh https://repo.example.com/x', 'abcd1234efgh', '-u admin:'],
  ['password', 'mysql -h db -uadmin -pabcd1234efgh app < /tmp/schema.sql', 'abcd1234efgh', '-h db -uadmin -p'],
  ['password', "sed -i 's/password_here/abcd1234efgh/' wp-config.php", 'abcd1234efgh', "s/password_here/"],
  // Docker registry auth (base64 of user:password) in the ECS agent's config, quoted plainly and escaped in a shell string.
  ['password', 'ECS_ENGINE_AUTH_DATA={"https://index.docker.io/v1/":{"auth":"dXNlcjpodW50ZXIy","email":"a@b.c"}}', 'dXNlcjpodW50ZXIy', '"auth":"'],
  ['password', 'echo "ECS_ENGINE_AUTH_DATA={\\"registry\\":{\\"auth\\":\\"dXNlcjpodW50ZXIy\\"}}" >> /etc/ecs/ecs.config', 'dXNlcjpodW50ZXIy', '>> /etc/ecs/ecs.config'],
]

describe('redactSecrets', () => {
  it.each(cases)('masks %s values only', (kind, input, secret, kept) => {
    const out = redactSecrets(input)
    expect(out).not.toContain(secret)
    expect(out).toContain(REDACTED)
    expect(out).toContain(kept)
    expect(findSecrets(input).map(h => h.kind)).toContain(kind)
  })

  it('masks private key bodies line by line, keeping the line count and markers', () => {
    const text = 'cat > /root/.ssh/id_rsa <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1\nabcDEF==\n-----END RSA PRIVATE KEY-----\nEOF\nmount -a'
    const out = redactSecrets(text)
    expect(out.split('\n')).toHaveLength(text.split('\n').length)
    expect(out).not.toMatch(/MIIEpAIBAAKCAQEA1|abcDEF/)
    expect(out).toContain('-----BEGIN RSA PRIVATE KEY-----')
    expect(out.split('\n')[6]).toBe('mount -a')
    expect(findSecrets(text)).toEqual([{line: 2, kind: 'private-key'}])
  })

  it('keeps line numbers of a whole script and finds each kind on its line', () => {
    const text = udFixture('fault-secrets.sh')
    const out = redactSecrets(text)
    expect(out.split('\n')).toHaveLength(text.split('\n').length)
    expect(out).not.toMatch(/AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI|hunter2hunter2|eyJhbGciOiJIUzI1NiJ9|ghp_abcdef/)
    const hits = findSecrets(text)
    expect(hits).toEqual(expect.arrayContaining([
      {line: 2, kind: 'aws-access-key-id'}, {line: 3, kind: 'aws-secret-access-key'}, {line: 5, kind: 'password'},
      {line: 6, kind: 'bearer-token'}, {line: 7, kind: 'github-token'}]))
  })

  it('still finds (but does not re-mask) secrets in already-redacted text', () => {
    const once = redactSecrets(udFixture('fault-secrets.sh'))
    expect(redactSecrets(once)).toBe(once)
    expect(findSecrets(once).map(h => h.line)).toEqual(expect.arrayContaining([2, 3, 5, 6, 7]))
  })

  it('leaves normal EFS/ECS UserData untouched', () => {
    for (const name of ['seed-fnsub.sh', 'al2-ecs-efs-utils.sh', 'al2023-dnf.sh', 'cloud-config-mounts.yaml', 'cloud-config-runcmd.yaml', 'mime-boothook.txt']) {
      const text = udFixture(name)
      expect(redactSecrets(text)).toBe(text)
      expect(findSecrets(text)).toEqual([])
    }
    const imds = 'TOKEN=$(curl -sX PUT "http://169.254.169.254/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600")\n' +
      'curl -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/placement/region\n' +
      'DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text)\n' +
      'SECRET_ARN=arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db\n'
    expect(redactSecrets(imds)).toBe(imds)
  })
})
