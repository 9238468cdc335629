/**
 * Run as its own Node process (`node --import tsx test/support/usage-fresh-process.ts collect|v1 FILE`) by
 * test/inventory/parser-loaded-first.test.ts: jest's setup loads the shell parser for every test file, which would
 * hide a code path that parses UserData before anything loaded it. Prints the scope's `usedBy` as JSON.
 */
import {AutoScalingClient} from '@aws-sdk/client-auto-scaling'
import {ECSClient} from '@aws-sdk/client-ecs'
import {EC2Client} from '@aws-sdk/client-ec2'
import {EFSClient} from '@aws-sdk/client-efs'
import {mockClient} from 'aws-sdk-client-mock'
import {shellParserLoaded} from '../../src/core/shell-parser.js'
import {collectSnapshot} from '../../src/inventory/collect.js'
import {loadSnapshot} from '../../src/inventory/load-snapshot.js'
import {installFakeCluster, REGION} from '../inventory/fake-cluster.js'

const loadedAtStart = shellParserLoaded()
let snapshot
if (process.argv[2] === 'collect') {
  installFakeCluster({ecs: mockClient(ECSClient), ec2: mockClient(EC2Client), efs: mockClient(EFSClient), asg: mockClient(AutoScalingClient)}, 2)
  snapshot = await collectSnapshot({ecs: new ECSClient({region: REGION}), ec2: new EC2Client({region: REGION}),
    efs: new EFSClient({region: REGION}), autoScaling: new AutoScalingClient({region: REGION})}, {cluster: 'prod', region: REGION})
} else {
  snapshot = await loadSnapshot(process.argv[3])
}
console.log(JSON.stringify({loadedAtStart, fileSystems: snapshot.scope.fileSystems.map(f => ({id: f.id, usedBy: f.usedBy}))}))
