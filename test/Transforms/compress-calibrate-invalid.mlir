// RUN: cd %S && compress-opt %s --split-input-file --run-reproducer -verify-diagnostics
// RUN: not compress-opt %s --split-input-file --compress-calibrate="calibration=%S/Inputs/calibrate-3x4.npy method=kl" 2>&1 | FileCheck %s --check-prefix=METHOD

// Every error of compress-calibrate. Most of them depend on the pass
// options, so each chunk carries its own pipeline as a reproducer resource,
// which --run-reproducer applies to that chunk alone. Paths are relative to
// this directory; Inputs/calibrate-3x4.npy holds three float32 samples of
// [4], the first of them [-3, -1, 0, 1]. Bad option values are reported
// before any pass runs, without a location (@unknown); an unknown method
// while the options are parsed.

// METHOD: for the --method option: Cannot find option named 'kl'!

/// Without samples there is nothing to calibrate on.
// expected-error @unknown {{compress-calibrate needs the sample inputs: calibration=FILE.npy}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate)",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// The message names the file and why it cannot be read.
// expected-error @+1 {{cannot load calibration data: Inputs/no-such-file.npy: cannot read: No such file or directory}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/no-such-file.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// A first axis of length 0 holds no samples.
// expected-error @+1 {{calibration data 'Inputs/calibrate-empty-0x4.npy' holds no samples}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-empty-0x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// At 50 or below, the lower quantile would not be below the upper one.
// expected-error @unknown {{percentile must be in (50, 100], got 5.000000e+01}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy method=percentile percentile=50})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{bits must be in [2, 16], got 17}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy method=mse bits=17})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{samples must be non-negative, got -1}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy samples=-1})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @+1 {{no function 'nope' with a body in the model}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy entry=nope})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// Without @main, two public functions leave the entry ambiguous.
// expected-error @+1 {{the model has several public functions and no @main; name the entry function}}
module {
  func.func @a(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
  func.func @b(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @+1 {{the model has no public function to run}}
module {
  func.func private @helper(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// Samples of [4] fit an argument of [4] or [1, 4], not [1, 5].
module {
  // expected-error @+1 {{Inputs/calibrate-3x4.npy: samples are float32 [4], but the model expects float32 [1, 5]}}
  func.func @main(%x: tensor<1x5xf32>) -> tensor<1x5xf32> {
    return %x : tensor<1x5xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

module {
  // expected-error @+1 {{Inputs/calibrate-3x4.npy: samples are float32 [4], but the model expects int8 [1, 4]}}
  func.func @main(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
    return %x : tensor<1x4xi8>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// One .npy file feeds one argument.
module {
  // expected-error @+1 {{calibration data feeds one argument, but @main takes 2}}
  func.func @main(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

module {
  // expected-error @+1 {{argument 0 has type tensor<?x4xf32>; only statically shaped tensors of float32/float64/int1..int64/uint8 are supported}}
  func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    return %x : tensor<?x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// A weight whose `dense_resource` blob was elided when the model was
/// printed (--mlir-elide-resource-strings-if-larger) has no value to run.
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    // expected-error @+1 {{reference evaluator cannot read the value of this constant: its dense_resource blob is absent from the input (elided) or does not match its type}}
    %w = "tosa.const"() <{values = dense_resource<__elided__> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
    %0 = tosa.add %x, %w : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
    return %0 : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// The evaluator names the op it cannot run, and calibration stops.
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %s = tosa.const_shape {values = dense<[1, 2, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %0 = tosa.reshape %x, %s : (tensor<1x4xf32>, !tosa.shape<3>) -> tensor<1x2x2xf32>
    // expected-error @+1 {{reference evaluator does not support 'tosa.fft2d'}}
    %re, %im = tosa.fft2d %0, %0 {inverse = false} : (tensor<1x2x2xf32>, tensor<1x2x2xf32>) -> (tensor<1x2x2xf32>, tensor<1x2x2xf32>)
    %s2 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
    %1 = tosa.reshape %re, %s2 : (tensor<1x2x2xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
    return %1 : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// A kernel that fails on the data reports at its op, and calibration
/// names the sample: the 0 in the first sample becomes a divisor.
module {
  // expected-error @+1 {{calibration failed: sample 0: evaluation failed at 'tosa.intdiv'}}
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xi32> {
    %c = "tosa.const"() <{values = dense<12> : tensor<1x4xi32>}> : () -> tensor<1x4xi32>
    %0 = tosa.cast %x : (tensor<1x4xf32>) -> tensor<1x4xi32>
    // expected-error @+1 {{integer division by zero}}
    %1 = tosa.intdiv %c, %0 : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
    return %1 : tensor<1x4xi32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-calibrate{calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}
