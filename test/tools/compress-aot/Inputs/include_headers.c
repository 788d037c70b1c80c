/* Includes the headers of four models, two of which declare the same
 * float rank-2 descriptor, and refers to each exported function through
 * the type its header gives it. */
#include "add.h"
#include "requant.h"
#include "sum.h"
#include "two.h"

void (*const add_entry)(compress_memref_2d_f32 *,
                        const compress_memref_2d_f32 *) = add_model;
void (*const two_entry)(two_results_results *, const compress_memref_2d_f32 *,
                        const compress_memref_2d_f32 *) = two_results;
void (*const requant_entry)(compress_memref_4d_i8 *,
                            const compress_memref_4d_i8 *) = _mlir_ciface_main;
void (*const sum_entry)(compress_memref_0d_i32 *,
                        const compress_memref_1d_i32 *) = _mlir_ciface_total;
