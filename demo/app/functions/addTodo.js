// Adds a todo owned by the caller: addTodo("buy milk") -> { insertedId }.
exports = async function (text) {
  if (typeof text !== "string" || text.length === 0) throw new Error("addTodo: text must be a non-empty string");
  const todos = context.services.get("mongodb-atlas").db("demo").collection("todos");
  return todos.insertOne({ owner_id: context.user.id, text, done: false, createdAt: new Date() });
};
