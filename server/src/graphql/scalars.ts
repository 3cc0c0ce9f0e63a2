/**
 * The scalars App Services adds to GraphQL's own: `ObjectId` (a 24-digit hex string), `DateTime`
 * (an RFC 3339 UTC string) and `Long` (a signed 64-bit integer), and the conversion of stored BSON
 * numbers to GraphQL's `Int` and `Float`.
 * @packageDocumentation
 */
import { Decimal128, Double, Int32, Long, ObjectId, Timestamp } from "bson";
import type { ScalarKind } from "./model.js";
import { inspect } from "node:util";
import { GraphQLBoolean, GraphQLError, GraphQLFloat, GraphQLInt, GraphQLScalarType, GraphQLString, Kind, type ValueNode } from "graphql";

function invalid(type: string, value: unknown): GraphQLError {
  return new GraphQLError(`${type} cannot represent ${typeof value === "string" ? JSON.stringify(value) : inspect(value)}`);
}

function parseObjectId(value: unknown): ObjectId {
  if (typeof value === "string" && /^[0-9a-fA-F]{24}$/.test(value)) return ObjectId.createFromHexString(value);
  throw invalid("ObjectId", value);
}

/** `ObjectId`: a hex string in and out; an ObjectId value to resolvers. */
export const ObjectIdScalar = new GraphQLScalarType<ObjectId, string>({
  name: "ObjectId",
  description: "A MongoDB ObjectId, as its 24 hexadecimal digits",
  serialize(value) {
    if (value instanceof ObjectId) return value.toHexString();
    // an `_id` that is not an ObjectId (insertMany's insertedIds are typed ObjectId) as it is
    if (typeof value === "string") return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
    throw invalid("ObjectId", value);
  },
  parseValue: parseObjectId,
  parseLiteral(node: ValueNode) {
    if (node.kind !== Kind.STRING) throw new GraphQLError("ObjectId must be a string of 24 hexadecimal digits", { nodes: node });
    return parseObjectId(node.value);
  },
});

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function parseDate(value: unknown): Date {
  if (typeof value === "string" && RFC3339.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw invalid("DateTime", value);
}

/** `DateTime`: an RFC 3339 string in and out (UTC, with milliseconds, out); a Date to resolvers. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "An RFC 3339 date and time, e.g. 2020-09-01T15:38:14.918Z",
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    if (value instanceof Timestamp) return new Date(value.getHighBits() * 1000).toISOString();
    if (typeof value === "string") return parseDate(value).toISOString();
    throw invalid("DateTime", value);
  },
  parseValue: parseDate,
  parseLiteral(node: ValueNode) {
    if (node.kind !== Kind.STRING) throw new GraphQLError("DateTime must be an RFC 3339 string", { nodes: node });
    return parseDate(node.value);
  },
});

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function parseLong(value: unknown): Long {
  let big: bigint | undefined;
  if (typeof value === "number" && Number.isSafeInteger(value)) big = BigInt(value);
  else if (typeof value === "string" && /^-?\d{1,19}$/.test(value)) big = BigInt(value);
  if (big === undefined || big < LONG_MIN || big > LONG_MAX) throw invalid("Long", value);
  return Long.fromBigInt(big);
}

/**
 * `Long`: an integer in and out (a string when beyond 2^53, where JSON numbers lose digits); a Long
 * to resolvers.
 */
export const LongScalar = new GraphQLScalarType<Long, number | string>({
  name: "Long",
  description: "A signed 64-bit integer",
  serialize(value) {
    const big = integerOf(value);
    if (big === undefined || big < LONG_MIN || big > LONG_MAX) throw invalid("Long", value);
    const n = Number(big);
    return Number.isSafeInteger(n) ? n : big.toString();
  },
  parseValue: parseLong,
  parseLiteral(node: ValueNode) {
    if (node.kind !== Kind.INT && node.kind !== Kind.STRING) throw new GraphQLError("Long must be an integer", { nodes: node });
    // the literal's digits, not a double's (2^53 + 1 stays exact)
    return parseLong(node.value);
  },
});

function integerOf(value: unknown): bigint | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : undefined;
  if (typeof value === "bigint") return value;
  if (value instanceof Long) return value.toBigInt();
  if (value instanceof Int32) return BigInt(value.value);
  if (value instanceof Double) return Number.isInteger(value.value) ? BigInt(value.value) : undefined;
  if (value instanceof Decimal128) return /^-?\d+$/.test(value.toString()) ? BigInt(value.toString()) : undefined;
  return undefined;
}

/**
 * A stored number as a JavaScript number, for GraphQL's `Int` and `Float` (a Decimal128 or a Long
 * to the nearest double); any other value unchanged, for the scalar to accept or refuse.
 * @param value - a stored value
 */
export function plainNumber(value: unknown): unknown {
  if (value instanceof Decimal128) return Number(value.toString());
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Int32 || value instanceof Double) return value.value;
  return value;
}

/**
 * A scalar input value as the BSON value of its schema type.
 * @param value - the value (already parsed by its GraphQL scalar)
 * @param kind - the schema's type
 */
export function scalarToBson(value: unknown, kind: ScalarKind): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "double":
      return typeof value === "number" ? new Double(value) : value;
    case "decimal":
      return typeof value === "number" ? Decimal128.fromString(String(value)) : value;
    case "timestamp":
      return value instanceof Date ? new Timestamp({ t: Math.floor(value.getTime() / 1000), i: 1 }) : value;
    default:
      return value;
  }
}

/** The GraphQL scalar of a BSON type. */
export function scalarType(kind: ScalarKind): GraphQLScalarType {
  switch (kind) {
    case "objectId":
      return ObjectIdScalar;
    case "bool":
      return GraphQLBoolean;
    case "string":
      return GraphQLString;
    case "int":
      return GraphQLInt;
    case "long":
      return LongScalar;
    case "double":
    case "decimal":
    case "number":
      return GraphQLFloat;
    case "date":
    case "timestamp":
      return DateTimeScalar;
  }
}
