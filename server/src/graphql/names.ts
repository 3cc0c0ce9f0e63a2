/**
 * The names App Services gives the generated GraphQL schema: a type per collection (its schema's
 * `title`, or the collection's name, in the singular), a singular and a plural query field, the
 * mutations, the embedded object types, and field names made valid GraphQL names.
 * @packageDocumentation
 */
import pluralize from "pluralize";

const VALID_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * The GraphQL name of a document field, as App Services maps it: unsupported characters stripped,
 * the words they separated joined in camel case, leading digits dropped; a field whose name begins
 * with a double underscore is left out (`undefined`), as is one with no usable character.
 * @param key - the field's name in the document
 */
export function graphqlFieldName(key: string): string | undefined {
  if (key.startsWith("__")) return undefined;
  if (VALID_NAME.test(key)) return key;
  const words = key.split(/[^_0-9A-Za-z]+/).filter((w) => w !== "");
  const joined = words.map((w, i) => (i === 0 ? w : upperFirst(w))).join("");
  const name = joined.replace(/^[0-9]+/, "");
  return name === "" || name.startsWith("__") ? undefined : name;
}

/** True for a valid GraphQL name. */
export function isGraphqlName(name: string): boolean {
  return VALID_NAME.test(name) && !name.startsWith("__");
}

/** The word with its first letter in upper case. */
export function upperFirst(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The word with its first letter in lower case. */
export function lowerFirst(word: string): string {
  return word.charAt(0).toLowerCase() + word.slice(1);
}

/**
 * The singular of a name, by English rules (Rails-style inflections), or the name itself.
 * @param name - a type or field name
 */
export function singular(name: string): string {
  const out = pluralize.singular(name);
  return out === "" ? name : out;
}

/**
 * The plural of a singular type name: the natural English plural when `natural` and one exists
 * that differs from the singular, else the name with an `s`.
 * @param name - the singular
 * @param natural - `use_natural_pluralization` of `graphql/config.json`
 */
export function plural(name: string, natural: boolean): string {
  if (natural) {
    const out = pluralize.plural(name);
    if (out !== "" && out !== name) return out;
  }
  return `${name}s`;
}

/** The names generated for one collection. */
export interface CollectionNames {
  /** The document type, e.g. `Movie`. */
  type: string;
  /** The singular query, e.g. `movie`. */
  one: string;
  /** The plural query, e.g. `movies`. */
  many: string;
  /** The plural in type case, for `insertMany…`, e.g. `Movies`. */
  manyType: string;
}

/**
 * The names of a collection's type and fields.
 * @param title - the schema's `title`, or the collection's name
 * @param natural - `use_natural_pluralization`
 * @returns the names, or undefined if the title gives no valid GraphQL name
 */
export function collectionNames(title: string, natural: boolean): CollectionNames | undefined {
  const base = graphqlFieldName(title);
  if (base === undefined) return undefined;
  const type = upperFirst(singular(base));
  const manyType = plural(type, natural);
  return { type, one: lowerFirst(type), many: lowerFirst(manyType), manyType };
}

/**
 * The name of an embedded object's type: its schema's `title`, else the parent type's name followed
 * by the field's name in the singular (`Movie` + `awards` → `MovieAward`).
 * @param parent - the type holding the field
 * @param field - the field's GraphQL name
 * @param title - the embedded schema's `title`, if any
 */
export function embeddedTypeName(parent: string, field: string, title: string | undefined): string | undefined {
  if (title !== undefined) {
    const named = graphqlFieldName(title);
    return named === undefined ? undefined : upperFirst(named);
  }
  return `${parent}${upperFirst(singular(field))}`;
}

/**
 * The `SortByInput` enum values of a field: its name in upper case with `_ASC` or `_DESC`.
 * @param field - the field's GraphQL name
 */
export function sortValues(field: string): { asc: string; desc: string } {
  const upper = field.toUpperCase();
  return { asc: `${upper}_ASC`, desc: `${upper}_DESC` };
}
