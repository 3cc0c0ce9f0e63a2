/**
 * The GraphQL types of a document model, made once per name: the document type, its
 * `QueryInput`, `InsertInput` and `UpdateInput`, and its `SortByInput` enum. Computed properties
 * (custom resolvers on a document type) are added to a type before the schema is built.
 * @packageDocumentation
 */
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLOutputType,
} from "graphql";
import { isPlainObject } from "../data/bsonValues.js";
import type { GraphqlContext } from "./context.js";
import {
  queryOperators,
  sortableFields,
  updateOperators,
  type FieldModel,
  type FieldType,
  type ItemType,
  type ObjectModel,
} from "./model.js";
import { sortValues, upperFirst } from "./names.js";
import { linkedDocuments } from "./relationIo.js";
import { plainNumber, scalarType } from "./scalars.js";

/** What an input type describes: conditions, a document, or changes. */
export type InputKind = "query" | "insert" | "update";

/** A sort order `sortBy` names. */
export interface SortOrder {
  key: string;
  direction: 1 | -1;
}

/** A document's own field (a field named `constructor` or `toString` is no inherited method). */
function own(source: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(source, key) ? source[key] : undefined;
}

/**
 * True when two models have the same GraphQL fields (names, GraphQL types, relationships), in any
 * order: one GraphQL type may serve both, as each value is converted with its own field's model.
 * `required` may differ (the first model's nullability is the type's).
 */
function sameShape(a: ObjectModel, b: ObjectModel): boolean {
  if (a === b) return true;
  if (a.fields.length !== b.fields.length) return false;
  const theirs = new Map(b.fields.map((f) => [f.name, f]));
  return a.fields.every((f) => {
    const g = theirs.get(f.name);
    if (g === undefined || !sameType(f.type, g.type)) return false;
    if (f.relation === undefined || g.relation === undefined) return f.relation === g.relation;
    return f.relation.isList === g.relation.isList && f.relation.target.model.name === g.relation.target.model.name;
  });
}

function sameType(a: FieldType, b: FieldType): boolean {
  if (a.kind === "array" || b.kind === "array") return a.kind === "array" && b.kind === "array" && sameType(a.item, b.item);
  if (a.kind === "scalar" || b.kind === "scalar")
    return a.kind === "scalar" && b.kind === "scalar" && scalarType(a.bson) === scalarType(b.bson);
  return sameShape(a.model, b.model);
}

/** A stored value as the field's GraphQL type reads it. */
function outValue(value: unknown, type: FieldType): unknown {
  if (value === undefined || value === null) return null;
  if (type.kind === "array") return Array.isArray(value) ? value.map((item) => outValue(item, type.item)) : null;
  if (type.kind === "object") return isPlainObject(value) ? value : null;
  return type.bson === "long" ? value : plainNumber(value);
}

/** A field resolver of a computed property or an overriding field. */
export type ExtraField = GraphQLFieldConfig<Record<string, unknown>, GraphqlContext>;

/** The types made so far, by name. */
export class TypeRegistry {
  private readonly outputs = new Map<string, GraphQLObjectType>();
  private readonly inputs = new Map<string, GraphQLInputObjectType>();
  private readonly inputModels = new Map<string, { model: ObjectModel; kind: InputKind }>();
  private readonly sorts = new Map<string, GraphQLEnumType>();
  private readonly relationInputs = new Map<string, GraphQLInputObjectType>();
  private readonly claimed = new Map<string, { model: ObjectModel; kind: InputKind | "output" }>();
  private readonly extras = new Map<string, Map<string, () => ExtraField>>();

  /**
   * Adds a field to a document type (a custom resolver's computed property), replacing a field of
   * the same name. Must be called before the schema is built.
   */
  addField(typeName: string, fieldName: string, field: () => ExtraField): void {
    let fields = this.extras.get(typeName);
    if (fields === undefined) this.extras.set(typeName, (fields = new Map<string, () => ExtraField>()));
    fields.set(fieldName, field);
  }

