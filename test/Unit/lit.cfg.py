# -*- Python -*-
# The gtest binaries, run through lit so that check-compress runs them too.

import os

import lit.formats

config.name = "COMPRESS-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.compress_obj_root, "unittests")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
