// Run f and return what it threw (failing the test if it did not throw), so a test can check
// the error's class and its words.
export function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error, but none was thrown");
}
