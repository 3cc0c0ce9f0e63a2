/**
 * Role assignment and permissions for one document, as App Services evaluates them without
 * Device Sync: the first role whose `apply_when` holds for the document; its `document_filters`
 * gate its read and write permissions; document-level `read`/`write` that hold grant every field,
 * and where they do not hold (false, or not defined), `fields` (nested `fields` for embedded
 * documents) and `additional_fields` decide per field: the App Services template "read all fields,
 * write specific fields" is `"read": true, "write": false, "fields": {"<field>": {"write": true}}`.
 * Write permission implies read permission.
 * @packageDocumentation
 */
import { isPlainObject, sameValue, type Doc } from "../data/bsonValues.js";
import type { CompiledField, CompiledRole, CompiledRuleSet } from "./config.js";
import type { DocumentScope, ExpansionContext } from "./expansions.js";
import type { RuleExpression } from "./expression.js";

async function holds(expr: RuleExpression | undefined, ctx: ExpansionContext, scope: DocumentScope): Promise<boolean> {
  return expr === undefined ? false : await expr.evaluate(ctx, scope);
}

/**
 * The first role of the set whose `apply_when` holds.
 * @param set - the namespace's rules
 * @param ctx - the request's expansions
 * @param scope - the document (`%%root`, `%%prevRoot`)
 * @returns the role, or undefined: then the user may do nothing with the document
 */
export async function assignRole(set: CompiledRuleSet, ctx: ExpansionContext, scope: DocumentScope): Promise<CompiledRole | undefined> {
  for (const role of set.roles) {
    if (await role.applyWhen.evaluate(ctx, scope)) return role;
  }
  return undefined;
}

/** A role's permissions on one document. */
export class DocumentPermissions {
  private gates: Promise<{ read: boolean; write: boolean; readThroughWrite: boolean }> | undefined;

  /**
   * @param role - the assigned role
   * @param ctx - the request's expansions
   * @param scope - `%%root` (and `%%prevRoot` for writes)
   * @param filterScope - the document the role was assigned on, which its `document_filters` are
   *   evaluated on too (by default `scope`)
   */
  constructor(
    readonly role: CompiledRole,
    private readonly ctx: ExpansionContext,
    private readonly scope: DocumentScope,
    private readonly filterScope: DocumentScope = scope,
  ) {}

  private gate(): Promise<{ read: boolean; write: boolean; readThroughWrite: boolean }> {
    this.gates ??= (async () => {
      const { read, write } = this.role.documentFilters;
      const readGate = read === undefined ? true : await read.evaluate(this.ctx, this.filterScope);
      const writeGate = write === undefined ? true : await write.evaluate(this.ctx, this.filterScope);
      // A false read filter denies reading unless a write filter is defined and holds.
      return { read: readGate, write: writeGate, readThroughWrite: readGate || (write !== undefined && writeGate) };
    })();
    return this.gates;
  }

  private fieldScope(value: unknown, previous: unknown): DocumentScope {
    return { ...this.scope, this: value, prev: previous };
  }

  /** True if read (or write) permission defined by `read`/`write` expressions holds. */
  private async readable(read: RuleExpression | undefined, write: RuleExpression | undefined, scope: DocumentScope): Promise<boolean> {
    const g = await this.gate();
    if (g.read && (await holds(read, this.ctx, scope))) return true;
    return g.write && g.readThroughWrite && (await holds(write, this.ctx, scope));
  }

  /**
   * The part of a document this role may read: the document itself, a copy without the unreadable
   * fields, or null when nothing but `_id` would remain.
   * @param doc - the stored document (not modified)
   */
  async readView(doc: Doc): Promise<Doc | null> {
    const g = await this.gate();
    if (g.write && g.readThroughWrite && (await holds(this.role.write, this.ctx, this.scope))) return doc;
    if (g.read && (await holds(this.role.read, this.ctx, this.scope))) return doc;
    // not every field: each field by its own rule (a document-level false is not a veto)
    const view = await this.viewOf(doc, this.role.fields, true);
    return view ?? null;
  }

  private async viewOf(value: Doc, fields: Map<string, CompiledField>, top: boolean): Promise<Doc | undefined> {
    const out: Doc = {};
    let any = false;
    for (const [key, field] of Object.entries(value)) {
      if (top && key === "_id") {
        out._id = field;
        continue;
      }
      const rule = fields.get(key);
      const scope = this.fieldScope(field, field);
      let shown: unknown;
      if (rule === undefined) {
        if (top && (await this.readable(this.role.additionalFields.read, this.role.additionalFields.write, scope))) shown = field;
      } else if (rule.read !== undefined || rule.write !== undefined) {
        if (await this.readable(rule.read, rule.write, scope)) shown = field;
      } else if (rule.fields.size > 0 && isPlainObject(field)) {
        shown = await this.viewOf(field, rule.fields, false);
      }
      if (shown !== undefined) {
        out[key] = shown;
        any = true;
      }
    }
    return any ? out : undefined;
  }

