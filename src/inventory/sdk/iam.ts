// The parts of @aws-sdk/client-iam efsdoctor uses, named one by one so the bundle (scripts/bundle.mjs) keeps only these.
export {IAMClient, GetRoleCommand, SimulatePrincipalPolicyCommand} from '@aws-sdk/client-iam'
