// Returns its first argument unchanged (the function-call benchmark's workload).
exports = function (value) {
  return value;
};
