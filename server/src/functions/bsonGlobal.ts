/**
 * The `BSON` global of functions, as the App Services docs describe it: the `bson` package's types,
 * each callable with or without `new` (`BSON.Int32(42)`, `BSON.Long(low, high)`,
 * `BSON.BSONRegExp("a", "i")`), and `BSON.Binary`'s `fromHex`, `fromBase64`, `toHex()`,
 * `toBase64()` and `text()`. Values keep the package's classes (`instanceof BSON.ObjectId` holds for
 * documents read from the database).
 * @packageDocumentation
 */
import * as bson from "bson";

type Constructor = new (...args: never[]) => object;

const CLASSES = [
  "ObjectId",
  "BSONRegExp",
  "Binary",
  "MaxKey",
  "MinKey",
  "Int32",
  "Long",
  "Double",
  "Decimal128",
  "Timestamp",
  "Code",
  "DBRef",
  "UUID",
  "BSONSymbol",
] as const;

/** A class that can also be called without `new`; its statics and prototype are the class's. */
function callable(cls: Constructor): Constructor {
  const wrapper = function (...args: never[]): object {
    return new cls(...args);
  };
  Object.setPrototypeOf(wrapper, cls);
  Object.defineProperty(wrapper, "prototype", { value: cls.prototype });
  Object.defineProperty(wrapper, "name", { value: cls.name });
  return wrapper as unknown as Constructor;
}

const BINARY_METHODS: Record<string, (this: bson.Binary) => string> = {
  toHex(): string {
    return this.toString("hex");
  },
  toBase64(): string {
    return this.toString("base64");
  },
  text(): string {
    return this.toString("utf8");
  },
};

/**
 * Gives `Binary` the documented instance methods (`toHex`, `toBase64`, `text`) where the package
 * lacks them. Done once per thread, on the thread that runs functions: the methods are not
 * enumerable and do not change how a Binary is serialized.
 */
function addBinaryMethods(): void {
  for (const [name, method] of Object.entries(BINARY_METHODS)) {
    if (!(name in bson.Binary.prototype)) Object.defineProperty(bson.Binary.prototype, name, { value: method, configurable: true });
  }
}

/**
 * Builds the `BSON` global.
 * @returns the bson package's exports, with the types callable and the Binary helpers
 */
export function createBsonGlobal(): Record<string, unknown> {
  addBinaryMethods();
  const out: Record<string, unknown> = { ...bson };
  for (const name of CLASSES) out[name] = callable(bson[name]);
  const binary = out.Binary as Record<string, unknown>;
  Object.defineProperties(binary, {
    fromHex: { value: (hex: string, subType?: number) => new bson.Binary(Buffer.from(String(hex), "hex"), subType) },
    fromBase64: { value: (base64: string, subType?: number) => new bson.Binary(Buffer.from(String(base64), "base64"), subType) },
  });
  return Object.freeze(out);
}
