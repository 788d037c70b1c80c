//===- CompressionAttrs.td - Compression decisions ---------*- tablegen -*-===//
//
// Attributes for value ranges, sensitivities and per-layer plans.
//
//===----------------------------------------------------------------------===//

#ifndef COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSIONATTRS_TD
#define COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSIONATTRS_TD

include "compress/Dialect/Compression/IR/CompressionDialect.td"
include "mlir/IR/AttrTypeBase.td"

/// A double held as an APFloat (which hashes and compares exactly), printed
/// in MLIR's shortest round-trip float syntax.
class Compression_F64ParameterBase
    : AttrOrTypeParameter<"::llvm::APFloat", ""> {
  let comparator = "$_lhs.bitwiseIsEqual($_rhs)";
  let parser = [{ [&]() -> ::mlir::FailureOr<::llvm::APFloat> {
    double value;
    if ($_parser.parseFloat(value))
      return ::mlir::failure();
    return ::llvm::APFloat(value);
  }() }];
  let printer = "$_printer.printFloat($_self)";
}

def Compression_F64Parameter : Compression_F64ParameterBase;

/// The same, 0 when absent (and then not printed).
def Compression_OptionalF64Parameter : Compression_F64ParameterBase {
  let defaultValue = "::llvm::APFloat(0.0)";
}

class Compression_Attr<string name, string attrMnemonic>
    : AttrDef<Compression_Dialect, name> {
  let mnemonic = attrMnemonic;
}

def Compression_ValueRangeAttr : Compression_Attr<"ValueRange", "range"> {
  let summary = "observed float range of a tensor";
  let description = [{
    The clipping range chosen for a tensor by calibration: `min <= max`,
    the method that chose it (`minmax`, `percentile`, `mse`) and the number
    of samples it saw.

    ```mlir
    #compress.range<min = -1.5, max = 6.25, method = "minmax", samples = 256>
    ```
  }];
  let parameters = (ins Compression_F64Parameter:$min, Compression_F64Parameter:$max,
                        StringRefParameter<"calibration method">:$method,
                        "int64_t":$samples);
  let assemblyFormat = [{
    `<` `min` `=` $min `,` `max` `=` $max `,` `method` `=` $method `,`
    `samples` `=` $samples `>`
  }];
  let genVerifyDecl = 1;
}

def Compression_SensitivityAttr
    : Compression_Attr<"Sensitivity", "sensitivity"> {
  let summary = "second-order sensitivity of a layer's weights and input";
  let description = [{
    An estimate of the average Hessian trace `Tr(H) / n` of a layer's `n`
    weights; optionally the same for the `m` elements of the layer's input
    activation (`activation_trace`, 0 when unknown, and then not printed);
    the method that produced them (`fisher`, `hutchinson`, `import`) and
    the number of samples it used.

    ```mlir
    #compress.sensitivity<trace = 3.2e-4, activation_trace = 1.5e-6,
                          method = "fisher", samples = 256>
    ```
  }];
  let parameters = (ins Compression_F64Parameter:$trace,
                        Compression_OptionalF64Parameter:$activation_trace,
                        StringRefParameter<"estimation method">:$method,
                        "int64_t":$samples);
  let assemblyFormat = [{
    `<` `trace` `=` $trace `,`
    (`activation_trace` `=` $activation_trace^ `,`)?
    `method` `=` $method `,` `samples` `=` $samples `>`
  }];
  let genVerifyDecl = 1;
}

def Compression_LayerPlanAttr : Compression_Attr<"LayerPlan", "plan"> {
  let summary = "compression chosen for one layer";
  let description = [{
    Weight bits (1..8; 2 means ternary narrow range), activation bits
    (4..16) and the fraction of weights pruned (0 <= sparsity < 1).

    ```mlir
    #compress.plan<weight_bits = 4, activation_bits = 8, sparsity = 0.0>
    ```
  }];
  let parameters = (ins "int64_t":$weight_bits, "int64_t":$activation_bits,
                        Compression_F64Parameter:$sparsity);
  let assemblyFormat = [{
    `<` `weight_bits` `=` $weight_bits `,` `activation_bits` `=`
    $activation_bits `,` `sparsity` `=` $sparsity `>`
  }];
  let genVerifyDecl = 1;
}

#endif // COMPRESS_DIALECT_COMPRESSION_IR_COMPRESSIONATTRS_TD
