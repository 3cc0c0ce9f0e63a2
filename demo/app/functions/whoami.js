// The calling user's id.
exports = function () {
  return context.user ? context.user.id : null;
};
