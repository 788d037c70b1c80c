// RUN: not compress-opt %s --convert-qint-to-x86=sparse-kernels=-1 2>&1 | FileCheck %s

// CHECK: error: convert-qint-to-x86: sparse-kernels must be at least 0, got -1
module {}
