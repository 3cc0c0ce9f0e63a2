/**
 * The current user's todo list on the MongoDB service (`mongodb-atlas` / `demo.todos`): add,
 * toggle, delete, and live updates from `collection.watch()`, so a change in one tab appears in the
 * others. The demo app's rules (demo/app) let each user see and change only the todos whose
 * `owner_id` is their id.
 * @packageDocumentation
 */
import type { App, MongoDBCollection, User } from "../../src/index.js";
import { act, byId, describeError, h } from "./dom.js";
import { isDone, todoText } from "./todoView.js";

/** A todo document of `demo.todos`, as written by this page; other code may store anything. */
type Todo = { _id?: unknown; owner_id?: unknown; text: unknown; done: unknown; createdAt?: unknown };
type TodoCollection = MongoDBCollection<Todo>;

function todosOf(user: User): TodoCollection {
  return user.mongoClient("mongodb-atlas").db("demo").collection<Todo>("todos");
}

interface Watching {
  userId: string;
  stream: AsyncGenerator<unknown, unknown, unknown>;
}

/** Builds the todo panel into `#todos`; returns `sync` (call it when the current user changes). */
export function mountTodos(app: App, log: (line: string) => void): () => void {
  const panel = byId("todos");
  const error = h("p", { class: "error", testid: "todo-error", role: "alert" });
  const text = h("input", { testid: "todo-text", placeholder: "What needs doing?", class: "grow" });
  const list = h("ul", { class: "todos", testid: "todos" });
  const note = h("p", { class: "note", testid: "todo-note" }, "Sign in to see your todos.");
  let collection: TodoCollection | null = null;
  let watching: Watching | null = null;

  let generation = 0;
  // the latest reload wins: an older find() that answers late must not overwrite a newer list
  const reload = async (): Promise<void> => {
    if (!collection) return;
    const mine = ++generation;
    const todos = await collection.find({}, { sort: { createdAt: 1 } });
    if (mine === generation) list.replaceChildren(...todos.map((t) => item(t)));
  };
  // the label is a text node built by todoText: whatever was stored shows as text
  const item = (todo: Todo): HTMLElement => {
    const done = isDone(todo.done);
    const toggle = h("input", {
      type: "checkbox",
      testid: "todo-toggle",
      checked: done,
      onchange: () =>
        void act(error, null, async () => {
          await collection?.updateOne({ _id: todo._id }, { $set: { done: !done } });
          await reload();
        }),
    });
    const remove: HTMLButtonElement = h(
      "button",
      {
        class: "small secondary",
        testid: "todo-delete",
        onclick: () =>
          void act(error, remove, async () => {
            await collection?.deleteOne({ _id: todo._id });
            await reload();
          }),
      },
      "Delete",
    );
    return h(
      "li",
      { testid: "todo", class: done ? "done" : "" },
      h("label", {}, toggle, h("span", { testid: "todo-label" }, todoText(todo.text))),
      remove,
    );
  };
  const add: HTMLButtonElement = h(
    "button",
    {
      testid: "todo-add",
      onclick: () =>
        void act(error, add, async () => {
          if (!collection) throw new Error("sign in first");
          const value = text.value.trim();
          if (!value) throw new Error("type a todo first");
          text.value = "";
          try {
            const owner = app.currentUser?.id;
            if (!owner) throw new Error("sign in first");
            await collection.insertOne({ owner_id: owner, text: value, done: false, createdAt: new Date() });
          } catch (e) {
            text.value ||= value;
            throw e;
          }
          await reload();
        }),
    },
    "Add",
  );
  const form = h("form", { class: "row", onsubmit: (e) => e.preventDefault() }, text, add);
  panel.append(note, form, list, error);

  // A watch that fails (a dropped session, an event this page cannot decode) is restarted after a
  // pause while the same user is signed in, so one bad change does not stop the live list.
  const watch = (user: User, target: TodoCollection): void => {
    const stream = target.watch();
    watching = { userId: user.id, stream };
    void (async () => {
      try {
        for await (const change of stream as AsyncGenerator<{ operationType?: unknown }>) {
          log(`watch: ${typeof change.operationType === "string" ? change.operationType : "change"} in demo.todos`);
          await reload();
        }
      } catch (e) {
        if (watching?.stream !== stream) return;
        error.textContent = `watch stopped: ${describeError(e)}; restarting`;
        setTimeout(() => {
          if (watching?.stream !== stream || !user.isLoggedIn) return;
          watch(user, target);
          void act(error, null, reload);
        }, 2000);
      }
    })();
  };

  return () => {
    const user = app.currentUser;
    if (watching && watching.userId === user?.id && user.isLoggedIn) return;
    void watching?.stream.return(undefined).catch(() => {});
    watching = null;
    collection = user?.isLoggedIn ? todosOf(user) : null;
    note.textContent = user?.isLoggedIn ? "" : "Sign in to see your todos.";
    note.hidden = note.textContent === "";
    form.hidden = collection === null;
    list.replaceChildren();
    if (!user || !collection) return;
    watch(user, collection);
    void act(error, null, reload);
  };
}
