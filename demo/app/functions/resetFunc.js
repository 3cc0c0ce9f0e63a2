// Email/password reset function: accepts every reset request.
exports = function ({ token, tokenId, username, password }, ...args) {
  return { status: "success" };
};
