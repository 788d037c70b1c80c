// RUN: compress-opt %s --verify-diagnostics --compress-quantize="weight-bits=9"
// RUN: not compress-opt %s --compress-quantize="activation-bits=3" 2>&1 | FileCheck %s --check-prefix=ABITS
// RUN: not compress-opt %s --compress-quantize="weight-clip=percentile" 2>&1 | FileCheck %s --check-prefix=CLIP
// RUN: not compress-opt %s --compress-quantize="rescale-rounding=nearest" 2>&1 | FileCheck %s --check-prefix=RESCALE
// RUN: not compress-opt %s --compress-quantize="rounding=double" 2>&1 | FileCheck %s --check-prefix=ROUNDING
// RUN: not compress-opt %s --compress-quantize="rounding=gptq" 2>&1 | FileCheck %s --check-prefix=GPTQ
// RUN: not compress-opt %s --compress-quantize="rounding=gptq calibration=%t.npy gptq-samples=0" 2>&1 | FileCheck %s --check-prefix=GPTQ-SAMPLES
// RUN: not compress-opt %s --compress-quantize="rounding=gptq calibration=%t.npy gptq-damp=-1" 2>&1 | FileCheck %s --check-prefix=GPTQ-DAMP
// RUN: not compress-opt %s --compress-quantize="rounding=gptq calibration=%t.missing.npy" 2>&1 | FileCheck %s --check-prefix=GPTQ-MISSING
// RUN: not compress-opt %s --compress-quantize="report=%t.json" 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: not compress-opt %s --compress-quantize="report=%t.json calibration=%t.missing.npy" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not compress-opt %s --compress-quantize="report-samples=-1" 2>&1 | FileCheck %s --check-prefix=REPORT-SAMPLES
// RUN: not compress-opt %s --compress-quantize="accumulator-bits=40" 2>&1 | FileCheck %s --check-prefix=ACC-BITS
// RUN: not compress-opt %s --compress-quantize="prune=true" 2>&1 | FileCheck %s --check-prefix=PRUNE
// RUN: not compress-opt %S/compress-quantize-accumulator-bits.mlir --compress-quantize="weight-bits=1 accumulator-bits=4" 2>&1 | FileCheck %s --check-prefix=ACC-BINARY

// ABITS: error: compress-quantize: activation-bits must be in [4, 8] or 16, got 3
// CLIP: for the --weight-clip option: Cannot find option named 'percentile'!
// RESCALE: for the --rescale-rounding option: Cannot find option named 'nearest'!
// ROUNDING: for the --rounding option: Cannot find option named 'double'!
// GPTQ: error: compress-quantize: rounding=gptq needs calibration= samples to collect the Hessian of each layer's inputs
// PRUNE: error: compress-quantize: prune needs rounding=gptq, whose sweep prunes
// GPTQ-SAMPLES: error: compress-quantize: gptq-samples must be positive, got 0
// GPTQ-DAMP: error: compress-quantize: gptq-damp must be non-negative, got -1
// GPTQ-MISSING: error: cannot load calibration data: {{.*}}missing.npy: cannot read
// REPORT: error: compress-quantize: report= needs calibration= samples to measure the SQNR of each layer
// MISSING: error: {{.*}}missing.npy: cannot read: No such file or directory
// REPORT-SAMPLES: error: compress-quantize: report-samples must be positive, got -1
// ACC-BITS: error: compress-quantize: accumulator-bits must be 0 or in [2, 32], got 40
// ACC-BINARY: error: the weights cannot fit accumulator-bits=4: binary weights keep their magnitude at any scale

// expected-error @unknown {{compress-quantize: weight-bits must be in [1, 8], got 9}}
module {
  func.func @f(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}
