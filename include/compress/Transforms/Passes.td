//===- Passes.td - compress graph passes -------------------*- tablegen -*-===//
//
// Passes over float TOSA graphs that are independent of any one dialect of
// ours, and passes of the lowering to LLVM on upstream dialects.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_TRANSFORMS_PASSES_TD
#define COMPRESS_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def CleanupPass : Pass<"compress-cleanup", "mlir::func::FuncOp"> {
  let summary = "Normalise frontend TOSA: layout, batch norm, constants";
  let description = [{
    Brings a float TOSA graph as torch-mlir, TFLite or an ONNX importer
    writes it into the form the rest of `compress` expects:

    * Layout: the NCHW<->NHWC `tosa.transpose` pairs that frontends put
      around every convolution and pooling op are moved along elementwise,
      reshape, slice and pad ops until they meet and cancel; what remains is
      one transpose at the input, and a transpose in front of a flattening
      `tosa.reshape` into a constant `tosa.matmul` is folded into the matmul
      weights.
    * Batch norm: chains of `tosa.sub`/`tosa.mul`/`tosa.add` with
      per-channel constants that follow a `tosa.conv2d` (or
      `tosa.depthwise_conv2d`) are folded into its weights and bias. The
      scale `gamma * rsqrt(var + eps)` becomes one float32 constant
      `gamma / sqrt(var + eps)` first, as the frameworks' own batch-norm
      folding computes it, so a model exported with batch norm already
      folded and the same model with batch norm explicit get the same
      weights.
    * Constants: any op whose operands are all constants (for example
      `tosa.add(var, eps)`) is evaluated once with the reference evaluator
      and replaced by a `tosa.const`.

    Constants may be dense elements or `dense_resource` blobs (how
    torch-mlir's FX importer gives parameters); both are read the same way,
    and folded results are dense elements. Resources that nothing folds
    stay resources.

    Results are unchanged up to float rounding.

    Before:
    ```mlir
    %0 = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : ...
    %1 = tosa.conv2d %0, %w, %b, %zp, %zp {...} : ...
    %2 = tosa.transpose %1 {perms = array<i32: 0, 3, 1, 2>} : ...
    %3 = tosa.mul %2, %gamma, %shift : ...
    %4 = tosa.transpose %3 {perms = array<i32: 0, 2, 3, 1>} : ...
    %5 = tosa.conv2d %4, ...
    ```
    After:
    ```mlir
    %0 = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : ...
    %1 = tosa.conv2d %0, %w_times_gamma, %b_times_gamma, %zp, %zp {...}
    %5 = tosa.conv2d %1, ...
    ```
  }];
  let options = [
    Option<"maxFoldElements", "max-fold-elements", "int64_t",
           /*default=*/"1048576",
           "Largest result (in elements) that constant folding creates">,
  ];
  let statistics = [
    Statistic<"numTransposesRemoved", "transposes-removed",
              "Transposes cancelled or folded into constants">,
    Statistic<"numBatchNormsFolded", "batch-norm-ops-folded",
              "Per-channel ops folded into convolution weights and bias">,
    Statistic<"numConstantsFolded", "constants-folded",
              "Ops replaced by constants">,
  ];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

def PrunePass : Pass<"compress-prune", "mlir::ModuleOp"> {
  let summary = "Zero a fraction of every layer's float weights";
  let description = [{
    Prunes the float32 constant weights of every `tosa.conv2d`,
    `tosa.depthwise_conv2d` and `tosa.matmul` of a cleaned-up float graph:
    `sparsity` percent of each layer's units become exactly 0. The units
    follow `pattern`:

    * `unstructured`: single weights;
    * `block4`: 1x4 blocks along the reduction dimension, i.e. 4
      consecutive input channels of one kernel tap of a convolution
      (fewer where a tap's channels are not a multiple of 4) or 4
      consecutive K of a matmul's `[1, K, N]` weights: the blocks that
      `compress-pack-weights` stores as `block = [1, 1, 1, 4]` (or
      `[1, 4, 1]`) and that a dot-product kernel can skip;
    * `2:4`: two of every group of four along the reduction dimension
      (always 50%; `sparsity` must be 50, or 0 to prune only planned
      layers).

    Depthwise convolutions reduce over kernel taps only and are pruned
    unstructured whatever the pattern. A layer with a `#compress.plan`
    (from `compress-plan sparsity=...`) is pruned to the plan's sparsity
    instead, and left alone when the plan keeps it dense.

    `method=magnitude` zeroes, in each row (output channel) of every layer,
    the units with the smallest sum of squares. `method=hessian` is SparseGPT: the function runs in float on
    `samples` samples of `calibration` to collect each layer's input
    Hessian `H = 2 X X^T / N` (as GPTQ does), then each row sweeps its
    columns, zeroing at every block of 128 columns the units with the
    smallest saliency `w^2 / [H^-1]_cc` and updating the weights after them
    to make up for the loss, so that the layer's outputs on the samples
    change as little as possible.

    Zeros are what the later passes read as pruned: `compress-quantize`
    keeps them (with GPTQ too) and `compress-pack-weights` stores the
    weights sparse when that is smaller.

    ```
    compress-opt model.mlir --compress-cleanup \
      --compress-prune="sparsity=75 pattern=block4 method=hessian calibration=x.npy"
    ```
  }];
  let options = [
    Option<"sparsity", "sparsity", "int64_t", /*default=*/"50",
           "Percent of each layer's units set to zero, in [0, 99]">,
    Option<"pattern", "pattern", "::compress::PrunePattern",
           /*default=*/"::compress::PrunePattern::Unstructured",
           "What is zeroed: unstructured, block4 (1x4 blocks along the "
           "reduction) or 2:4",
           [{::compress::prunePatternValues()}]>,
    Option<"method", "method", "::compress::PruneMethod",
           /*default=*/"::compress::PruneMethod::Magnitude",
           "How: magnitude, or hessian (SparseGPT on calibration samples)",
           [{::compress::pruneMethodValues()}]>,
    Option<"calibration", "calibration", "std::string", /*default=*/"",
           "Samples (.npy) the Hessians of method=hessian are collected on">,
    Option<"samples", "samples", "int64_t", /*default=*/"128",
           "Calibration samples for method=hessian">,
    Option<"damp", "damp", "double", /*default=*/"0.01",
           "Dampening of the Hessians, relative to their mean diagonal">,
    ListOption<"keepDense", "keep-dense", "std::string",
               "Layers (by name, e.g. conv2d_0) left unpruned">,
  ];
  let statistics = [
    Statistic<"numLayersPruned", "layers-pruned",
              "Layers whose weights were pruned">,
    Statistic<"numWeightsZeroed", "weights-zeroed",
              "Weights set to zero (not counting those that were already)">,
  ];
  let dependentDialects = ["compress::CompressionDialect",
                           "mlir::tosa::TosaDialect"];
}

def CalibratePass : Pass<"compress-calibrate", "mlir::ModuleOp"> {
  let summary = "Record the value ranges of a float graph on sample inputs";
  let description = [{
    Runs the entry function (`@main`, or the only public function) with the
    reference evaluator once per sample along the first axis of the
    `calibration` .npy file and records, for every float tensor the
    function computes and for its arguments, the range that quantization
    should cover, as a `#compress.range` attribute: `compress.range` on the
    op that defines the value (argument attributes for arguments).

    Statistics are over all elements of all samples; NaNs and infinities
    are left out (with a warning). Every range contains 0, which the affine
    quantizer represents exactly. Methods:

    * `minmax`: the observed extremes.
    * `percentile` (p in (50, 100]): `[Q(1 - p/100), Q(p/100)]`, where `Q`
      inverts the distribution of a histogram over the observed range,
      interpolating linearly inside a bin; p = 100 is `minmax`.
    * `mse` (the default): the `[lo, hi]` over histogram bin edges that
      minimises
      `sum_{x<lo} (lo-x)^2 + sum_{x>hi} (x-hi)^2 + n * delta^2 / 12`, with
      `delta = (hi - lo) / (2^bits - 1)` and `n` the values inside that are
      not exactly 0: exact clipping error plus uniform rounding error.

    Every method runs the samples once. The histograms of `percentile` and
    `mse` find the range as they fill: their bins have a power-of-two
    width on a grid through 0, doubled (merging pairs of bins exactly)
    whenever the values seen would need more than 4096 of them, so they
    end with 2048 to 4096 bins over the observed range.

    Before:
    ```mlir
    %1 = tosa.conv2d %0, %w, %b, %z, %z {...} : ...
    ```
    After:
    ```mlir
    %1 = tosa.conv2d %0, %w, %b, %z, %z {...,
        compress.range = #compress.range<min = -3.1, max = 5.7,
                                         method = "minmax", samples = 256>}
    ```
  }];
  let options = [
    Option<"calibration", "calibration", "std::string", /*default=*/"",
           "Sample inputs (.npy), one per entry of the first axis">,
    Option<"samples", "samples", "int64_t", /*default=*/"0",
           "Use only the first N samples (0: all)">,
    Option<"method", "method", "::compress::RangeMethod",
           /*default=*/"::compress::RangeMethod::Mse",
           "Range method: minmax, percentile or mse",
           [{::compress::rangeMethodValues()}]>,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "Percentile kept by the percentile method">,
    Option<"bits", "bits", "int64_t", /*default=*/"8",
           "Quantization bits the mse method optimises for">,
    Option<"entry", "entry", "std::string", /*default=*/"",
           "Function to calibrate (default: @main or the only public one)">,
  ];
  let statistics = [
    Statistic<"numRangesRecorded", "ranges-recorded",
              "Tensors given a calibrated range">,
  ];
  let dependentDialects = ["compress::CompressionDialect"];
}

def SensitivityPass : Pass<"compress-sensitivity", "mlir::ModuleOp"> {
  let summary = "Estimate each layer's average Hessian trace (HAWQ-V2)";
  let description = [{
    Attaches to every weight-bearing op of the entry function (`@main`, or
    the only public function) -- `tosa.conv2d`, `tosa.depthwise_conv2d` and
    `tosa.matmul` whose weight operand is a float32 constant -- an estimate
    of the average Hessian trace `Tr(H) / n` of its `n` weights, as a
    `#compress.sensitivity` attribute named `compress.sensitivity`. Mixed
    precision planning gives more bits to layers with larger traces.

    Layers are named as `compress-quantize` names them: the op name without
    its dialect and the op's index among ops of that kind in program order
    (`conv2d_0`, `depthwise_conv2d_0`, `matmul_0`, ...).

    Methods:

    * `fisher`: the Fisher information (equal to the Gauss-Newton matrix
      for a softmax output), with labels drawn from the model. For each
      sample of `calibration` the entry (which must return logits shaped
      `[1, K]` or `[K]`) runs forward, a label `y` is drawn from
      `p = softmax(logits)` with a generator seeded by `seed` and the
      sample's index, and one reverse-mode pass seeded with
      `d log p_y / d logits = onehot(y) - p` gives the gradient of every
      layer's weights. The trace is the mean of `||d log p_y / dW||^2` over
      the samples, divided by `n`.
    * `hutchinson`: Hutchinson's estimator `E[v^T G v] = Tr(G)` with
      Rademacher probes `v` of the Gauss-Newton matrix
      `G = J^T (diag(p) - p p^T) J` of the log-softmax loss, one probe per
      layer tensor at a time as HAWQ probes one block at a time. A probe
      moves one tensor by `s v` (`s` = 1e-3 of its root mean square in the
      sample) and takes the Jacobian product `u = J (s v)` as the central
      difference of two forward runs; `u^T (diag(p) - p p^T) u / s^2` is
      the estimate. Rounds of probes (one per sample and tensor) repeat
      until no running mean moves by more than `tolerance` (relative) or
      `probes` rounds are done; `samples` in the attribute counts
      sample-probe pairs. It costs two forward runs per tensor and probe,
      against one forward and one reverse pass per sample for `fisher`,
      and needs no reverse-mode kernels.
    * `import:FILE.json`: traces computed elsewhere, as a JSON object
      mapping every layer name to a non-negative number (the weight trace)
      or to `{"trace": t, "activation_trace": a}`.

    `fisher` and `hutchinson` also estimate the average trace of the
    layer's input activation (`activation_trace`): what quantizing that
    activation costs per unit of noise, which lets the planner choose
    activation bits. A tensor read by several layers gets the trace of the
    tensor as a whole.

    Before:
    ```mlir
    %1 = tosa.conv2d %x, %w, %b, %z, %z {...} : ...
    ```
    After:
    ```mlir
    %1 = tosa.conv2d %x, %w, %b, %z, %z {...,
        compress.sensitivity = #compress.sensitivity<trace = 3.2e-4,
                                                     method = "fisher",
                                                     samples = 128>} : ...
    ```
  }];
  let options = [
    Option<"method", "method", "::compress::SensitivityMethod",
           /*default=*/"::compress::SensitivityMethod{}",
           "Estimation method: fisher, hutchinson or import:FILE.json">,
    Option<"calibration", "calibration", "std::string", /*default=*/"",
           "Sample inputs (.npy) of the fisher method, one per entry of the "
           "first axis">,
    Option<"samples", "samples", "int64_t", /*default=*/"256",
           "Use only the first N samples (0: all)">,
    Option<"seed", "seed", "int64_t", /*default=*/"0",
           "Seed of the fisher method's labels and the hutchinson method's "
           "probes">,
    Option<"probes", "probes", "int64_t", /*default=*/"8",
           "Most rounds of probes (one per sample each) of the hutchinson "
           "method">,
    Option<"tolerance", "tolerance", "double", /*default=*/"0.01",
           "The hutchinson method stops when no running mean moved by more "
           "than this (relative) in a round">,
    Option<"entry", "entry", "std::string", /*default=*/"",
           "Function to analyse (default: @main or the only public one)">,
  ];
  let statistics = [
    Statistic<"numLayersAnnotated", "layers-annotated",
              "Layers given a sensitivity estimate">,
  ];
  let dependentDialects = ["compress::CompressionDialect"];
}

def FakeQuantizePass : Pass<"compress-fake-quantize", "mlir::ModuleOp"> {
  let summary = "Replace float weights by their quantized values, in float";
  let description = [{
    Simulated quantization of weights: the float32 weights of the chosen
    layers (named as `compress-sensitivity` and `compress-quantize` name
    them; all layers when `layers` is empty) are replaced by the float
    values their `bits`-bit per-channel quantization stands for, as
    `compress-quantize` rounds them with `rounding=nearest` (same
    `weight-clip`), and the graph stays float. Running the result measures what quantizing just
    those layers' weights costs, with activations and all other layers
    exact; this is how the sensitivity ranking is checked against measured
    accuracy (bench/sensitivity-check.sh).

    ```mlir
    %w = "tosa.const"() <{values = dense<[0.31, -0.12, ...]> ...}>
    ```
    becomes, with `bits=2`,
    ```mlir
    %w = "tosa.const"() <{values = dense<[0.25, -0.25, ...]> ...}>
    ```
  }];
  let options = [
    ListOption<"layers", "layers", "std::string",
               "Layers to quantize (default: all)">,
    Option<"bits", "bits", "int64_t", /*default=*/"8", "Weight bits (1..8)">,
    Option<"weightClip", "weight-clip", "::compress::qint::WeightClip",
           /*default=*/"::compress::qint::WeightClip::Max",
           "Per-channel weight scales: max or mse",
           [{::compress::weightClipValues()}]>,
    Option<"entry", "entry", "std::string", /*default=*/"",
           "Function to change (default: @main or the only public one)">,
  ];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

def PlanPass : Pass<"compress-plan", "mlir::ModuleOp"> {
  let summary = "Choose each layer's bit widths under a budget (HAWQ-V3)";
  let description = [{
    Chooses, for every layer of the entry function (as
    `compress-sensitivity` finds and names them), a weight bit width from
    `weight-bits` and an input activation bit width from
    `activation-bits`, so that the predicted error
    `sum_i Omega_i` is as small as possible while the weights fit
    `target-size` bytes (or `1 / compression-ratio` of their float32
    bytes) and, optionally, `bops-budget`. The choice is exact: an integer
    programme solved by GLPK (docs/Planner.md). Each layer gets a
    `#compress.plan` attribute, which `compress-quantize` follows.

    The error model is HAWQ-V2's, for weights and activations:

    * `Omega_w(b) = (Tr(H_w) / n) * ||Q_b(W) - W||^2`, with `Q_b` the
      per-channel quantizer `compress-quantize` uses (same `weight-clip`)
      and `Tr(H_w) / n` the layer's `compress.sensitivity` trace;
    * `Omega_a(a) = (Tr(H_x) / m) * m * delta_a^2 / 12` for the layer's
      input `x` of `m` elements, `delta_a` the step of `a`-bit affine
      parameters over its calibrated `compress.range` (uniform rounding
      noise), `Tr(H_x) / m` the sensitivity's `activation_trace`. A tensor
      read by several layers is quantized once: its term counts once and
      those layers are tied to one activation width.

    Sizes are what `compress-quantize` reports as `weight_bytes`: packed
    weights, one f32 scale per channel slice and one i32 bias per output
    channel. Float sizes count f32 weights and biases. BOPs are MACs times
    weight bits times activation bits.

    With `report=FILE` it writes the plan, the best uniform widths and the
    Pareto frontier (every size at which the optimal plan changes) as
    JSON (walked exactly at the large end and sampled with optimal plans at
    the small end when it has many breakpoints, see docs/Planner.md); with
    `pareto-svg=FILE` it draws the frontier, the uniform widths and the
    chosen plan.

    A layer's activation width is that of its input as `compress-quantize`
    quantizes it: the tensor a chain of pooling and data-movement ops
    starts from. Layers that read one such tensor share its width.

    With `accumulator-bits=P` each option's weight error is predicted with
    the weights made to fit a P-bit accumulator for inputs of the option's
    activation width (each channel's scale grown until round-to-nearest
    fits, as `compress-quantize accumulator-bits=P` starts from), and
    options whose weights cannot fit (binary ones) are dropped.

    With `sparsity=s1,s2,...` every weight width is also offered pruned to
    each sparsity (percent of the weights; `sparsity-pattern` says which:
    single weights, 1x4 blocks along the reduction, or 2:4). Such an
    option's error is measured on the weights pruned by magnitude and then
    quantized, against the float weights, and its bytes are those of the
    smallest storage of the result (`compress-pack-weights`' choice, mask
    included). The plan's `sparsity` is what `compress-prune` then prunes
    each layer to.
  }];
  let options = [
    ListOption<"weightBits", "weight-bits", "int64_t",
               "Candidate weight bits, 1..8 (2 is ternary, 1 binary); "
               "default 2,3,4,5,6,8">,
    ListOption<"activationBits", "activation-bits", "int64_t",
               "Candidate activation bits, 4..8 or 16; default 8">,
    Option<"targetSize", "target-size", "std::string", /*default=*/"",
           "Weight size budget: bytes, or with K/KB/KiB or M/MB/MiB "
           "(powers of 1024)">,
    Option<"compressionRatio", "compression-ratio", "double",
           /*default=*/"0.0",
           "Weight size budget as float32 bytes divided by this">,
    Option<"bopsBudget", "bops-budget", "int64_t", /*default=*/"0",
           "Bit-operation budget (0: none)">,
    Option<"keepFirstLast8Bit", "keep-first-last-8bit", "bool",
           /*default=*/"false",
           "Keep the first and the last layer at 8-bit weights and "
           "activations">,
    Option<"weightClip", "weight-clip", "::compress::qint::WeightClip",
           /*default=*/"::compress::qint::WeightClip::Max",
           "Weight scales as compress-quantize will choose them: max or mse",
           [{::compress::weightClipValues()}]>,
    Option<"accumulatorBits", "accumulator-bits", "int64_t",
           /*default=*/"0",
           "Predict each option's weight error with its weights made to fit "
           "this many accumulator bits (as compress-quantize does), and "
           "drop options that cannot fit; 0: no constraint">,
    ListOption<"sparsity", "sparsity", "int64_t",
               "Candidate sparsities in percent, 0..99, combined with every "
               "weight width; default 0 (no pruning)">,
    Option<"sparsityPattern", "sparsity-pattern", "::compress::PrunePattern",
           /*default=*/"::compress::PrunePattern::Unstructured",
           "What pruned options zero (as compress-prune): unstructured, "
           "block4 or 2:4",
           [{::compress::prunePatternValues()}]>,
    Option<"report", "report", "std::string", /*default=*/"",
           "Write the plan, uniform widths and Pareto frontier as JSON here">,
    Option<"paretoSvg", "pareto-svg", "std::string", /*default=*/"",
           "Draw the Pareto frontier as SVG here">,
    Option<"entry", "entry", "std::string", /*default=*/"",
           "Function to plan (default: @main or the only public one)">,
  ];
  let dependentDialects = ["compress::CompressionDialect"];
}

def QuantizePass : Pass<"compress-quantize", "mlir::ModuleOp"> {
  let summary = "Rewrite a calibrated float graph into qint integer kernels";
  let description = [{
    Turns a cleaned-up, calibrated float TOSA function into an integer
    program in the `qint` dialect, following the numerics contract:

    * weights per output channel, symmetric, signed, narrow range
      (`weight-bits`, or the op's `compress.plan`), scales by maximum or by
      MSE-optimal clipping (`weight-clip`), rounded to nearest or with GPTQ
      (`rounding`);
    * activations per tensor, affine, from the `compress.range` attributes
      (`activation-bits`, or the consumer's `compress.plan`);
    * bias as i32 at `s_x * s_w[c]`; requantization with a 32-bit
      multiplier and shift (`rescale-rounding`); ReLU/clamp fused into the
      requantize clamp; residual adds as `qint.add`; pooling, reshape,
      pad, slice and transpose on integers; dequantize at the outputs.

    With `rounding=gptq`, the scales are chosen as above but the integers
    come from GPTQ (Frantar et al. 2022): before rewriting, the float
    function runs on the first `gptq-samples` samples of `calibration` and
    every layer accumulates `H = 2 X X^T / N` of its float input vectors
    (im2col patches ordered like a row of the weights); each layer is then
    rounded one input column at a time, the rounding error of a column
    moved onto the columns not yet rounded through the Cholesky factor of
    the damped `H^-1` (`gptq-damp`), which minimises the error of the
    layer's outputs rather than of its weights.

    With `prune` (and `rounding=gptq`), every layer whose `compress.plan`
    has a nonzero sparsity is pruned to it in the same column sweep that
    rounds it (SparseGPT, Frantar & Alistarh 2023): at the start of each
    block of columns, each row zeroes its units (weights, 1x4 blocks or 2
    of 4, `prune-pattern`) of smallest saliency `sum w^2 / [U_cc]^2`, and
    their error is fed back with the rounding errors, so that pruning and
    rounding are compensated together. `compress-pipeline` prunes this way
    with `prune=hessian`.

    With `accumulator-bits=P` (accumulator-aware quantization, after A2Q
    and AXE), every accumulator is made to fit P signed bits on any input:
    the proven range of each layer's integer input bounds its terms, and
    each output channel's worst case, `bias + sum_k max(w_k t_lo, w_k
    t_hi)` and its minimum, must lie in `[-2^(P-1), 2^(P-1) - 1]`. With
    GPTQ each weight is clipped, as it is rounded, to the room its channel
    has left, and the error is fed back to the columns not yet rounded; with
    round-to-nearest (the naive baseline) each channel's scale grows until
    its integers fit. `compress-narrow-accumulators accumulator-bits=P`
    then proves it and types the accumulators `iP`.

    Ops it cannot quantize stay float between `qint.dequantize` and
    `qint.quantize`; each is reported with a remark. With `report=FILE` it
    also writes a JSON report: float and integer weight bytes and, per
    layer, its name, bit widths, weight rounding and the SQNR of its
    integer output against the float output over `report-samples` samples
    of `calibration`.

    Before:
    ```mlir
    %1 = tosa.conv2d %x, %w, %b, %z, %z {...} : (...) -> tensor<1x8x8x16xf32>
    %2 = tosa.clamp %1 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : ...
    ```
    After:
    ```mlir
    %q = qint.quantize %x {scale = ..., zero_point = ...} : ...
    %w = qint.weights {bits = 8 : i64, scales = array<f32: ...>, ...}
    %a = qint.conv2d %q, %w, %bias {input_zp = ...} : (...) -> tensor<1x8x8x16xi32>
    %2 = qint.requantize %a {multiplier = array<i32: ...>, shift = ...,
                             clamp_min = -128, ...} : ... -> tensor<1x8x8x16xi8>
    ```
  }];
  let options = [
    Option<"weightBits", "weight-bits", "int64_t", /*default=*/"8",
           "Weight bits (1..8) of layers without a compress.plan">,
    Option<"activationBits", "activation-bits", "int64_t", /*default=*/"8",
           "Activation bits (4..8, or 16) of tensors without a plan">,
    Option<"weightClip", "weight-clip", "::compress::qint::WeightClip",
           /*default=*/"::compress::qint::WeightClip::Max",
           "Per-channel weight scale: max or mse (clipping that minimises "
           "the squared rounding error)",
           [{::compress::weightClipValues()}]>,
    Option<"rounding", "rounding", "::compress::WeightRounding",
           /*default=*/"::compress::WeightRounding::Nearest",
           "Weight rounding: nearest, or gptq (error feedback through the "
           "Hessian of each layer's inputs on calibration samples)",
           [{::compress::weightRoundingValues()}]>,
    Option<"gptqSamples", "gptq-samples", "int64_t", /*default=*/"256",
           "Calibration samples the GPTQ Hessians are collected on">,
    Option<"gptqDamp", "gptq-damp", "double", /*default=*/"0.01",
           "GPTQ dampening: added to the Hessian's diagonal, relative to "
           "its mean">,
    Option<"rescaleRounding", "rescale-rounding", "::compress::RescaleRounding",
           /*default=*/"::compress::RescaleRounding::Double",
           "Requantization rounding: double or single (as tosa.rescale)",
           [{::compress::rescaleRoundingValues()}]>,
    Option<"report", "report", "std::string", /*default=*/"",
           "Write a JSON report (sizes, per-layer bits and SQNR) here">,
    Option<"calibration", "calibration", "std::string", /*default=*/"",
           "Samples (.npy) for the report's per-layer SQNR and for GPTQ">,
    Option<"reportSamples", "report-samples", "int64_t", /*default=*/"32",
           "Samples the report's SQNR is measured on">,
    Option<"accumulatorBits", "accumulator-bits", "int64_t", /*default=*/"0",
           "Choose the weights so that every accumulator fits this many "
           "signed bits (2..32) on any input; 0: no constraint">,
    Option<"prune", "prune", "bool", /*default=*/"false",
           "Prune each layer to the sparsity of its compress.plan in GPTQ's "
           "column sweep (SparseGPT); needs rounding=gptq">,
    Option<"prunePattern", "prune-pattern", "::compress::PrunePattern",
           /*default=*/"::compress::PrunePattern::Unstructured",
           "What prune= zeroes: unstructured, block4 (1x4 blocks along the "
           "reduction) or 2:4",
           [{::compress::prunePatternValues()}]>,
  ];
  let statistics = [
    Statistic<"numLayersQuantized", "layers-quantized",
              "Convolutions and matmuls rewritten to integer kernels">,
    Statistic<"numOpsLeftFloat", "ops-left-float",
              "Ops kept in float between dequantize and quantize">,
    Statistic<"numLayersGptq", "layers-gptq",
              "Layers whose weights GPTQ rounded">,
  ];
  let dependentDialects = ["compress::CompressionDialect",
                           "compress::qint::QIntDialect",
                           "mlir::tosa::TosaDialect"];
}

def ExpandStridedCopiesPass
    : Pass<"compress-expand-strided-copies", "mlir::func::FuncOp"> {
  let summary = "Turn memref.copy between strided layouts into linalg.copy";
  let description = [{
    Bufferization writes `memref.copy` for every tensor copy. Between two
    contiguous buffers the LLVM lowering makes it a `memcpy`; between
    strided ones (the window of a `tosa.slice`, the interior of a
    `tosa.pad`) it becomes a call to `memrefCopy` of MLIR's C runner
    utilities, which walks the elements one by one through their
    descriptors. This pass rewrites those copies into `linalg.copy`, which
    `convert-linalg-to-loops` makes plain loops that LLVM vectorizes, and
    the compiled program no longer needs the runner utilities for them.

    Before:
    ```mlir
    memref.copy %a, %b : memref<4x4xi8, strided<[8, 1]>> to memref<4x4xi8>
    ```
    After:
    ```mlir
    linalg.copy ins(%a : memref<4x4xi8, strided<[8, 1]>>)
                outs(%b : memref<4x4xi8>)
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def PlanBuffersPass : Pass<"compress-plan-buffers", "mlir::ModuleOp"> {
  let summary = "Place a function's temporary buffers in one arena";
  let description = [{
    After bufferization every intermediate tensor of a model is a
    `memref.alloc`, so a call allocates and frees a buffer per layer (two
    per VNNI kernel: its output and its halo). This pass gives each
    function one arena instead: it computes, for every statically shaped
    `memref.alloc` in the function's body, the range of ops between the
    allocation and the last use of the buffer or of any view of it (through
    `BufferViewFlowAnalysis`, so views, loops and branches count), places
    buffers whose ranges overlap at disjoint 64-byte aligned offsets (first
    fit, largest first), and replaces each allocation by a `memref.view` of
    the arena. Buffers that leave the function (results, and anything passed
    to a call) keep their own allocation.

    With `arena=heap` (the default) the arena is one `memref.alloc` per
    call, freed at the end by the deallocation pipeline: the function stays
    reentrant. With `arena=global` it is a private `memref.global`: no
    allocation per call for temporaries, but two calls must not run at once.
    With `arena=none` the pass changes nothing. The runner uses `global`
    (one call at a time); `compress-aot` objects use `heap` unless asked
    otherwise.

    Run after one-shot bufferization and before buffer deallocation.

    Before:
    ```mlir
    %a = memref.alloc() {alignment = 64 : i64} : memref<16xi8>
    ...  // last use of %a
    %b = memref.alloc() {alignment = 64 : i64} : memref<32xi8>
    ```
    After:
    ```mlir
    %arena = memref.alloc() {alignment = 64 : i64} : memref<32xi8>
    %a = memref.view %arena[%c0][] : memref<32xi8> to memref<16xi8>
    ...
    %b = memref.view %arena[%c0][] : memref<32xi8> to memref<32xi8>
    ```
  }];
  let options = [
    Option<"arena", "arena", "::compress::BufferArena",
           /*default=*/"::compress::BufferArena::Heap",
           "Where the arena lives: heap (one allocation per call), "
           "global (a static buffer; calls must not overlap) or none (no "
           "arena: the pass leaves the buffers alone)",
           [{::compress::bufferArenaValues()}]>,
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numPlanned", "buffers-planned",
              "Allocations replaced by views of an arena">,
    Statistic<"arenaBytes", "arena-bytes", "Bytes of all arenas">,
  ];
}

#endif // COMPRESS_TRANSFORMS_PASSES_TD
