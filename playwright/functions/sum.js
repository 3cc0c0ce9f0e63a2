// Adds its two arguments (used by the cross-tab tests).
exports = function (a, b) {
  return a + b;
};
