// The shapes of the response bodies that conformance.mjs captures from fake-graph, built on
// Microsoft's own type definitions (@microsoft/microsoft-graph-types). conformance.mjs writes
// check.ts, which assigns each captured body, inlined as a literal, to one of these types;
// run.sh compiles it with `tsc --strict`, so a property the fake sends that Graph's types do
// not know (excess property), a wrong type, or a missing required envelope field fails.
//
// The OData envelope (@odata.context, @odata.nextLink, @odata.deltaLink, @removed), the
// error body and the $batch response are not part of microsoft-graph-types: they are
// written here from Microsoft Graph's documentation (concepts/errors.md, json-batching.md,
// delta-query-overview.md in microsoftgraph/microsoft-graph-docs-contrib).
export type {
  AssignedLicense,
  Contract,
  LicenseAssignmentState,
  SubscribedSku,
  User,
} from "@microsoft/microsoft-graph-types";

/** A single entity as Graph returns it: the resource plus its context URL and, for
 *  directory objects read through a base type (deletedItems), its type annotation. */
export type Entity<T> = T & { "@odata.context"?: string; "@odata.type"?: string };

/** One page of a collection; the last page of a delta round carries the delta link. */
export interface Collection<T> {
  "@odata.context": string;
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
  value: T[];
}

/** An item of a delta page: the changed object, or its id and why it left. */
export type DeltaItem<T> = T & { "@odata.type"?: string; "@removed"?: { reason: "changed" | "deleted" } };

/** Graph's error body (concepts/errors.md; innerError as the directory sends it). */
export interface ODataError {
  error: {
    code: string;
    message: string;
    target?: string;
    details?: { code: string; message?: string; target?: string }[];
    innerError?: {
      code?: string;
      date: string;
      "request-id": string;
      "client-request-id"?: string;
    };
  };
}

/** One item of a $batch response (json-batching.md). */
export interface BatchResponseItem<T> {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: T;
}
