// RUN: not compress-opt %s --compress-pipeline="calibration=%t.npy" --dump-pass-pipeline 2>&1 | FileCheck %s
// RUN: not compress-opt %s --compress-pipeline="calibration=%t.npy compression-ratio=8" --dump-pass-pipeline 2>&1 | FileCheck %s --check-prefix=PLAN
// RUN: not compress-opt %s --compress-pipeline="calibration=%t.npy weight-bits=4,8 rounding=nearest" --dump-pass-pipeline 2>&1 | FileCheck %s --check-prefix=LIST
// RUN: not compress-opt %s --compress-pipeline="calibration=%t.npy accumulator-bits=18" --dump-pass-pipeline 2>&1 | FileCheck %s --check-prefix=ACC
// RUN: not compress-opt %s --compress-pipeline="calibration=%t.npy compression-ratio=16 sparsity=0,50,90 sparsity-pattern=block4" --dump-pass-pipeline 2>&1 | FileCheck %s --check-prefix=PRUNE
// RUN: not compress-opt %s --compress-pipeline="calibration=%t.npy compression-ratio=16 sparsity=0,50 prune=magnitude" --dump-pass-pipeline 2>&1 | FileCheck %s --check-prefix=MAGNITUDE
// RUN: not compress-opt %s --compress-pipeline="calibration=%t.npy compression-ratio=16 sparsity=0,50 rounding=nearest" --dump-pass-pipeline 2>&1 | FileCheck %s --check-prefix=NEAREST
// RUN: not compress-opt %s --compress-pipeline="calibration=%t.npy weight-bits=4 activation-bits=16 rounding=gptq calibration-method=percentile percentile=99 weight-clip=mse rescale-rounding=single gptq-samples=64 gptq-damp=0.1 report-samples=8 samples=100 max-fold-elements=64" --dump-pass-pipeline 2>&1 | FileCheck %s --check-prefix=OPTS

/// The pass list of compress-pipeline: --dump-pass-pipeline prints the named
/// pipeline expanded into its passes, with the options each pass gets, and
/// then runs it (here on a module without a function, which calibration
/// rejects). Without a budget the pipeline calibrates and quantizes with
/// every pass's defaults and rounds weights to nearest.
// CHECK:      Pass Manager with 6 passes:
// CHECK-NEXT: builtin.module(
// CHECK-NEXT:   func.func(
// CHECK-NEXT:     compress-cleanup{max-fold-elements=1048576}
// CHECK-NEXT:   ),
// CHECK-NEXT:   compress-calibrate{bits=8 calibration={{.*}}.npy entry= method=mse percentile=9.999000e+01 samples=0},
// CHECK-NEXT:   compress-quantize{accumulator-bits=0 activation-bits=8 calibration={{.*}}.npy gptq-damp=1.000000e-02 gptq-samples=256 prune=false prune-pattern=unstructured report= report-samples=32 rescale-rounding=double rounding=nearest weight-bits=8 weight-clip=max},
// CHECK-NEXT:   func.func(
// CHECK-NEXT:     compress-pack-weights
// CHECK-NEXT:   ),
// CHECK-NEXT:   canonicalize{{.*}},
// CHECK-NEXT:   cse
// CHECK-NEXT: )
// CHECK:      error: the model has no public function to run

