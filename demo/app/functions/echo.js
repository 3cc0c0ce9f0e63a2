// Returns its first argument unchanged (BSON round trips: ObjectId, Date, Decimal128, …).
exports = function (value) {
  return value;
};
