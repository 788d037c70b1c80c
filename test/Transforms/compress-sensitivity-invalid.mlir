// RUN: cd %S && compress-opt %s --split-input-file --run-reproducer -verify-diagnostics
// RUN: not compress-opt %s --split-input-file --compress-sensitivity="method=hessian" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not compress-opt %s --split-input-file --compress-sensitivity="method=import:" 2>&1 | FileCheck %s --check-prefix=IMPORT

// Every error of compress-sensitivity. Each chunk carries its own pipeline
// as a reproducer resource, which --run-reproducer applies to that chunk
// alone. Paths are relative to this directory; Inputs/calibrate-3x4.npy
// holds three float32 samples of [4], and the sensitivity-*.json files
// give traces for conv2d_0, conv2d_1, depthwise_conv2d_0 and matmul_0 with
// one defect each. Bad option values are reported before any pass runs,
// without a location (@unknown); an unknown method while the options are
// parsed.

/// Only fisher, hutchinson and import:FILE.json exist; import needs a file.
// METHOD: for the --method option: 'hessian' is not fisher, hutchinson or import:FILE.json
// IMPORT: for the --method option: 'import:' is not fisher, hutchinson or import:FILE.json

// expected-error @unknown {{samples must be non-negative, got -1}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{calibration=Inputs/calibrate-3x4.npy samples=-1})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// The entry function is found as compress-calibrate finds it.
// expected-error @+1 {{no function 'nope' with a body in the model}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{entry=nope calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// fisher runs the model, so it needs samples.
// expected-error @unknown {{the fisher method needs sample inputs: calibration=FILE.npy}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %s3 = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %h = tosa.reshape %x, %s3 : (tensor<1x4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
    %w = "tosa.const"() <{values = dense<1.0> : tensor<1x4x2xf32>}> : () -> tensor<1x4x2xf32>
    %l = tosa.matmul %h, %w, %z, %z : (tensor<1x1x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
    %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
    %r = tosa.reshape %l, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
    return %r : tensor<1x2xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity)",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// The message names the file and why it cannot be read.
