// The parts of @aws-sdk/client-ssm efsdoctor uses, named one by one so the bundle (scripts/bundle.mjs) keeps only these.
export {SSMClient, DescribeInstanceInformationCommand, GetCommandInvocationCommand, ListCommandInvocationsCommand, SendCommandCommand} from '@aws-sdk/client-ssm'
