// Always throws, to show FunctionExecutionError.
exports = function (message) {
  throw new Error(message || "fail: this function always fails");
};
