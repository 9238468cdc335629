// The parts of @aws-sdk/client-efs efsdoctor uses, named one by one so the bundle (scripts/bundle.mjs) keeps only these.
export {EFSClient, DescribeAccessPointsCommand, DescribeFileSystemPolicyCommand, DescribeFileSystemsCommand, DescribeMountTargetsCommand} from '@aws-sdk/client-efs'
