// Custom-function authentication: the payload's username is the user's external id.
exports = function (payload) {
  if (!payload || typeof payload.username !== "string" || payload.username.length === 0) {
    throw new Error("authFunc: payload.username is required");
  }
  return payload.username;
};
