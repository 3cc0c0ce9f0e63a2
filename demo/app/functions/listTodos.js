// The caller's todos, oldest first.
exports = async function () {
  const todos = context.services.get("mongodb-atlas").db("demo").collection("todos");
  return todos.find({ owner_id: context.user.id }).sort({ createdAt: 1 }).toArray();
};
