// tearline-agency, tearline-unit and tearline-broker: one node of a run.
// Built once per role, TEARLINE_ROLE naming it ("agency", "unit", "broker").
#include "runtime/node_runtime.h"

int main(int argc, char** argv) { return tearline::run_node_main(argc, argv, TEARLINE_ROLE); }
