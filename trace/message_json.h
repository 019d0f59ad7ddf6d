// A proto message as the trace writer writes one inside an event (the
// launcher's RunInfo, proto/tearline/v1/trace.proto): every field the
// message declares, set or not, under its proto name; keys sorted; 64-bit
// integers as JSON numbers and doubles always with a decimal point. Protobuf's
// own JSON printer does none of these, and the traces' bytes are part of the
// determinism contract (docs/MODEL.md), so the form is defined here, once.
#pragma once

#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>

namespace tearline {

nlohmann::json message_json(const google::protobuf::Message& message);

}  // namespace tearline
