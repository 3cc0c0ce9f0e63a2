/**
 * The values of `$pop` and `$currentDate` as MongoDB parses them (pop_node.cpp,
 * current_date_node.cpp), with its messages, and in the form mingo applies: `$pop` takes any
 * number equal to 1 or -1 (an Int64 or a Decimal128 too), `$currentDate` any boolean (`false`
 * sets the date as `true` does). mingo refused those, and worded the errors its own way.
 * @packageDocumentation
 */
import { bsonTypeName, roughNumber } from "./bsonNumbers.js";
import { isPlainObject, type Doc } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { shown } from "./updateTypes.js";

function popValue(path: string, value: unknown): 1 | -1 {
  const n = roughNumber(value);
  if (n === undefined) throw mongoError(`Expected a number in: ${path}: ${shown(value)}`);
  if (!Number.isInteger(n)) throw mongoError(`Expected an integer: ${path}: ${String(n)}`);
  if (n !== 1 && n !== -1) throw mongoError(`$pop expects 1 or -1, found: ${String(n)}`);
  return n;
}

function checkCurrentDate(spec: unknown): void {
  if (typeof spec === "boolean") return;
  if (!isPlainObject(spec))
    throw mongoError(
      `${bsonTypeName(spec)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`,
    );
  let valid = false;
  for (const [key, type] of Object.entries(spec)) {
    if (key !== "$type") throw mongoError(`Unrecognized $currentDate option: ${key}`);
    if (type === "date" || type === "timestamp") valid = true;
  }
  if (!valid)
    throw mongoError("The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}");
}

/**
 * Checks the `$pop` and `$currentDate` values of an update.
 * @param update - the operators
 * @throws ServerError `MongoDBError` with MongoDB's message for the first bad one
 */
export function checkOperatorValues(update: Doc): void {
  const pops = update.$pop;
  if (isPlainObject(pops)) for (const [path, value] of Object.entries(pops)) popValue(path, value);
  const dates = update.$currentDate;
  if (isPlainObject(dates)) for (const spec of Object.values(dates)) checkCurrentDate(spec);
}

/**
 * The update with its `$pop` values as `1`/`-1` and its `$currentDate` booleans as `true` (or the
 * update itself when there is nothing to change). Run after {@link checkOperatorValues}.
 * @param update - the operators
 * @returns the update mingo can apply
 */
export function withOperatorValues(update: Doc): Doc {
  const pops = update.$pop;
  const dates = update.$currentDate;
  const popsChange = isPlainObject(pops) && Object.values(pops).some((v) => v !== 1 && v !== -1);
  const datesChange = isPlainObject(dates) && Object.values(dates).some((v) => v === false);
  if (!popsChange && !datesChange) return update;
  const out = { ...update };
  if (popsChange) out.$pop = Object.fromEntries(Object.entries(pops).map(([path, v]) => [path, popValue(path, v)]));
  if (datesChange) out.$currentDate = Object.fromEntries(Object.entries(dates).map(([path, v]) => [path, v === false ? true : v]));
  return out;
}
