// Adds its numeric arguments: sum(1, 2, 3) === 6.
exports = function (...numbers) {
  return numbers.reduce((total, n) => {
    if (typeof n !== "number") throw new TypeError(`sum: not a number: ${JSON.stringify(n)}`);
    return total + n;
  }, 0);
};
