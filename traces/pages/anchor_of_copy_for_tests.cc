// TESTS ONLY, REMOVE AT MERGE: a private copy of explain::anchor_of() as
// traces/explain/why.h specifies it, so that the page's tests link before
// the words' library (which defines it) is merged. Not part of any library.
#include <string>

#include "traces/explain/why.h"

namespace tearline::explain {

std::string anchor_of(const std::string& mode, const std::string& handoff) {
  std::string id = "h-" + mode + "-" + handoff;
  for (char& c : id) {
    const bool kept = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-';
    if (!kept) c = '_';
  }
  return id;
}

}  // namespace tearline::explain
