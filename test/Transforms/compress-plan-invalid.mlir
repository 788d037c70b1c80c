// RUN: compress-opt %s --split-input-file --run-reproducer -verify-diagnostics
// RUN: not compress-opt %s --split-input-file --compress-plan="target-size=84 weight-clip=l1" 2>&1 | FileCheck %s --check-prefix=CLIP

// Every error of compress-plan. Each chunk carries its own pipeline as a
// reproducer resource, which --run-reproducer applies to that chunk alone.
// Bad option values are reported before any pass runs, without a location
// (@unknown); an unknown weight-clip while the options are parsed.

// CLIP: for the --weight-clip option: Cannot find option named 'l1'!

/// A budget is required.
// expected-error @unknown {{compress-plan needs a budget: target-size, compression-ratio or bops-budget}}
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<4x1x1x4xf32>}> : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = 1.0, method = "import", samples = 0>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
    return %0 : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{give target-size or compression-ratio, not both}}
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<4x1x1x4xf32>}> : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = 1.0, method = "import", samples = 0>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
    return %0 : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{target-size=100 compression-ratio=2})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{target-size must be a positive size such as 120000, 117KB or 1.5MB, got '12parsecs'}}
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<4x1x1x4xf32>}> : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = 1.0, method = "import", samples = 0>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
    return %0 : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{target-size=12parsecs})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{compression-ratio must be at least 1, got 0.5}}
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<4x1x1x4xf32>}> : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = 1.0, method = "import", samples = 0>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
    return %0 : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{compression-ratio=0.5})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{bops-budget must be non-negative, got -1}}
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<4x1x1x4xf32>}> : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = 1.0, method = "import", samples = 0>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
    return %0 : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{bops-budget=-1})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{weight bits must be 1..8, got 9}}
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<4x1x1x4xf32>}> : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = 1.0, method = "import", samples = 0>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
    return %0 : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{weight-bits=4,9 target-size=100})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{activation bits must be 4..8 or 16, got 3}}
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<4x1x1x4xf32>}> : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = 1.0, method = "import", samples = 0>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
    return %0 : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{activation-bits=3,8 target-size=100})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// The smallest plan (2-bit weights) takes 4 + 16 + 16 = 36 bytes.
// expected-error @+1 {{no plan fits the budget: }}
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<4x1x1x4xf32>}> : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = 1.0, method = "import", samples = 0>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
    return %0 : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{target-size=30})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// keep-first-last-8bit pins the only layer to 8 bits: 48 bytes.
// expected-error @+1 {{no plan fits the budget: }}
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<4x1x1x4xf32>}> : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = 1.0, method = "import", samples = 0>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
    return %0 : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{target-size=40 keep-first-last-8bit=true})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<4x1x1x4xf32>}> : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    // expected-error @+1 {{layer 'conv2d_0' has no sensitivity (compress.sensitivity); run compress-sensitivity before compress-plan}}
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
    return %0 : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{target-size=100})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

/// Choosing among activation widths needs ranges.
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w = "tosa.const"() <{values = dense<0.5> : tensor<4x1x1x4xf32>}> : () -> tensor<4x1x1x4xf32>
    %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    // expected-error @+1 {{the input of layer 'conv2d_0' has no calibrated range (compress.range), which choosing activation bits needs; run compress-calibrate before compress-plan}}
    %0 = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, compress.sensitivity = #compress.sensitivity<trace = 1.0, activation_trace = 1.0, method = "import", samples = 0>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
    return %0 : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{activation-bits=4,8 target-size=100})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @+1 {{@main has no layer to plan}}
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %x : tensor<1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{target-size=100})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{compress-plan: accumulator-bits must be 0 or in [2, 32], got 40}}
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    return %x : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{target-size=84 accumulator-bits=40})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{compress-plan: sparsity must be a percent in [0, 99], got 100}}
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    return %x : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{target-size=84 sparsity=0,100})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}

// -----

// expected-error @unknown {{compress-plan: sparsity-pattern=2:4 prunes 50%; sparsity can only be 0 or 50, got 75}}
module {
  func.func @main(%x: tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32> {
    return %x : tensor<1x1x1x4xf32>
  }
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(compress-plan{target-size=84 sparsity=0,75 sparsity-pattern=2:4})",
      disable_threading: true,
      verify_each: true
    }
  }
#-}
