// RUN: not compress-opt %s --compress-plan-buffers="arena=stack" 2>&1 | FileCheck %s

/// The arena is heap, global or none; anything else is rejected while the
/// options are parsed.
// CHECK: for the --arena option: Cannot find option named 'stack'!
module {
}
