/**
 * Every IAM action the inventory can call. Issue 6 derives the least-privilege policy from this list, and a test
 * fails when the collector calls an operation that is not listed here.
 */
export const INVENTORY_ACTIONS: readonly string[] = [
  'ecs:DescribeClusters',
  'ecs:ListContainerInstances',
  'ecs:DescribeContainerInstances',
  'ecs:ListServices',
  'ecs:DescribeServices',
  'ecs:ListTasks',
  'ecs:DescribeTasks',
  'ecs:DescribeTaskDefinition',
  'ec2:DescribeInstances',
  'ec2:DescribeInstanceAttribute',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeVpcs',
  'ec2:DescribeVpcAttribute',
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:DescribeImages',
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeLaunchConfigurations',
  'elasticfilesystem:DescribeFileSystems',
  'elasticfilesystem:DescribeMountTargets',
  'elasticfilesystem:DescribeFileSystemPolicy',
  'elasticfilesystem:DescribeAccessPoints',
]
