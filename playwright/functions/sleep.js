// Resolves with `ms` after waiting `ms` milliseconds (a call that is still in flight when a test
// closes the leader tab).
exports = function (ms) {
  return new Promise((resolve) => setTimeout(() => resolve(ms), ms));
};