  /** An input type made so far, by name. */
  input(name: string): GraphQLInputObjectType | undefined {
    return this.inputs.get(name);
  }

  /** A document type made so far, by name. */
  outputByName(name: string): GraphQLObjectType | undefined {
    return this.outputs.get(name);
  }

  /**
   * Claims a type name for a model. Two models of one shape (an embedded object's title used twice)
   * share a type.
   * @throws Error when another model, or another kind of type, has the name
   */
  private claim(name: string, model: ObjectModel, kind: InputKind | "output"): void {
    const had = this.claimed.get(name);
    if (had === undefined) this.claimed.set(name, { model, kind });
    else if (had.kind !== kind || !sameShape(had.model, model))
      throw new Error(`two different types are named ${name}: give one of their schemas another title`);
  }

  /** The document type of a model. */
  output(model: ObjectModel): GraphQLObjectType {
    this.claim(model.name, model, "output");
    const known = this.outputs.get(model.name);
    if (known !== undefined) return known;
    const type: GraphQLObjectType = new GraphQLObjectType<Record<string, unknown>, GraphqlContext>({
      name: model.name,
      fields: () => {
        const fields: Record<string, ExtraField> = {};
        for (const field of model.fields) {
          const { relation } = field;
          if (relation !== undefined) {
            const target = this.output(relation.target.model);
            const base = relation.isList ? new GraphQLList(target) : target;
            fields[field.name] = {
              type: field.required ? new GraphQLNonNull(base) : base,
              resolve: (source, _args, ctx) => linkedDocuments(relation, own(source, field.key), ctx),
            };
            continue;
          }
          const base = this.outputOf(field.type);
          fields[field.name] = {
            type: field.required ? new GraphQLNonNull(base) : base,
            resolve: (source) => outValue(own(source, field.key), field.type),
          };
        }
        for (const [name, make] of this.extras.get(model.name) ?? []) fields[name] = make();
        return fields;
      },
    });
    this.outputs.set(model.name, type);
    return type;
  }

  private outputOf(type: FieldType): GraphQLOutputType {
    if (type.kind === "array") return new GraphQLList(this.outputItem(type.item));
    return this.outputItem(type);
  }

  private outputItem(item: ItemType): GraphQLOutputType {
    return item.kind === "scalar" ? scalarType(item.bson) : this.output(item.model);
  }

  private inputType(name: string, model: ObjectModel, kind: InputKind, fields: () => GraphQLInputFieldConfigMap): GraphQLInputObjectType {
    this.claim(name, model, kind);
    const known = this.inputs.get(name);
    if (known !== undefined) return known;
    const type = new GraphQLInputObjectType({ name, fields });
    this.inputs.set(name, type);
    this.inputModels.set(name, { model, kind });
    return type;
  }

  /** The model and kind of an input type made so far, by name. */
  inputModel(name: string): { model: ObjectModel; kind: InputKind } | undefined {
    return this.inputModels.get(name);
  }

  /** `<Type>QueryInput`: conditions on the fields, `AND` and `OR`. */
  queryInput(model: ObjectModel): GraphQLInputObjectType {
    const self: GraphQLInputObjectType = this.inputType(`${model.name}QueryInput`, model, "query", () => {
      const fields: GraphQLInputFieldConfigMap = {};
      for (const [name, { field, op }] of queryOperators(model)) {
        if (op === "exists") fields[name] = { type: GraphQLBoolean };
        else if (field.relation !== undefined) {
          const target = this.queryInput(field.relation.target.model);
          fields[name] = { type: field.relation.isList ? new GraphQLList(target) : target };
        } else if (field.type.kind === "scalar") {
          const scalar = scalarType(field.type.bson);
          fields[name] = { type: op === "in" || op === "nin" ? new GraphQLList(scalar) : scalar };
        } else if (field.type.kind === "object") fields[name] = { type: this.queryInput(field.type.model) };
        else {
          const item = field.type.item;
          fields[name] = { type: new GraphQLList(item.kind === "scalar" ? scalarType(item.bson) : this.queryInput(item.model)) };
        }
      }
      fields["AND"] = { type: new GraphQLList(new GraphQLNonNull(self)) };
      fields["OR"] = { type: new GraphQLList(new GraphQLNonNull(self)) };
      return fields;
    });
    return self;
  }

