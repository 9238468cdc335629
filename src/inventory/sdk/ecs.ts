// The parts of @aws-sdk/client-ecs efsdoctor uses, named one by one so the bundle (scripts/bundle.mjs) keeps only these.
export {ECSClient, DescribeClustersCommand, DescribeContainerInstancesCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ListContainerInstancesCommand, ListServicesCommand, ListTasksCommand} from '@aws-sdk/client-ecs'
