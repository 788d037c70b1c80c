// RUN: compress-opt %s --compress-plan-buffers="arena=stack" -verify-diagnostics

// expected-error @+1 {{unknown arena 'stack' (expected heap or global)}}
module {
}
