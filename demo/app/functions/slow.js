// Resolves with `ms` after waiting `ms` milliseconds (for time-limit tests).
exports = function (ms) {
  return new Promise((resolve) => setTimeout(() => resolve(ms), ms));
};
