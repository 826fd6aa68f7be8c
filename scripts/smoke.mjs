#!/usr/bin/env node
// Smoke test of the *built* packages, run after `pnpm build`.
//
// Loads every package and every subpath export with Node's own `import()` (ESM) and
// `require()` (CJS, via createRequire) — with no "@jaxts/source" condition, so it sees
// exactly what a user of the published packages sees — and checks that:
//   - every file named in each package's `exports` map exists (js, cjs, d.ts, d.cts);
//   - each entry resolves into dist/ and loads;
//   - a few real calls work in both formats;
//   - module state is shared: an NDArray made through one subpath is `instanceof`
//     the NDArray class of the main entry, and namespace functions are identical
//     objects whichever entry they are reached through (ESM and CJS separately).
// Transforms and optim may still be partial: their functions are exercised only if
// they are exported, but every entry is always loaded.
//
// Usage: node scripts/smoke.mjs        (exit 1 on any failure)

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(repoRoot, "package.json"));

// ---------------------------------------------------------------------------------
// Refuse to run with the source condition: it would test src/, not dist/.
const sourceFlag = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
if (/conditions?[= ]\S*@jaxts\/source|-C\s*@jaxts\/source/.test(sourceFlag)) {
  console.error("smoke: run without the @jaxts/source condition (it must test the built dist/)");
  process.exit(1);
}

const PACKAGES = {
  "@jaxts/core": ["", "numpy", "lax", "nn", "random", "tree", "fp"],
  "@jaxts/transforms": ["", "testing", "fp"],
  "@jaxts/optim": ["", "schedules", "losses", "fp"],
};

let failed = 0;
let passed = 0;
const ok = (msg) => {
  passed++;
  console.log(`  ok    ${msg}`);
};
const fail = (msg, err, { stack = true } = {}) => {
  failed++;
  let detail = "";
  if (err instanceof Error) {
    // Keep the message and the first frames: enough to find the failing call.
    const text = stack && err.stack ? err.stack.split("\n").slice(0, 4).join("\n      ") : `${err.name}: ${err.message}`;
    detail = `\n      ${text}`;
  } else if (err !== undefined) {
    detail = `\n      ${String(err)}`;
  }
  console.log(`  FAIL  ${msg}${detail}`);
};
const check = (msg, fn) => {
  try {
    const r = fn();
    if (r === false) fail(msg);
    else ok(msg);
  } catch (e) {
    fail(msg, e);
  }
};

