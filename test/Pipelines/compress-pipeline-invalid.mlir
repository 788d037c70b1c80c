// RUN: not compress-opt %s --compress-pipeline="rescale-rounding=bogus calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=ENUM
// RUN: not compress-opt %s --compress-pipeline="calibration-method=kl calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not compress-opt %s --compress-pipeline="weight-bits=0 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=WBITS
// RUN: not compress-opt %s --compress-pipeline="activation-bits=4,17 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=ABITS
// RUN: not compress-opt %s --compress-pipeline="sensitivity=hessian calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=SENSITIVITY
// RUN: not compress-opt %s --compress-pipeline="sensitivity-samples=-1 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=SENSITIVITY-SAMPLES
// RUN: not compress-opt %s --compress-pipeline="probes=0 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=PROBES
// RUN: not compress-opt %s --compress-pipeline="tolerance=-1 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=TOLERANCE
// RUN: not compress-opt %s --compress-pipeline="samples=-1 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=SAMPLES
// RUN: not compress-opt %s --compress-pipeline="report-samples=-1 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=REPORT-SAMPLES
// RUN: not compress-opt %s --compress-pipeline="max-fold-elements=-1 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=FOLD
// RUN: not compress-opt %s --compress-pipeline="compression-ratio=0.5 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=RATIO
// RUN: not compress-opt %s --compress-pipeline="gptq-samples=0 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=GPTQ-SAMPLES
// RUN: not compress-opt %s --compress-pipeline="sparsity=0,50 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=SPARSITY-BUDGET
// RUN: not compress-opt %s --compress-pipeline="compression-ratio=8 sparsity=0,100 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=SPARSITY
// RUN: not compress-opt %s --compress-pipeline="compression-ratio=8 sparsity=0,75 sparsity-pattern=2:4 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=SPARSITY-24
// RUN: not compress-opt %s --compress-pipeline="compression-ratio=8 sparsity-pattern=block8 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=PATTERN
// RUN: not compress-opt %s --compress-pipeline="compression-ratio=8 sparsity=0,50 prune-samples=0 calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=PRUNE-SAMPLES
// RUN: not compress-opt %s --compress-pipeline="plan-report=%t.json calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=PLAN-ONLY
// RUN: not compress-opt %s --compress-pipeline="weight-bits=8" 2>&1 | FileCheck %s --check-prefix=CALIBRATION
// RUN: not compress-opt %s --compress-pipeline="calibration=%S/../Transforms/Inputs/calibrate-3x4.npy" 2>&1 | FileCheck %s --check-prefix=DATA

/// Every bad option of compress-pipeline fails before any pass runs, with
/// the option named: enum values while the options are parsed, the options
/// the pipeline passes on under other names while the pipeline is built,
/// and the rest when the pass manager initializes the passes. @main takes
/// [1, 5] but the samples are [4], so calibration, had it started, would
/// have failed on the data instead.
// ENUM: for the --rescale-rounding option: Cannot find option named 'bogus'!
// ENUM-NOT: samples are float32
// METHOD: for the --calibration-method option: Cannot find option named 'kl'!
// WBITS: error: compress-pipeline: weight-bits must be 1..8, got 0
// ABITS: error: compress-pipeline: activation-bits must be 4..8 or 16, got 17
// SENSITIVITY: for the --sensitivity option: 'hessian' is not fisher, hutchinson or import:FILE.json
// SENSITIVITY-SAMPLES: error: compress-pipeline: sensitivity-samples must be non-negative, got -1
// PROBES: error: compress-pipeline: probes must be at least 1, got 0
// PLAN-ONLY: error: compress-pipeline: plan-report is read only when planning: give a budget (target-size, compression-ratio or bops-budget)
// TOLERANCE: error: compress-pipeline: tolerance must be non-negative, got -1
// SAMPLES: error: compress-calibrate: samples must be non-negative, got -1
// SAMPLES-NOT: samples are float32
// REPORT-SAMPLES: error: compress-quantize: report-samples must be positive, got -1
// REPORT-SAMPLES-NOT: samples are float32
// FOLD: error: compress-cleanup: max-fold-elements must be non-negative, got -1
// RATIO: error: compress-plan: compression-ratio must be at least 1, got 0.5
// RATIO-NOT: samples are float32
// GPTQ-SAMPLES: error: compress-quantize: gptq-samples must be positive, got 0
// SPARSITY-BUDGET: error: compress-pipeline: sparsity= is a choice of the plan: give a budget (target-size, compression-ratio or bops-budget)
// SPARSITY: error: compress-plan: sparsity must be a percent in [0, 99], got 100
// SPARSITY-NOT: samples are float32
// SPARSITY-24: error: compress-plan: sparsity-pattern=2:4 prunes 50%; sparsity can only be 0 or 50, got 75
// PATTERN: for the --sparsity-pattern option: Cannot find option named 'block8'!
// PRUNE-SAMPLES: error: compress-pipeline: prune-samples must be positive, got 0
// CALIBRATION: error: compress-calibrate needs the sample inputs: calibration=FILE.npy
// DATA: error: {{.*}}calibrate-3x4.npy: samples are float32 [4], but the model expects float32 [1, 5]
func.func @main(%x: tensor<1x5xf32>) -> tensor<1x5xf32> {
  return %x : tensor<1x5xf32>
}
