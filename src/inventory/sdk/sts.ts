// The parts of @aws-sdk/client-sts efsdoctor uses, named one by one so the bundle (scripts/bundle.mjs) keeps only these.
export {STSClient, GetCallerIdentityCommand} from '@aws-sdk/client-sts'
