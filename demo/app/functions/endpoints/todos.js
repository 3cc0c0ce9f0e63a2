// GET /endpoint/todos: the caller's todos, oldest first (?done=true or ?done=false to filter).
exports = async function (request, response) {
  const todos = context.services.get("mongodb-atlas").db("demo").collection("todos");
  const filter = { owner_id: context.user.id };
  if (request.query.done !== undefined) filter.done = request.query.done === "true";
  response.setHeader("Cache-Control", "no-store");
  return todos.find(filter).sort({ createdAt: 1 }).toArray();
};
