// The binary loops of js-loops.ts with one operand a rank-0 value (a number held outside
// the loop): `x op scalar` and `scalar op x` are the commonest eager calls (x·lr, x + 1,
// max(x, 0), x > 0), and a loop of their own avoids the chunked path's scratch copies.
// Each is its own function literal, for V8's per-site specialisation (see js-loops.ts).
import type { BinaryIntrinsic, BinaryOp, CompareOp } from "./expr.js";
import type { Arr } from "./js-loops.js";

export type ScalarOperandOp = BinaryOp | CompareOp | BinaryIntrinsic;
/** o[oo + i] = op(a[ao + i], y) */
export type LoopRightScalar = (o: Arr, oo: number, a: Arr, ao: number, y: number, n: number) => void;
/** o[oo + i] = op(x, b[bo + i]) */
export type LoopLeftScalar = (o: Arr, oo: number, x: number, b: Arr, bo: number, n: number) => void;

export const rightScalarLoops: { readonly [K in ScalarOperandOp]: LoopRightScalar } = {
  add: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x + y;
    }
  },
  sub: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x - y;
    }
  },
  mul: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x * y;
    }
  },
  div: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x / y;
    }
  },
  max: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x > y || Number.isNaN(x) ? x : y;
    }
  },
  min: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x < y || Number.isNaN(x) ? x : y;
    }
  },
  imul: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = Math.imul(x, y);
    }
  },
  and: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x & y;
    }
  },
  or: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x | y;
    }
  },
  xor: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x ^ y;
    }
  },
  shl: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = y >= 32 || y < 0 ? 0 : x << y;
    }
  },
  shr_u: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = y >= 32 || y < 0 ? 0 : x >>> y;
    }
  },
  eq: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x === y ? 1 : 0;
    }
  },
  ne: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x !== y ? 1 : 0;
    }
  },
  lt: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x < y ? 1 : 0;
    }
  },
  le: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x <= y ? 1 : 0;
    }
  },
  gt: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x > y ? 1 : 0;
    }
  },
  ge: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x >= y ? 1 : 0;
    }
  },
  pow: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x ** y;
    }
  },
  atan2: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = Math.atan2(x, y);
    }
  },
  rem: (o, oo, a, ao, y, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      o[oo + i] = x % y;
    }
  },
};

export const leftScalarLoops: { readonly [K in ScalarOperandOp]: LoopLeftScalar } = {
  add: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x + y;
    }
  },
  sub: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x - y;
    }
  },
  mul: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x * y;
    }
  },
  div: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x / y;
    }
  },
  max: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x > y || Number.isNaN(x) ? x : y;
    }
  },
  min: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x < y || Number.isNaN(x) ? x : y;
    }
  },
  imul: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = Math.imul(x, y);
    }
  },
  and: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x & y;
    }
  },
  or: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x | y;
    }
  },
  xor: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x ^ y;
    }
  },
  shl: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = y >= 32 || y < 0 ? 0 : x << y;
    }
  },
  shr_u: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = y >= 32 || y < 0 ? 0 : x >>> y;
    }
  },
  eq: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x === y ? 1 : 0;
    }
  },
  ne: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x !== y ? 1 : 0;
    }
  },
  lt: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x < y ? 1 : 0;
    }
  },
  le: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x <= y ? 1 : 0;
    }
  },
  gt: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x > y ? 1 : 0;
    }
  },
  ge: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x >= y ? 1 : 0;
    }
  },
  pow: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x ** y;
    }
  },
  atan2: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = Math.atan2(x, y);
    }
  },
  rem: (o, oo, x, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const y = b[bo + i]!;
      o[oo + i] = x % y;
    }
  },
};