  /** `<Type>InsertInput`: a whole document, the schema's required fields required (but `_id`). */
  insertInput(model: ObjectModel): GraphQLInputObjectType {
    return this.inputType(`${model.name}InsertInput`, model, "insert", () => this.insertFields(model));
  }

  /** A custom resolver's input type: named by its schema's `title`, its fields as an `InsertInput`'s. */
  customInput(model: ObjectModel): GraphQLInputObjectType {
    return this.inputType(model.name, model, "insert", () => this.insertFields(model));
  }

  private insertFields(model: ObjectModel): GraphQLInputFieldConfigMap {
    const fields: GraphQLInputFieldConfigMap = {};
    for (const field of model.fields) {
      const base = field.relation === undefined ? this.inputOf(field.type, (m) => this.insertInput(m)) : this.relationInput(model, field);
      // `_id` may always be left out: the insert generates one
      fields[field.name] = { type: field.required && field.key !== "_id" ? new GraphQLNonNull(base) : base };
    }
    return fields;
  }

  /** `<Type>UpdateInput`: new values, `_unset` and (numbers) `_inc`. */
  updateInput(model: ObjectModel): GraphQLInputObjectType {
    return this.inputType(`${model.name}UpdateInput`, model, "update", () => {
      const fields: GraphQLInputFieldConfigMap = {};
      for (const [name, { field, op }] of updateOperators(model)) {
        if (op === "unset") fields[name] = { type: GraphQLBoolean };
        else if (field.relation !== undefined) fields[name] = { type: this.relationInput(model, field) };
        else fields[name] = { type: this.inputOf(field.type, (m) => this.updateInput(m)) };
      }
      return fields;
    });
  }

  /** `<Type><Field>RelationInput`: `link` (the foreign key values) or `create` (new foreign documents). */
  private relationInput(model: ObjectModel, field: FieldModel): GraphQLInputObjectType {
    const name = `${model.name}${upperFirst(field.name)}RelationInput`;
    const known = this.relationInputs.get(name);
    if (known !== undefined) return known;
    const { relation, type } = field;
    const item = type.kind === "array" ? type.item : type;
    const many = relation?.isList === true;
    const type_ = new GraphQLInputObjectType({
      name,
      fields: () => {
        const link = item.kind === "scalar" ? scalarType(item.bson) : GraphQLString;
        const create = relation === undefined ? GraphQLString : this.insertInput(relation.target.model);
        return { link: { type: many ? new GraphQLList(link) : link }, create: { type: many ? new GraphQLList(create) : create } };
      },
    });
    this.relationInputs.set(name, type_);
    return type_;
  }

  private inputOf(type: FieldType, objectInput: (model: ObjectModel) => GraphQLInputType): GraphQLInputType {
    const item = (t: ItemType): GraphQLInputType => (t.kind === "scalar" ? scalarType(t.bson) : objectInput(t.model));
    return type.kind === "array" ? new GraphQLList(item(type.item)) : item(type);
  }

  /** `<Type>SortByInput`: each scalar field ascending and descending; undefined without one. */
  sortInput(model: ObjectModel): GraphQLEnumType | undefined {
    const known = this.sorts.get(model.name);
    if (known !== undefined) return known;
    const values: Record<string, { value: SortOrder }> = {};
    for (const field of sortableFields(model)) {
      const { asc, desc } = sortValues(field.name);
      if (asc in values || desc in values) continue;
      values[asc] = { value: { key: field.key, direction: 1 } };
      values[desc] = { value: { key: field.key, direction: -1 } };
    }
    if (Object.keys(values).length === 0) return undefined;
    const type = new GraphQLEnumType({ name: `${model.name}SortByInput`, values });
    this.sorts.set(model.name, type);
    return type;
  }
}
