// RUN: not compress-opt %s --compress-prune="sparsity=100" 2>&1 | FileCheck %s --check-prefix=SPARSITY
// RUN: not compress-opt %s --compress-prune="sparsity=-1" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not compress-opt %s --compress-prune="pattern=2:4 sparsity=75" 2>&1 | FileCheck %s --check-prefix=TWOFOUR
// RUN: not compress-opt %s --compress-prune="pattern=block8" 2>&1 | FileCheck %s --check-prefix=PATTERN
// RUN: not compress-opt %s --compress-prune="method=obs" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not compress-opt %s --compress-prune="method=hessian" 2>&1 | FileCheck %s --check-prefix=HESSIAN
// RUN: not compress-opt %s --compress-prune="calibration=%t.npy" 2>&1 | FileCheck %s --check-prefix=UNUSED
// RUN: not compress-opt %s --compress-prune="method=hessian calibration=%t.npy samples=0" 2>&1 | FileCheck %s --check-prefix=SAMPLES
// RUN: not compress-opt %s --compress-prune="method=hessian calibration=%t.npy damp=-1" 2>&1 | FileCheck %s --check-prefix=DAMP
// RUN: not compress-opt %s --compress-prune="method=hessian calibration=%t.missing.npy" 2>&1 | FileCheck %s --check-prefix=MISSING

// SPARSITY: error: compress-prune: sparsity must be a percent in [0, 99], got 100
// NEGATIVE: error: compress-prune: sparsity must be a percent in [0, 99], got -1
// TWOFOUR: error: compress-prune: pattern=2:4 zeroes 50% of the weights; sparsity must be 0 or 50, got 75
// PATTERN: for the --pattern option: Cannot find option named 'block8'!
// METHOD: for the --method option: Cannot find option named 'obs'!
// HESSIAN: error: compress-prune: method=hessian needs calibration= samples to collect the Hessian of each layer's inputs
// UNUSED: error: compress-prune: calibration= is read by method=hessian only
// SAMPLES: error: compress-prune: samples must be positive, got 0
// DAMP: error: compress-prune: damp must be non-negative, got -1
// MISSING: error: {{.*}}missing.npy{{.*}}

func.func @matmul(%x: tensor<1x1x4xf32>) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[1.0], [2.0], [3.0], [4.0]]]> : tensor<1x4x1xf32>}> : () -> tensor<1x4x1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %z, %z : (tensor<1x1x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %m : tensor<1x1x1xf32>
}