const has = (mod, name) => mod != null && typeof mod[name] === "function";
const num = (x) => {
  if (typeof x === "number") return x;
  if (x && typeof x.item === "function") return Number(x.item());
  throw new Error(`expected a number or size-1 array, got ${String(x)}`);
};
const close = (a, b, tol = 1e-5) => Math.abs(a - b) <= tol * (1 + Math.abs(b));
const flat = (x) => (Array.isArray(x) ? x.flat(Number.POSITIVE_INFINITY) : [x]);
const allClose = (got, want, tol = 1e-5) => {
  const g = flat(got);
  const w = flat(want);
  if (g.length !== w.length || !g.every((v, i) => close(Number(v), w[i], tol))) {
    throw new Error(`got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  return true;
};
const eq = (got, want) => {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  return true;
};

// ---------------------------------------------------------------------------------
// 1. The exports maps point at files that exist.
console.log("exports maps");
for (const pkg of Object.keys(PACKAGES)) {
  const dir = join(repoRoot, "packages", pkg.split("/")[1]);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  for (const sub of PACKAGES[pkg]) {
    const key = sub === "" ? "." : `./${sub}`;
    const entry = manifest.exports?.[key];
    if (!entry) {
      fail(`${pkg} exports "${key}"`);
      continue;
    }
    const files = [];
    const walk = (v, cond) => {
      if (typeof v === "string") {
        if (cond !== "@jaxts/source") files.push(v);
      } else if (v && typeof v === "object") for (const [c, w] of Object.entries(v)) walk(w, c);
    };
    walk(entry, "");
    const missing = files.filter((f) => !existsSync(join(dir, f)));
    if (missing.length === 0) ok(`${pkg}${sub ? `/${sub}` : ""}: ${files.length} files present`);
    else fail(`${pkg}${sub ? `/${sub}` : ""}: missing ${missing.join(", ")} (did \`pnpm build\` run?)`);
  }
}

// ---------------------------------------------------------------------------------
// 1b. The built code imports only declared, non-bundled dependencies: fp-ts must be
//     bundled (it has no exports map, so its deep imports crash plain Node ESM), and
//     nothing may import a package that is not in the package's dependencies.
console.log("external imports of dist/");
for (const pkg of Object.keys(PACKAGES)) {
  const dir = join(repoRoot, "packages", pkg.split("/")[1]);
  const distDir = join(dir, "dist");
  if (!existsSync(distDir)) continue; // reported above
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const deps = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  const bad = new Set();
  for (const f of readdirSync(distDir).filter((n) => /\.(c?js|mjs)$/.test(n))) {
    const code = readFileSync(join(distDir, f), "utf8");
    // Static imports/exports start a line in tsup's output (`import x from "y"`, `import "y"`,
    // `export { a } from "y"`); dynamic import() and require() may appear anywhere. Anchoring
    // the static forms keeps messages such as "import 'env.f' before ..." from matching.
    const re = /(?:^[ \t]*(?:import|export)\b[^"';]*?\bfrom\s*|^[ \t]*import\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/gm;
    for (const m of code.matchAll(re)) {
      const spec = m[1];
      if (spec.startsWith("node:")) continue;
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      if (name === "fp-ts" || !deps.has(name)) bad.add(`${f}: ${spec}`);
    }
  }
  if (bad.size === 0) ok(`${pkg}: dist imports only declared dependencies (fp-ts bundled)`);
  else fail(`${pkg}: dist imports ${[...bad].join(", ")}`);
}

// ---------------------------------------------------------------------------------
// 2. Load everything in both formats.
const specifiers = Object.entries(PACKAGES).flatMap(([pkg, subs]) =>
  subs.map((s) => (s === "" ? pkg : `${pkg}/${s}`)),
);

async function loadAll(format) {
  const mods = {};
  for (const spec of specifiers) {
    try {
      let resolved;
      if (format === "esm") {
        resolved = fileURLToPath(import.meta.resolve(spec));
        mods[spec] = await import(spec);
      } else {
        resolved = require.resolve(spec);
        mods[spec] = require(spec);
      }
      const want = format === "esm" ? ".js" : ".cjs";
      if (!resolved.includes(`${sep}dist${sep}`) || !resolved.endsWith(want)) {
        fail(`${format} ${spec} resolved to ${resolved}, expected dist/*${want}`);
        continue;
      }
      const n = Object.keys(mods[spec]).filter((k) => k !== "default" && k !== "__esModule").length;
      ok(`${format} load ${spec} (${n} exports)`);
    } catch (e) {
      mods[spec] = undefined;
      fail(`${format} load ${spec}`, e, { stack: false });
    }
  }
  return mods;
}

// ---------------------------------------------------------------------------------
// 3. Real calls.
function checkCore(format, m) {
  const core = m["@jaxts/core"];
  if (!core) return;
  const { NDArray } = core;
  const tag = (s) => `${format} ${s}`;

  check(tag("core exports array/np/lax/nn/random/tree/makeJaxpr/NDArray"), () =>
    ["array", "makeJaxpr", "evalJaxpr", "NDArray", "zeros", "ones", "arange"].every((k) => k in core) &&
    ["np", "lax", "nn", "random", "tree"].every((k) => typeof core[k] === "object"),
  );
  check(tag("core.np.add(core.array([1,2]), 1).toArray() == [2,3]"), () =>
    eq(core.np.add(core.array([1, 2]), 1).toArray(), [2, 3]),
  );
  check(tag("fluent x.mul(2).sum().item() == 6"), () => eq(core.array([1, 2]).mul(2).sum().item(), 6));
  check(tag("zeros([2,3]).shape and default dtype"), () =>
    eq([core.zeros([2, 3]).shape, core.zeros([2, 3]).dtype], [[2, 3], "float32"]),
  );

  const npSub = m["@jaxts/core/numpy"];
  if (npSub) {
    check(tag("@jaxts/core/numpy array is instanceof core NDArray"), () => {
      const x = npSub.add(npSub.array ? npSub.array([1, 2]) : core.array([1, 2]), 1);
      return x instanceof NDArray && eq(x.toArray(), [2, 3]);
    });
    check(tag("@jaxts/core/numpy shares functions with core.np"), () => npSub.add === core.np.add);
    check(tag("@jaxts/core/numpy matmul + sum with axis"), () =>
      eq(npSub.sum(npSub.matmul(core.array([[1, 2], [3, 4]]), core.array([[1], [1]])), { axis: 0 }).toArray(), [10]),
    );
  }
  const laxSub = m["@jaxts/core/lax"];
  if (laxSub) {
    check(tag("@jaxts/core/lax add result instanceof core NDArray"), () => {
      const x = laxSub.add(core.array([1, 2]), core.array([3, 4]));
      return x instanceof NDArray && eq(x.toArray(), [4, 6]);
    });
    check(tag("@jaxts/core/lax shares functions with core.lax"), () => laxSub.add === core.lax.add);
  }
  const nnSub = m["@jaxts/core/nn"];
  if (nnSub) {
    check(tag("@jaxts/core/nn relu"), () => {
      const y = nnSub.relu(core.array([-1, 2]));
      return y instanceof NDArray && eq(y.toArray(), [0, 2]);
    });
    check(tag("@jaxts/core/nn softmax sums to 1"), () => close(num(nnSub.softmax(core.array([1, 2, 3])).sum()), 1));
  }
  const rnd = m["@jaxts/core/random"];
  if (rnd) {
    check(tag("@jaxts/core/random normal: shape, determinism, instanceof"), () => {
      const a = rnd.normal(rnd.key(0), [3]);
      const b = core.random.normal(core.random.key(0), [3]);
      return a instanceof NDArray && eq(a.shape, [3]) && eq(a.toArray(), b.toArray());
    });
  }
  const tr = m["@jaxts/core/tree"];
  if (tr) {
    check(tag("@jaxts/core/tree leaves/map"), () => {
      const t = { b: [core.array(2), 3], a: core.array(1) };
      const doubled = tr.map((x) => core.np.multiply(x, 2), t);
      return eq(tr.leaves(t).length, 3) && eq(tr.leaves(doubled).map(num), [2, 4, 6]);
    });
  }
  check(tag("makeJaxpr prints sin/mul and evalJaxpr runs it"), () => {
    const f = (x) => core.np.sin(x).mul(x);
    const jaxpr = core.makeJaxpr(f)(core.array(1.0));
    const text = String(jaxpr);
    if (!/\{ lambda/.test(text) || !/\bsin\b/.test(text) || !/\bmul\b/.test(text)) {
      throw new Error(`unexpected jaxpr text:\n${text}`);
    }
    const out = core.evalJaxpr(jaxpr, core.array(1.0));
    const v = Array.isArray(out) ? out[0] : out;
    return close(num(v), Math.sin(1) * 1);
  });
}

function checkTransforms(format, m) {
  const core = m["@jaxts/core"];
  const tx = m["@jaxts/transforms"];
  if (!core || !tx) return;
  const { NDArray } = core;
  const tag = (s) => `${format} ${s}`;
  const f = (x) => x.pow(2).add(x.mul(3)).add(1);

  if (has(tx, "grad")) {
    check(tag("grad(x**2+3x+1)(3) == 9, an NDArray of the core entry"), () => {
      const g = tx.grad(f)(3);
      return g instanceof NDArray && close(num(g), 9);
    });
    check(tag("grad(grad(x**2+3x+1))(3) == 2"), () => close(num(tx.grad(tx.grad(f))(3)), 2));
  }
  if (has(tx, "valueAndGrad")) {
    check(tag("valueAndGrad(x**2+3x+1)(3) == [19, 9]"), () => {
      const [v, g] = tx.valueAndGrad(f)(3);
      return close(num(v), 19) && close(num(g), 9);
    });
  }
  if (has(tx, "jit")) {
    check(tag("jit(x**2+3x+1)(3) == 19"), () => close(num(tx.jit(f)(core.array(3.0))), 19));
  }
  if (has(tx, "vmap")) {
    check(tag("vmap(x**2+3x+1)([0,1,2]) == [1,5,11]"), () =>
      allClose(tx.vmap(f)(core.array([0, 1, 2])).toArray(), [1, 5, 11]),
    );
  }
  if (has(tx, "jvp")) {
    check(tag("jvp(x**2+3x+1, [3], [1]) == [19, 9]"), () => {
      const [p, t] = tx.jvp(f, [core.array(3.0)], [core.array(1.0)]);
      return close(num(p), 19) && close(num(t), 9);
    });
  }
  if (has(tx, "vjp")) {
    check(tag("vjp(x**2+3x+1, 3) cotangent 1 -> [9]"), () => {
      const [out, vjpFn] = tx.vjp(f, core.array(3.0));
      const cts = vjpFn(core.array(1.0));
      return close(num(out), 19) && close(num(cts[0]), 9);
    });
  }
  const testing = m["@jaxts/transforms/testing"];
  if (has(testing, "checkGrads")) {
    check(tag("testing.checkGrads(sin, [0.5]) passes"), () => {
      testing.checkGrads((x) => core.np.sin(x), [core.array(0.5, { dtype: "float64" })], { order: 1 });
      return true;
    });
  }
}

function checkOptim(format, m) {
  const core = m["@jaxts/core"];
  const opt = m["@jaxts/optim"];
  if (!core || !opt) return;
  const tag = (s) => `${format} ${s}`;

  if (has(opt, "sgd") && has(opt, "applyUpdates")) {
    check(tag("sgd(0.1) one step: w - 0.1*g, an NDArray of the core entry"), () => {
      const tx = opt.sgd(0.1);
      const params = { w: core.array([1, 2]) };
      const grads = { w: core.array([1, 1]) };
      const state = tx.init(params);
      const [updates] = tx.update(grads, state, params);
      const w = opt.applyUpdates(params, updates).w;
      return w instanceof core.NDArray && allClose(w.toArray(), [0.9, 1.9]);
    });
  }
  if (has(opt, "adam")) {
    check(tag("adam(0.1) init/update runs"), () => {
      const tx = opt.adam(0.1);
      const params = { w: core.array([1, 2]) };
      const [updates, state] = tx.update({ w: core.array([1, -1]) }, tx.init(params), params);
      // Adam's first step is -lr * sign(g) (up to eps).
      return state !== undefined && allClose(updates.w.toArray(), [-0.1, 0.1], 1e-3);
    });
  }
  const sch = m["@jaxts/optim/schedules"];
  if (has(sch, "constant")) {
    check(tag("schedules.constant(0.5)(10) == 0.5"), () => close(num(sch.constant(0.5)(10)), 0.5));
  }
  const losses = m["@jaxts/optim/losses"];
  if (has(losses, "squaredError")) {
    check(tag("losses.squaredError([1,2],[0,0]) == [1,4]"), () =>
      allClose(losses.squaredError(core.array([1, 2]), core.array([0, 0])).toArray(), [1, 4]),
    );
  }
}

for (const format of ["esm", "cjs"]) {
  console.log(`${format}: load and call`);
  const mods = await loadAll(format);
  checkCore(format, mods);
  checkTransforms(format, mods);
  checkOptim(format, mods);
}

// A bundler reading the built packages as a web app would: every entry bundled for the
// browser with esbuild must give no warning (a bare chunk import next to "sideEffects": false
// is one) and no Node built-in.
{
  console.log("esm: bundled for the browser with esbuild");
  const { build } = await import("esbuild");
  const contents = specifiers.map((s, i) => `import * as m${i} from "${s}"; globalThis.m${i} = m${i};`).join("\n");
  const msg = "every entry bundles for the browser with no warning";
  try {
    const result = await build({
      stdin: { contents, resolveDir: repoRoot, loader: "js" },
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      logLevel: "silent",
    });
    if (result.warnings.length > 0) fail(`${msg}: ${result.warnings.map((w) => w.text).join("; ")}`);
    else ok(msg);
  } catch (e) {
    fail(msg, e);
  }
}

console.log(`smoke: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
