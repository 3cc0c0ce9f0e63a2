// Adds its two arguments.
exports = function (a, b) {
  return a + b;
};
