// libprotobuf logs every string field that is not UTF-8 as it refuses the
// message; the targets see the refusal in the parse result, so the log is
// noise (and would slow the fuzzer down).
#pragma once

#include <google/protobuf/stubs/logging.h>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}
