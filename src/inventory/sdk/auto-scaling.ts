// The parts of @aws-sdk/client-auto-scaling efsdoctor uses, named one by one so the bundle (scripts/bundle.mjs) keeps only these.
export {AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeLaunchConfigurationsCommand} from '@aws-sdk/client-auto-scaling'
