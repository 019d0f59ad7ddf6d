#include "base/peak_memory.h"

#include <cstdio>
#include <cstring>

namespace tearline {

uint64_t peak_resident_kib() {
  std::FILE* status = std::fopen("/proc/self/status", "re");
  if (!status) return 0;
  uint64_t kib = 0;
  char line[256];
  while (std::fgets(line, sizeof line, status)) {
    unsigned long long value = 0;
    if (std::strncmp(line, "VmHWM:", 6) == 0 && std::sscanf(line + 6, "%llu", &value) == 1) {
      kib = value;
      break;
    }
  }
  std::fclose(status);
  return kib;
}

}  // namespace tearline
