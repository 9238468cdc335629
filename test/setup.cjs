// Plain console (jest's buffered console breaks @oclif/test capture) and a fake, offline AWS environment.
const {Console} = require('node:console')
globalThis.console = new Console({stdout: process.stdout, stderr: process.stderr, colorMode: false})
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
process.env.AWS_EC2_METADATA_DISABLED = 'true'
process.env.AWS_ACCESS_KEY_ID = 'AKIATESTFAKEKEY00000'
process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret-for-tests'
process.env.AWS_REGION = 'eu-west-1'
delete process.env.AWS_PROFILE
delete process.env.AWS_ENDPOINT_URL
process.env.NO_COLOR = '1'
process.env.OCLIF_SKIP_NEW_VERSION_CHECK = 'true'
