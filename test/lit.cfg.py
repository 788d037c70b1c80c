# -*- Python -*-
# lit configuration of the compress test suite: FileCheck tests of the
# tools, and the gtest unit tests run through lit's GoogleTest format.

import os
import sys

import lit.formats
import lit.util
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "COMPRESS"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "README.txt", "lit.cfg.py",
                   "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.compress_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
config.substitutions.append(("%compress_src", config.compress_src_root))
config.substitutions.append(("%docs",
                             os.path.join(config.compress_src_root, "docs")))
config.substitutions.append(("%compress_obj", config.compress_obj_root))
config.substitutions.append(("%examples",
                             os.path.join(config.compress_src_root,
                                          "examples")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.compress_tools_dir, config.llvm_tools_dir]
tools = ["compress-opt", "compress-run", "mlir-opt", "mlir-runner", "not",
         "count", "FileCheck", "split-file", "compress-aot",
         "compress-import-onnx", "compress-export-onnx"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# utils/dense-to-resources.py: a model's float32 weights as dense_resource.
config.substitutions.append(
    ("%dense-to-resources", "\"%s\" %s" % (sys.executable, os.path.join(
        config.compress_src_root, "utils", "dense-to-resources.py"))))

# Tests on the real models and data of ../shared run where it exists.
shared = config.compress_shared_dir
if os.path.isdir(os.path.join(shared, "models")) and \
        os.path.isdir(os.path.join(shared, "data")):
    config.available_features.add("shared-data")
    config.substitutions.append(("%shared", os.path.realpath(shared)))

# ONNX Runtime (onnxruntime-node, which scripts/setup.sh installs under the
# build directory) runs exported QDQ models: %ort-run MODEL.onnx X.npy ...
node_modules = os.path.join(config.compress_obj_root, "node", "node_modules")
node = lit.util.which("node")
if node and os.path.isdir(os.path.join(node_modules, "onnxruntime-node")):
    config.available_features.add("onnxruntime")
    config.environment["NODE_PATH"] = node_modules
    config.substitutions.append(
        ("%ort-run", node + " " +
         os.path.join(config.compress_src_root, "utils", "ort-run.mjs")))
