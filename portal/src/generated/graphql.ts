/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type RepatriationStatus =
  | 'ARRIVED'
  | 'CANCELLED'
  | 'DEPARTED'
  | 'DOCUMENTS_PENDING'
  | 'READY'
  | 'REQUESTED'
  | 'TRAVEL_BOOKED';

/** A travel document issued to a confirmed national. */
export type TravelDocumentInput = {
  /** YYYY-MM-DD, after issuedOn */
  expiresOn: string;
  /** YYYY-MM-DD */
  issuedOn: string;
  kind: TravelDocumentKind;
  /** The document number as printed: capitals, digits and dashes. */
  number: string;
};

export type TravelDocumentKind =
  | 'EMERGENCY_TRAVEL_CERTIFICATE'
  | 'PASSPORT';

export type TravelDocumentStatus =
  | 'REVOKED'
  | 'VALID';

export type VerificationDecision =
  | 'CONFIRMED'
  | 'REJECTED';

/** An embassy's answer to a verification request. */
export type VerificationDecisionInput = {
  decision: VerificationDecision;
  /** Required when rejecting: why (no personal detail needed). */
  reason?: string | null | undefined;
};

export type VerificationStatus =
  | 'CONFIRMED'
  | 'REJECTED'
  | 'REQUESTED';

export type PortalDecideVerificationMutationVariables = Exact<{
  id: string | number;
  decision: VerificationDecisionInput;
}>;


export type PortalDecideVerificationMutation = { decideNationalityVerification: { id: string, status: VerificationStatus, decidedAt: string | null } };

export type PortalIssueTravelDocumentMutationVariables = Exact<{
  victimId: string | number;
  document: TravelDocumentInput;
}>;


export type PortalIssueTravelDocumentMutation = { issueTravelDocument: { id: string, kind: TravelDocumentKind, number: string | null, expiresOn: string, status: TravelDocumentStatus } };

export type PortalConfirmArrivalMutationVariables = Exact<{
  id: string | number;
}>;


export type PortalConfirmArrivalMutation = { changeRepatriationStatus: { id: string, status: RepatriationStatus, updatedAt: string } };

export type PortalNationalsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  caseNumber?: string | null | undefined;
}>;


export type PortalNationalsQuery = { nationals: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, caseNumber: string, legalName: string | null, currentPlacement: { placedAt: string, shelter: { name: string, town: string } } | null, nationalityVerification: { id: string, status: VerificationStatus, requestedAt: string, decidedAt: string | null } | null, travelDocuments: Array<{ id: string, kind: TravelDocumentKind, number: string | null, expiresOn: string, status: TravelDocumentStatus }> | null, repatriation: { id: string, status: RepatriationStatus, updatedAt: string } | null } }> } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const PortalDecideVerificationDocument = {"__meta__":{"hash":"sha256:7d5e2e8bb59136f3e08bee8839b3cbc2116879675b9ee17d3625a228c1f12f70"}} as unknown as TypedDocumentString<PortalDecideVerificationMutation, PortalDecideVerificationMutationVariables>;
export const PortalIssueTravelDocumentDocument = {"__meta__":{"hash":"sha256:d3b9878e2615eb60d10c626ef26a7b04545f0261002d16fbb5a3004f1a54ec1c"}} as unknown as TypedDocumentString<PortalIssueTravelDocumentMutation, PortalIssueTravelDocumentMutationVariables>;
export const PortalConfirmArrivalDocument = {"__meta__":{"hash":"sha256:ab4c61994fa3503a3e4ab40ee52a697e3b2e38cbbe2572c559690e44c419aefe"}} as unknown as TypedDocumentString<PortalConfirmArrivalMutation, PortalConfirmArrivalMutationVariables>;
export const PortalNationalsDocument = {"__meta__":{"hash":"sha256:7a917988825d3d53486626e589468e3f3d5a54b90e768a1c48b88e3204960a7f"}} as unknown as TypedDocumentString<PortalNationalsQuery, PortalNationalsQueryVariables>;