/// A budget adds compress-sensitivity and compress-plan, and makes GPTQ the
/// default rounding.
// PLAN:      Pass Manager with 8 passes:
// PLAN-NEXT: builtin.module(
// PLAN-NEXT:   func.func(
// PLAN-NEXT:     compress-cleanup{max-fold-elements=1048576}
// PLAN-NEXT:   ),
// PLAN-NEXT:   compress-calibrate{bits=8 calibration={{.*}}.npy entry= method=mse percentile=9.999000e+01 samples=0},
// PLAN-NEXT:   compress-sensitivity{calibration={{.*}}.npy entry= method=fisher probes=8 samples=256 seed=0 tolerance=1.000000e-02},
// PLAN-NEXT:   compress-plan{accumulator-bits=0  bops-budget=0 compression-ratio=8.000000e+00 entry= keep-first-last-8bit=false pareto-svg= report= sparsity-pattern=unstructured target-size=  weight-clip=max},
// PLAN-NEXT:   compress-quantize{accumulator-bits=0 activation-bits=8 calibration={{.*}}.npy gptq-damp=1.000000e-02 gptq-samples=256 prune=false prune-pattern=unstructured report= report-samples=32 rescale-rounding=double rounding=gptq weight-bits=8 weight-clip=max},
// PLAN-NEXT:   func.func(
// PLAN-NEXT:     compress-pack-weights
// PLAN-NEXT:   ),
// PLAN-NEXT:   canonicalize{{.*}},
// PLAN-NEXT:   cse
// PLAN-NEXT: )

/// Candidate sparsities go to the plan, which chooses one per layer;
/// compress-quantize then prunes each layer to it in GPTQ's sweep
/// (SparseGPT, the default; layers without a plan stay dense). With
/// prune=magnitude, or without GPTQ, compress-prune prunes first and the
/// ranges are calibrated again on the pruned model.
// PRUNE:      Pass Manager with 8 passes:
// PRUNE:        compress-plan{{{.*}} sparsity={0,50,90} sparsity-pattern=block4 {{.*}}},
// PRUNE-NEXT:   compress-quantize{{{.*}} prune=true prune-pattern=block4 {{.*}} rounding=gptq {{.*}}},
// MAGNITUDE:    compress-plan{
// MAGNITUDE-NEXT: compress-prune{calibration= damp=1.000000e-02 method=magnitude pattern=unstructured samples=128 sparsity=0},
// MAGNITUDE-NEXT: compress-calibrate{bits=8 calibration={{.*}}.npy
// MAGNITUDE-NEXT: compress-quantize{{{.*}} prune=false {{.*}} rounding=gptq {{.*}}},
// NEAREST:      compress-prune{calibration={{.*}}.npy damp=1.000000e-02 method=hessian pattern=unstructured samples=128 sparsity=0},
// NEAREST-NEXT: compress-calibrate{bits=8 calibration={{.*}}.npy
// NEAREST-NEXT: compress-quantize{{{.*}} prune=false {{.*}} rounding=nearest {{.*}}},

/// Several candidate widths plan too; a given rounding wins over the
/// derived one.
// LIST:      Pass Manager with 8 passes:
// LIST:        compress-sensitivity{
// LIST-NEXT:   compress-plan{accumulator-bits=0  bops-budget=0 compression-ratio=0.000000e+00 entry= keep-first-last-8bit=false pareto-svg= report= sparsity-pattern=unstructured target-size= weight-bits={4,8} weight-clip=max},
// LIST-NEXT:   compress-quantize{{{.*}} rounding=nearest weight-bits=8 weight-clip=max},

/// Every other option reaches its pass unchanged; the widest widths become
/// compress-calibrate's bits and compress-quantize's widths.
// OPTS:      Pass Manager with 6 passes:
// OPTS:        compress-cleanup{max-fold-elements=64}
// OPTS:        compress-calibrate{bits=16 calibration={{.*}}.npy entry= method=percentile percentile=9.900000e+01 samples=100},
// OPTS-NEXT:   compress-quantize{accumulator-bits=0 activation-bits=16 calibration={{.*}}.npy gptq-damp=1.000000e-01 gptq-samples=64 prune=false prune-pattern=unstructured report= report-samples=8 rescale-rounding=single rounding=gptq weight-bits=4 weight-clip=mse},
/// accumulator-bits reaches compress-quantize, and compress-narrow-accumulators
/// proves the result and types the accumulators.
// ACC:      Pass Manager with 7 passes:
// ACC:        compress-quantize{accumulator-bits=18 activation-bits=8 {{.*}}},
// ACC-NEXT:   compress-narrow-accumulators{accumulator-bits=18 report= tile-terms=0 },
// ACC-NEXT:   func.func(
// ACC-NEXT:     compress-pack-weights
module {
}
