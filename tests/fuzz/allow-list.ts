// Known failures the fuzz suite finds in areas other branches of issue 7 are fixing. A listed
// function may throw the error classes its reason starts with ("RangeError|TypeError: ...";
// "MalformedResult" tolerates a returned array with an impossible shape) instead of a
// JaxtsError without failing the suite; every other check (only that class, inputs unchanged,
// prototypes untouched, grad still works afterwards) still applies. Delete an entry once the
// fix is merged: the suite then guards the function again.
const HUGE = "RangeError: a huge or negative size reaches the typed-array allocation (h-num: ShapeError for huge sizes)";

const DEEP = "RangeError: a cyclic or 100,000-deep pytree/nested list overflows the stack (h-core: tree cycles and deep trees)";

export const ALLOWED_FAILURES: Readonly<Record<string, string>> = {
  // h-core: cyclic and very deep pytrees -> a clear error (tests named "... (cyclic/deep input)")
  "tree.flatten (cyclic/deep input)": DEEP,
  "tree.leaves (cyclic/deep input)": DEEP,
  "tree.structure (cyclic/deep input)": DEEP,
  "tree.leafPaths (cyclic/deep input)": DEEP,
  "tree.map (cyclic/deep input)": DEEP,
  "array (cyclic/deep input)": DEEP,
  "np.asarray (cyclic/deep input)": DEEP,
  "makeJaxpr (cyclic/deep input)": DEEP,
  "grad() (cyclic/deep input)": DEEP,
  "jit() (cyclic/deep input)": DEEP,
  "vmap() (cyclic/deep input)": DEEP,
  "vjp (cyclic/deep input)": DEEP,
  "applyUpdates (cyclic/deep input)": DEEP,
  "adam.init (cyclic/deep input)": DEEP,
  // h-num: huge sizes -> ShapeError saying how much memory it would need
  "np.full": HUGE,
  "np.zeros": HUGE,
  "np.ones": HUGE,
  "np.fullLike": HUGE,
  "np.arange": HUGE,
  "np.linspace": HUGE,
  "np.eye": HUGE,
  "np.identity": HUGE,
  "np.tile": HUGE,
  "np.repeat": HUGE,
  "np.broadcastTo": HUGE,
  "lax.iota": "RangeError|MalformedResult: a negative size gives a RangeError, or an array of shape [-1, -1] (h-num: iota negative)",
  "lax.pad": HUGE,
  "lax.broadcastInDim": HUGE,
  "random.split": HUGE,
  "random.bits": HUGE,
  "random.uniform": HUGE,
  "random.normal": HUGE,
  "random.bernoulli": HUGE,
  "random.gumbel": HUGE,
  "random.randint": "RangeError|TypeError: huge sizes, and bounds of the wrong type reach the kernel (h-num reworks randint's bounds)",
  "nn.oneHot": HUGE,
  "random.permutation": HUGE,
  full: HUGE,
  zeros: HUGE,
  ones: HUGE,
  arange: HUGE,
  linspace: HUGE,
  eye: HUGE,
  // h-num: indexing modes add options to gather/scatter; `null` options still crash there
  "lax.gather": "TypeError: null options object (h-num reworks gather/scatter options with the indexing modes)",
  "lax.scatterAdd": "TypeError: null options object (h-num reworks gather/scatter options with the indexing modes)",
  // h-ad: options of transformations checked with checkOptions
  // h-ad: argnums checks, at the call of the transformed function
  "grad()": "TypeError: argnums of the wrong kind, e.g. { argnums: {} } (h-ad checks argnums)",
  "valueAndGrad()": "TypeError: argnums of the wrong kind (h-ad checks argnums)",
  "jacfwd()": "TypeError: argnums of the wrong kind (h-ad checks argnums)",
  "jacrev()": "TypeError: argnums of the wrong kind (h-ad checks argnums)",
  "hessian()": "TypeError: argnums of the wrong kind (h-ad checks argnums)",
  checkGrads: "TypeError: null options object (h-ad moves the options of transformations to checkOptions)",
  jit: "TypeError: an option of the wrong kind, e.g. { staticArgnums: true } (h-ad moves jit's options to checkOptions)",
  addDecayedWeights: "TypeError: null options object (h-ad moves optim options to checkOptions)",
  multiSteps: "TypeError: null options object (h-ad moves optim options to checkOptions)",
  injectHyperparams: "TypeError: null options object (h-ad moves optim options to checkOptions)",
  "schedules.exponentialDecay": "TypeError: null options object (h-ad moves optim options to checkOptions)",
};

/** Functions whose options object does not yet reject unknown keys (they use the older
 * checkOptionsObject or no check): fuzzUnknownOption tolerates a normal return for these.
 * h-ad and h-core are moving every options object to checkOptions; delete names as they do. */
export const UNCHECKED_OPTIONS: ReadonlySet<string> = new Set<string>([
  // h-ad: options of transformations
  "grad", "valueAndGrad", "jacfwd", "jacrev", "hessian", "vmap", "jit", "checkpoint", "checkGrads",
  // h-ad: options of optimizers, transformations, wrappers, schedules and losses
  "sgd", "adam", "adamw", "rmsprop", "adagrad", "adafactor", "lion", "lamb",
  "scaleByAdam", "scaleByRms", "scaleByStddev", "scaleByRss", "scaleByLion", "scaleByTrustRatio", "scaleByParamBlockRms",
  "scaleByFactoredRms", "scaleByLearningRate", "trace", "ema", "addDecayedWeights", "injectHyperparams", "multiSteps",
  "schedules.linear", "schedules.polynomial", "schedules.exponentialDecay", "schedules.cosineDecay", "losses.huberLoss",
  "losses.softmaxCrossEntropy", "losses.softmaxCrossEntropyWithIntegerLabels",
  // h-core: config.set({ debugNaNs: true }) stores the key
  "config.set",
  // h-num: options these functions gain or change (indexing modes, softmax axis null, cumsum of scalars)
  "np.take", "lax.gather", "lax.scatterAdd", "nn.softmax", "nn.logSoftmax", "np.cumsum",
  // left for h-num's rework of numpy/indexing.ts (same file as take)
  "np.slice",
]);
