/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation PortalDecideVerification($id: ID!, $decision: VerificationDecisionInput!) {\n  decideNationalityVerification(id: $id, decision: $decision) {\n    id\n    status\n    decidedAt\n  }\n}\n\nmutation PortalIssueTravelDocument($victimId: ID!, $document: TravelDocumentInput!) {\n  issueTravelDocument(victimId: $victimId, document: $document) {\n    id\n    kind\n    number\n    expiresOn\n    status\n  }\n}\n\nmutation PortalConfirmArrival($id: ID!) {\n  changeRepatriationStatus(id: $id, to: ARRIVED) {\n    id\n    status\n    updatedAt\n  }\n}": typeof types.PortalDecideVerificationDocument,
    "query PortalNationals($first: Int!, $after: String, $caseNumber: String) {\n  nationals(first: $first, after: $after, caseNumber: $caseNumber) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        caseNumber\n        legalName\n        currentPlacement {\n          placedAt\n          shelter {\n            name\n            town\n          }\n        }\n        nationalityVerification {\n          id\n          status\n          requestedAt\n          decidedAt\n        }\n        travelDocuments {\n          id\n          kind\n          number\n          expiresOn\n          status\n        }\n        repatriation {\n          id\n          status\n          updatedAt\n        }\n      }\n    }\n  }\n}": typeof types.PortalNationalsDocument,
};
const documents: Documents = {
    "mutation PortalDecideVerification($id: ID!, $decision: VerificationDecisionInput!) {\n  decideNationalityVerification(id: $id, decision: $decision) {\n    id\n    status\n    decidedAt\n  }\n}\n\nmutation PortalIssueTravelDocument($victimId: ID!, $document: TravelDocumentInput!) {\n  issueTravelDocument(victimId: $victimId, document: $document) {\n    id\n    kind\n    number\n    expiresOn\n    status\n  }\n}\n\nmutation PortalConfirmArrival($id: ID!) {\n  changeRepatriationStatus(id: $id, to: ARRIVED) {\n    id\n    status\n    updatedAt\n  }\n}": types.PortalDecideVerificationDocument,
    "query PortalNationals($first: Int!, $after: String, $caseNumber: String) {\n  nationals(first: $first, after: $after, caseNumber: $caseNumber) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        caseNumber\n        legalName\n        currentPlacement {\n          placedAt\n          shelter {\n            name\n            town\n          }\n        }\n        nationalityVerification {\n          id\n          status\n          requestedAt\n          decidedAt\n        }\n        travelDocuments {\n          id\n          kind\n          number\n          expiresOn\n          status\n        }\n        repatriation {\n          id\n          status\n          updatedAt\n        }\n      }\n    }\n  }\n}": types.PortalNationalsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PortalDecideVerification($id: ID!, $decision: VerificationDecisionInput!) {\n  decideNationalityVerification(id: $id, decision: $decision) {\n    id\n    status\n    decidedAt\n  }\n}\n\nmutation PortalIssueTravelDocument($victimId: ID!, $document: TravelDocumentInput!) {\n  issueTravelDocument(victimId: $victimId, document: $document) {\n    id\n    kind\n    number\n    expiresOn\n    status\n  }\n}\n\nmutation PortalConfirmArrival($id: ID!) {\n  changeRepatriationStatus(id: $id, to: ARRIVED) {\n    id\n    status\n    updatedAt\n  }\n}"): typeof import('./graphql').PortalDecideVerificationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PortalNationals($first: Int!, $after: String, $caseNumber: String) {\n  nationals(first: $first, after: $after, caseNumber: $caseNumber) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        caseNumber\n        legalName\n        currentPlacement {\n          placedAt\n          shelter {\n            name\n            town\n          }\n        }\n        nationalityVerification {\n          id\n          status\n          requestedAt\n          decidedAt\n        }\n        travelDocuments {\n          id\n          kind\n          number\n          expiresOn\n          status\n        }\n        repatriation {\n          id\n          status\n          updatedAt\n        }\n      }\n    }\n  }\n}"): typeof import('./graphql').PortalNationalsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
