// JS conversion of arrays (`x > 0`, `Number(x)`, template strings): concrete values convert,
// traced ones throw ConcretizationError naming the transformation, non-scalars never convert.
import { ArgumentError, array, ConcretizationError, type NDArray, np } from "@jaxts/core";
import { grad, jit, jvp, valueAndGrad, vmap } from "@jaxts/transforms";
import { describe, expect, it } from "vitest";

// JS's relational operators on objects go through Symbol.toPrimitive; TypeScript does not
// model that, so the tests compare through this alias (what a JS user writes as `v > 0`).
const gt = (a: NDArray, b: number): boolean => (a as unknown as number) > b;

describe("JS conversion of NDArray", () => {
  it("a concrete size-1 array converts to its number in comparisons, Number(), + and ==", () => {
    const x = array(3);
    expect(gt(x, 0)).toBe(true);
    expect(gt(x, 5)).toBe(false);
    expect(Number(x)).toBe(3);
    expect(+array([[2.5]])).toBe(2.5);
    expect((x as unknown as number) + 1).toBe(4);
    expect(Math.max(x as unknown as number, 7)).toBe(7);
    expect(x.valueOf()).toBe(3);
  });

  it("a bool array converts to a boolean (1/0 in arithmetic)", () => {
    const t = array(true);
    expect(t.valueOf()).toBe(true);
    expect(Number(t)).toBe(1);
    expect(Number(array(false))).toBe(0);
  });

  it("template strings and String() of concrete arrays print the value, of any size", () => {
    expect(`${array(3)}`).toBe(String(array(3)));
    expect(`${array([1, 2])}`).toBe(array([1, 2]).toString());
    expect(`${array([1, 2])}`).toContain("1");
  });

  it("Number() of an array with several elements is an ArgumentError (no silent NaN)", () => {
    expect(() => Number(array([1, 2]))).toThrow(ArgumentError);
    expect(() => Number(array([1, 2]))).toThrow(/size 1.*shape \[2\]/);
    expect(() => gt(array([1, 2]), 0)).toThrow(ArgumentError);
    expect(() => (array([1, 2]) as unknown as number) + 1).toThrow(ArgumentError);
  });

  it("branching with > inside eager grad uses the primal's value", () => {
    const f = (v: NDArray) => (gt(v, 0) ? v.mul(v) : v.neg());
    expect(grad(f)(array(3)).item()).toBe(6);
    expect(grad(f)(array(-3)).item()).toBe(-1);
    expect(valueAndGrad(f)(array(3))[0].item()).toBe(9);
    expect(Number(grad((v: NDArray) => (Number(v) > 1 ? v.mul(3) : v))(2))).toBe(3);
  });

  it("branching with > inside jvp uses the primal's value", () => {
    const [y, t] = jvp((v: NDArray) => (gt(v, 0) ? v.mul(v) : v.neg()), [array(2)], [array(1)]);
    expect([Number(y), Number(t)]).toEqual([4, 4]);
  });

  it("branching with > on a traced value under jit is a ConcretizationError naming jit and the function", () => {
    const f = jit(function relu(v: NDArray) {
      return gt(v, 0) ? v : v.neg();
    });
    expect(() => f(array(2))).toThrow(ConcretizationError);
    expect(() => f(array(2))).toThrow(/jit\(relu\)/);
  });

  it("Number(tracer) under jit is a ConcretizationError, not NaN", () => {
    expect(() => jit((v: NDArray) => array(Number(v)))(array(1))).toThrow(ConcretizationError);
    expect(() => jit((v: NDArray) => v.mul(Math.sqrt(v as unknown as number)))(array(1))).toThrow(ConcretizationError);
  });

  it("converting a traced value under vmap, or under jit inside grad, is a ConcretizationError", () => {
    expect(() => vmap((v: NDArray) => (gt(v, 0) ? v : v.neg()))(array([1, 2]))).toThrow(ConcretizationError);
    expect(() => grad(jit((v: NDArray) => (gt(v, 0) ? v.mul(v) : v)))(array(1))).toThrow(ConcretizationError);
  });

  it("template strings of tracers print the abstract value, and item() still works on concrete arrays", () => {
    let text = "";
    jit((v: NDArray) => {
      text = `${v}`;
      return v;
    })(array(1));
    expect(text).toMatch(/Traced<f32\[\]>/);
    expect(array(2).item()).toBe(2);
    expect(np.sum(array([1, 2])).item()).toBe(3);
  });
});

describe("toTypedArray", () => {
  // Array data is kept in internal buffers (slabs for small arrays, buffers with room around
  // the data for big ones); what a caller gets must be a plain typed array of its own.
  const sizes = [3, 200, 1500, 16384, 70000];
  const dtypes = ["float32", "float64", "int32", "uint8", "bool", "complex64", "float16"] as const;
  it("hands over a typed array of its own: offset 0, a buffer exactly its size, and writing it changes nothing", () => {
    const f = jit((x: NDArray) => np.add(np.multiply(x, 2), 1));
    for (const n of sizes) {
      for (const dtype of dtypes) {
        const made = np.arange(n).astype(dtype);
        const results: [string, NDArray][] = [
          ["array()", made],
          ["an eager kernel", np.add(made, made)],
          ["jit", f(made)],
        ];
        // (a complex64 typed array reads as interleaved parts, twice the elements)
        if (dtype !== "complex64") results.push(["a copy of a user's typed array", array(made.toTypedArray(), { dtype })]);
        for (const [how, a] of results) {
          const before = a.toTypedArray();
          const t = a.toTypedArray();
          const what = `${dtype}[${n}] from ${how}`;
          expect(t.byteOffset, what).toBe(0);
          expect(t.buffer.byteLength, what).toBe(t.byteLength);
          expect(t.length, what).toBe(dtype === "complex64" ? 2 * n : n);
          expect(t.buffer, what).not.toBe(before.buffer);
          t.fill(7);
          const after = a.toTypedArray();
          expect(after.every((v, i) => Object.is(v, before[i])), what).toBe(true);
        }
      }
    }
  });
});
