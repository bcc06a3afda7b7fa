class AssertionError extends Error {
  constructor(message) { super(message); this.name = 'AssertionError'; this.code = 'ERR_ASSERTION'; }
}
function fail(message, dflt) {
  if (message instanceof Error) throw message;
  throw new AssertionError(message || dflt);
}
function assert(value, message) { if (!value) fail(message, 'The expression evaluated to a falsy value'); }
assert.ok = assert;
assert.AssertionError = AssertionError;
assert.fail = (message) => fail(message, 'Failed');
assert.equal = (a, b, m) => { if (a != b) fail(m, `${a} == ${b}`); };
assert.notEqual = (a, b, m) => { if (a == b) fail(m, `${a} != ${b}`); };
assert.strictEqual = (a, b, m) => { if (!Object.is(a, b)) fail(m, `Expected values to be strictly equal: ${a} !== ${b}`); };
assert.notStrictEqual = (a, b, m) => { if (Object.is(a, b)) fail(m, `Expected "actual" to be strictly unequal to: ${b}`); };
assert.deepEqual = assert.deepStrictEqual = (a, b, m) => { if (JSON.stringify(a) !== JSON.stringify(b)) fail(m, 'Expected values to be deeply equal'); };
assert.notDeepStrictEqual = assert.notDeepEqual = (a, b, m) => { if (JSON.stringify(a) === JSON.stringify(b)) fail(m, 'Expected values not to be deeply equal'); };
assert.throws = (fn, _e, m) => { try { fn(); } catch (e) { return; } fail(typeof _e === 'string' ? _e : m, 'Missing expected exception.'); };
assert.strict = assert;
export default assert;
export const { ok, equal, notEqual, strictEqual, notStrictEqual, deepEqual, deepStrictEqual, throws, strict } = assert;
export { AssertionError };
globalThis.__govite_modules.assert = assert;
