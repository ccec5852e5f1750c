#pragma once

// TCP's payload: hands it to the application protocol, and gathers the application messages
// that span segments (see Desegment in dissection.h). Implemented in tcpreassembly.cpp.

#include "dissect/dissection.h"

namespace pl::proto {

/// What TCP knows about the segment whose payload is handed on.
struct TcpPayloadContext
{
    Item tcp;    ///< TCP's item: `TCP segment data` goes under it
    Item parent; ///< where the payload's protocols go
    uint16_t srcPort = 0;
    uint16_t dstPort = 0;
    bool tracked = false; ///< a conversation is known: stream and direction are valid
    uint32_t stream = 0;
    uint8_t direction = 0; ///< 0 or 1 within the stream
    uint32_t seq = 0;      ///< raw sequence number of the payload's first byte
};

/// Dissects `payload` with the port (or heuristic) dissector, reassembling messages the
/// dissector asks more bytes for, when the preference is on and every byte was captured.
void dissectTcpPayload(Dissection &d, const Reader &payload, const TcpPayloadContext &c);

/// A FIN (this direction) or RST (`both`) of stream `stream`: a message still waiting there
/// will not be completed; its bytes are given up (call after the segment's payload).
void endTcpFlow(Dissection &d, uint32_t stream, uint8_t direction, bool both);

} // namespace pl::proto