// expected-error @+1 {{cannot load calibration data: Inputs/no-such-file.npy: cannot read: No such file or directory}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %s3 = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %h = tosa.reshape %x, %s3 : (tensor<1x4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
    %w = "tosa.const"() <{values = dense<1.0> : tensor<1x4x2xf32>}> : () -> tensor<1x4x2xf32>
    %l = tosa.matmul %h, %w, %z, %z : (tensor<1x1x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
    %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
    %r = tosa.reshape %l, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
    return %r : tensor<1x2xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{calibration=Inputs/no-such-file.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// Inputs/calibrate-3x4.npy holds samples of [4].
module {
  // expected-error @+1 {{Inputs/calibrate-3x4.npy: samples are float32 [4], but the model expects float32 [1, 2]}}
  func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
    return %x : tensor<1x2xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// The Fisher information of a softmax needs logits.
module {
  // expected-error @+1 {{the fisher method needs @main to return float32 logits shaped [1, K] or [K], but it returns float32 [2, 2]}}
  func.func @main(%x: tensor<1x4xf32>) -> tensor<2x2xf32> {
    %s = tosa.const_shape {values = dense<[2, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
    %r = tosa.reshape %x, %s : (tensor<1x4xf32>, !tosa.shape<2>) -> tensor<2x2xf32>
    return %r : tensor<2x2xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// Every op between the weights and the logits needs a reverse-mode kernel.
module {
  // expected-error @+1 {{sensitivity failed: sample 0: reverse mode does not support 'tosa.abs'}}
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %s3 = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %h = tosa.reshape %x, %s3 : (tensor<1x4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
    %w = "tosa.const"() <{values = dense<1.0> : tensor<1x4x2xf32>}> : () -> tensor<1x4x2xf32>
    %l = tosa.matmul %h, %w, %z, %z : (tensor<1x1x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
    %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
    %r = tosa.reshape %l, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
    %a = tosa.abs %r : (tensor<1x2xf32>) -> tensor<1x2xf32>
    return %a : tensor<1x2xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @+1 {{cannot read sensitivity file 'Inputs/no-such-file.json': No such file or directory}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{method=import:Inputs/no-such-file.json})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @+1 {{sensitivity file 'Inputs/sensitivity-not-json.json' is not valid JSON: [2:0, byte=21]: Expected object key}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{method=import:Inputs/sensitivity-not-json.json})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @+1 {{sensitivity file 'Inputs/sensitivity-array.json' must hold a JSON object mapping layer names to average traces}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{method=import:Inputs/sensitivity-array.json})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// conv2d_1 is -0.25.
// expected-error @+1 {{sensitivity of layer 'conv2d_1' in 'Inputs/sensitivity-negative.json' must be a non-negative number}}
module {
  func.func @main(%x: tensor<1x2x2x2xf32>) -> tensor<1x1x1xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w0 = "tosa.const"() <{values = dense<1.0> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
    %c0 = tosa.conv2d %x, %w0, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
    %wd = "tosa.const"() <{values = dense<2.0> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
    %d = tosa.depthwise_conv2d %c0, %wd, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
    %w1 = "tosa.const"() <{values = dense<0.5> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
    %c1 = tosa.conv2d %d, %w1, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
    %s = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %f = tosa.reshape %c1, %s : (tensor<1x2x2x2xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
    %wm = "tosa.const"() <{values = dense<1.0> : tensor<1x8x1xf32>}> : () -> tensor<1x8x1xf32>
    %m = tosa.matmul %f, %wm, %z, %z : (tensor<1x1x8xf32>, tensor<1x8x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
    return %m : tensor<1x1x1xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{method=import:Inputs/sensitivity-negative.json})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// Names that match no layer are listed, with the layers that exist.
// expected-error @+1 {{sensitivity file 'Inputs/sensitivity-unknown.json' names no layer of @main: 'dense_0', 'matmul_1' (layers: conv2d_0, depthwise_conv2d_0, conv2d_1, matmul_0)}}
module {
  func.func @main(%x: tensor<1x2x2x2xf32>) -> tensor<1x1x1xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w0 = "tosa.const"() <{values = dense<1.0> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
    %c0 = tosa.conv2d %x, %w0, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
    %wd = "tosa.const"() <{values = dense<2.0> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
    %d = tosa.depthwise_conv2d %c0, %wd, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
    %w1 = "tosa.const"() <{values = dense<0.5> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
    %c1 = tosa.conv2d %d, %w1, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
    %s = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %f = tosa.reshape %c1, %s : (tensor<1x2x2x2xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
    %wm = "tosa.const"() <{values = dense<1.0> : tensor<1x8x1xf32>}> : () -> tensor<1x8x1xf32>
    %m = tosa.matmul %f, %wm, %z, %z : (tensor<1x1x8xf32>, tensor<1x8x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
    return %m : tensor<1x1x1xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{method=import:Inputs/sensitivity-unknown.json})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// A layer without an entry is reported at its op.
module {
  func.func @main(%x: tensor<1x2x2x2xf32>) -> tensor<1x1x1xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w0 = "tosa.const"() <{values = dense<1.0> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
    %c0 = tosa.conv2d %x, %w0, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
    %wd = "tosa.const"() <{values = dense<2.0> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
    %d = tosa.depthwise_conv2d %c0, %wd, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
    %w1 = "tosa.const"() <{values = dense<0.5> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
    // expected-error @+1 {{sensitivity file 'Inputs/sensitivity-missing.json' has no entry for layer 'conv2d_1'}}
    %c1 = tosa.conv2d %d, %w1, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
    %s = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %f = tosa.reshape %c1, %s : (tensor<1x2x2x2xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
    %wm = "tosa.const"() <{values = dense<1.0> : tensor<1x8x1xf32>}> : () -> tensor<1x8x1xf32>
    %m = tosa.matmul %f, %wm, %z, %z : (tensor<1x1x8xf32>, tensor<1x8x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
    return %m : tensor<1x1x1xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{method=import:Inputs/sensitivity-missing.json})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{the hutchinson method needs sample inputs: calibration=FILE.npy}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{method=hutchinson})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{probes must be at least 1, got 0}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{method=hutchinson probes=0 calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{tolerance must be non-negative, got -1}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-sensitivity{method=hutchinson tolerance=-1 calibration=Inputs/calibrate-3x4.npy})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}