  /**
   * True if the role may make this change: every field that differs between `before` and `after`
   * must be writable (an insert writes every field of `after`, a delete every field of `before`).
   * @param before - the document before (`{}` for an insert)
   * @param after - the document after (`{}` for a delete)
   */
  async mayWrite(before: Doc, after: Doc): Promise<boolean> {
    const g = await this.gate();
    if (!g.write) return false;
    if (await holds(this.role.write, this.ctx, this.scope)) return true;
    return this.changesWritable(before, after, this.role.fields, true);
  }

  private async changesWritable(before: Doc, after: Doc, fields: Map<string, CompiledField>, top: boolean): Promise<boolean> {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) {
      if (top && key === "_id") continue;
      const was = before[key];
      const now = after[key];
      if (sameValue(was, now)) continue;
      const rule = fields.get(key);
      const scope = this.fieldScope(now, was);
      if (rule === undefined) {
        if (!top || !(await holds(this.role.additionalFields.write, this.ctx, scope))) return false;
      } else if (rule.read !== undefined || rule.write !== undefined) {
        if (!(await holds(rule.write, this.ctx, scope))) return false;
      } else if (rule.fields.size > 0 && (was === undefined || isPlainObject(was)) && (now === undefined || isPlainObject(now))) {
        if (!(await this.changesWritable(was ?? {}, now ?? {}, rule.fields, false))) return false;
      } else {
        return false;
      }
    }
    return true;
  }

  /** True if the role's `insert` expression holds (evaluated after {@link mayWrite}). */
  mayInsert(): Promise<boolean> {
    return holds(this.role.insert, this.ctx, this.scope);
  }

  /** True if the role's `delete` expression holds (evaluated after {@link mayWrite}). */
  mayDelete(): Promise<boolean> {
    return holds(this.role.delete, this.ctx, this.scope);
  }
}

/**
 * The part of a document the user may read under a rule set, or null.
 * @param set - the namespace's rules
 * @param ctx - the request's expansions
 * @param doc - a stored document
 * @param prevRoot - `%%prevRoot`: for a read the document itself (a read changes nothing); for the
 *   document a write returns, the one before the write (undefined after an insert)
 */
export async function readableView(
  set: CompiledRuleSet,
  ctx: ExpansionContext,
  doc: Doc,
  prevRoot: Doc | undefined = doc,
): Promise<Doc | null> {
  const scope = { root: doc, prevRoot };
  const role = await assignRole(set, ctx, scope);
  return role === undefined ? null : new DocumentPermissions(role, ctx, scope).readView(doc);
}

/**
 * Decides a write under a rule set. An insert is decided by the role of the new document, a delete
 * by the role of the stored one. An update must be permitted twice: under the role of the stored
 * document (the document the query returned, as App Services assigns roles; so a user who may only
 * read a document cannot take it over by writing the fields its `apply_when` or `document_filters`
 * look at), and under the role of the document it becomes (so a write cannot hand a document to a
 * role that does not apply to the writer). Write expressions see `%%root` = the document after the
 * write (before it, for a delete) and `%%prevRoot` = the document before it (absent for an insert);
 * a role's `apply_when` and `document_filters` see the document it is assigned on.
 * @param set - the namespace's rules
 * @param ctx - the request's expansions
 * @param before - the stored document, or undefined for an insert
 * @param after - the new document, or undefined for a delete
 * @returns true if the write is permitted
 */
export async function writePermitted(
  set: CompiledRuleSet,
  ctx: ExpansionContext,
  before: Doc | undefined,
  after: Doc | undefined,
): Promise<boolean> {
  if (set.readOnly === true) return false;
  const scope: DocumentScope = after === undefined ? { root: before, prevRoot: before } : { root: after, prevRoot: before };
  if (
    before !== undefined &&
    after !== undefined &&
    !(await permittedUnder(set, ctx, before, after, scope, { root: before, prevRoot: before }))
  )
    return false;
  return permittedUnder(set, ctx, before, after, scope, scope);
}

/** Whether the write is permitted under the role assigned on `roleScope` (its document filters evaluated there too). */
async function permittedUnder(
  set: CompiledRuleSet,
  ctx: ExpansionContext,
  before: Doc | undefined,
  after: Doc | undefined,
  scope: DocumentScope,
  roleScope: DocumentScope,
): Promise<boolean> {
  const role = await assignRole(set, ctx, roleScope);
  if (role === undefined) return false;
  const perms = new DocumentPermissions(role, ctx, scope, roleScope);
  if (!(await perms.mayWrite(before ?? {}, after ?? {}))) return false;
  if (before === undefined) return perms.mayInsert();
  if (after === undefined) return perms.mayDelete();
  return true;
}
