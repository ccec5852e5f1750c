// HTTP/1.x, the Hypertext Transfer Protocol, over TCP (80, 8080, 3128 ... and by heuristic on
// other ports), SSDP (HTTP over UDP 1900), and Line-based text data for textual bodies.
// Specification: RFC 9110 (semantics), RFC 9112 (HTTP/1.1 message syntax, chunked transfer
// coding); SSDP: UPnP Device Architecture 2.0 section 1.
//
//   request-line   = method SP request-target SP HTTP-version CRLF
//   status-line    = HTTP-version SP status-code SP [ reason-phrase ] CRLF
//   HTTP-message   = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]
//   field-line     = field-name ":" OWS field-value OWS
//   chunked-body   = *chunk last-chunk trailer-section CRLF
//   chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//
// Over TCP a message may span segments: with reassembly the dissector asks TCP for the rest
// of the header (up to its blank line) and of the body (Content-Length bytes, or the chunks
// up to the last one) and dissects the whole message when it is there; without reassembly it
// shows what the segment holds, like tshark with tcp.desegment_tcp_streams:FALSE.
// Requests and responses are paired per conversation (first unanswered request first) for
// http.request_in, http.time and the request and response numbers.

#include "dissection.h"
#include "textformat.h"

#include <array>
#include <cstring>
#include <unordered_map>

namespace pl::proto {

namespace {

enum F {
    Notification,
    Response,
    Request,
    ResponseNumber,
    RequestNumber,
    ResponseLine,
    RequestLine,
    Method,
    Uri,
    UriPath,
    UriQuery,
    UriQueryParameter,
    Version,
    ResponseVersion,
    FullUri,
    Code,
    CodeDesc,
    ResponseForUri,
    Phrase,
    // Headers with a field of their own, in kHeaders' order.
    Authorization,
    ProxyAuthenticate,
    ProxyAuthorization,
    WwwAuthenticate,
    ContentType,
    ContentLengthHeader,
    ContentEncoding,
    TransferEncoding,
    Upgrade,
    UserAgent,
    Host,
    Connection,
    Cookie,
    Accept,
    Referer,
    AcceptLanguage,
    AcceptEncoding,
    Date,
    CacheControl,
    Server,
    Location,
    SecWebSocketAccept,
    SecWebSocketExtensions,
    SecWebSocketKey,
    SecWebSocketProtocol,
    SecWebSocketVersion,
    SetCookie,
    LastModified,
    XForwardedFor,
    Http2Settings,
    // The rest.
    ContentLength,
    CookiePair,
    RequestIn,
    ResponseIn,
    NextRequestIn,
    NextResponseIn,
    PrevRequestIn,
    PrevResponseIn,
    Time,
    TrailerPart,
    ChunkBoundary,
    ChunkSize,
    ChunkData,
    FileData,
    UnknownHeader,
    Count
};

// Wireshark's vals_http_status_code.
constexpr ValueName kStatusCodes[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {102, "Processing"},
    {103, "Early Hints"},
    {199, "Informational - Others"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {203, "Non-authoritative Information"},
    {204, "No Content"},
    {205, "Reset Content"},
    {206, "Partial Content"},
    {207, "Multi-Status"},
    {208, "Already Reported"},
    {226, "IM Used"},
    {299, "Success - Others"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {305, "Use Proxy"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {399, "Redirection - Others"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Time-out"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Request Entity Too Large"},
    {414, "Request-URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Requested Range Not Satisfiable"},
    {417, "Expectation Failed"},
    {418, "I'm a teapot"},
    {421, "Misdirected Request"},
    {422, "Unprocessable Entity"},
    {423, "Locked"},
    {424, "Failed Dependency"},
    {425, "Too Early"},
    {426, "Upgrade Required"},
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {451, "Unavailable For Legal Reasons"},
    {499, "Client Error - Others"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Time-out"},
    {505, "HTTP Version not supported"},
    {506, "Variant Also Negotiates"},
    {507, "Insufficient Storage"},
    {508, "Loop Detected"},
    {510, "Not Extended"},
    {511, "Network Authentication Required"},
    {599, "Server Error - Others"},
};

constexpr FieldDef kFields[] = {
    {"http.notification",
     "Notification",
     FieldType::Boolean,
     Base::None,
     0,
     {},
     {},
     "True",
     "False"},
    {"http.response", "Response", FieldType::Boolean, Base::None, 0, {}, {}, "True", "False"},
    {"http.request", "Request", FieldType::Boolean, Base::None, 0, {}, {}, "True", "False"},
    {"http.response_number", "Response number", FieldType::UInt32, Base::Dec},
    {"http.request_number", "Request number", FieldType::UInt32, Base::Dec},
    // The header lines show as themselves (`Host: localhost\r\n`).
    {"http.response.line", "Response line", FieldType::String, Base::ValueOnly},
    {"http.request.line", "Request line", FieldType::String, Base::ValueOnly},
    {"http.request.method", "Request Method", FieldType::String},
    {"http.request.uri", "Request URI", FieldType::String},
    {"http.request.uri.path", "Request URI Path", FieldType::String},
    {"http.request.uri.query", "Request URI Query", FieldType::String},
    {"http.request.uri.query.parameter", "Request URI Query Parameter", FieldType::String},
    {"http.request.version", "Request Version", FieldType::String},
    {"http.response.version", "Response Version", FieldType::String},
    {"http.request.full_uri", "Full request URI", FieldType::String},
    {"http.response.code", "Status Code", FieldType::UInt16, Base::Dec},
    {"http.response.code.desc", "Status Code Description", FieldType::String},
    {"http.response_for.uri", "Request URI", FieldType::String},
    {"http.response.phrase", "Response Phrase", FieldType::String},
    {"http.authorization", "Authorization", FieldType::String},
    {"http.proxy_authenticate", "Proxy-Authenticate", FieldType::String},
    {"http.proxy_authorization", "Proxy-Authorization", FieldType::String},
    {"http.www_authenticate", "WWW-Authenticate", FieldType::String},
    {"http.content_type", "Content-Type", FieldType::String},
    {"http.content_length_header", "Content-Length", FieldType::String},
    {"http.content_encoding", "Content-Encoding", FieldType::String},
    {"http.transfer_encoding", "Transfer-Encoding", FieldType::String},
    {"http.upgrade", "Upgrade", FieldType::String},
    {"http.user_agent", "User-Agent", FieldType::String},
    {"http.host", "Host", FieldType::String},
    {"http.connection", "Connection", FieldType::String},
    {"http.cookie", "Cookie", FieldType::String},
    {"http.accept", "Accept", FieldType::String},
    {"http.referer", "Referer", FieldType::String},
    {"http.accept_language", "Accept-Language", FieldType::String},
    {"http.accept_encoding", "Accept Encoding", FieldType::String},
    {"http.date", "Date", FieldType::String},
    {"http.cache_control", "Cache-Control", FieldType::String},
    {"http.server", "Server", FieldType::String},
    {"http.location", "Location", FieldType::String},
    {"http.sec_websocket_accept", "Sec-WebSocket-Accept", FieldType::String},
    {"http.sec_websocket_extensions", "Sec-WebSocket-Extensions", FieldType::String},
    {"http.sec_websocket_key", "Sec-WebSocket-Key", FieldType::String},
    {"http.sec_websocket_protocol", "Sec-WebSocket-Protocol", FieldType::String},
    {"http.sec_websocket_version", "Sec-WebSocket-Version", FieldType::String},
    {"http.set_cookie", "Set-Cookie", FieldType::String},
    {"http.last_modified", "Last-Modified", FieldType::String},
    {"http.x_forwarded_for", "X-Forwarded-For", FieldType::String},
    {"http.http2_settings", "HTTP2-Settings", FieldType::String},
    {"http.content_length", "Content length", FieldType::UInt64, Base::Dec},
    {"http.cookie_pair", "Cookie pair", FieldType::String},
    {"http.request_in", "Request in frame", FieldType::FrameNum},
    {"http.response_in", "Response in frame", FieldType::FrameNum},
    {"http.next_request_in", "Next request in frame", FieldType::FrameNum},
    {"http.next_response_in", "Next response in frame", FieldType::FrameNum},
    {"http.prev_request_in", "Prev request in frame", FieldType::FrameNum},
    {"http.prev_response_in", "Prev response in frame", FieldType::FrameNum},
    {"http.time", "Time since request", FieldType::RelTime},
    {"http.chunked_trailer_part", "trailer-part", FieldType::String},
    {"http.chunk_boundary", "Chunk boundary", FieldType::Bytes},
    {"http.chunk_size", "Chunk size", FieldType::UInt32, Base::Dec, 0, {}, " octets"},
    {"http.chunk_data", "Chunk data", FieldType::Bytes},
    {"http.file_data", "File Data", FieldType::String},
    {"http.unknown_header", "Unknown header", FieldType::String, Base::ValueOnly},
};
static_assert(std::size(kFields) == Count);

// Expert notes' own fields (Wireshark's ei_http_* names).
enum E { Chat, BadHeaderName, TeAndLength, LeadingCrlf, ECount };
constexpr FieldDef kExperts[] = {
    {"http.chat", "Formatted text", FieldType::None},
    {"http.bad_header_name", "Illegal characters found in header name", FieldType::None},
    {"http.te_and_length",
     "The Content-Length and Transfer-Encoding header must not be set together", FieldType::None},
    {"http.leading_crlf", "Leading CRLF previous message in the stream may have extra CRLF",
     FieldType::None},
};
static_assert(std::size(kExperts) == ECount);

FieldBlock s_f, s_ei;
FieldId s_ssdp = -1, s_textLines = -1;

// Headers whose value has a field (names compared case-insensitively).
struct Header
{
    std::string_view name;
    int field;
};
constexpr Header kHeaders[] = {
    {"authorization", Authorization},
    {"proxy-authenticate", ProxyAuthenticate},
    {"proxy-authorization", ProxyAuthorization},
    {"www-authenticate", WwwAuthenticate},
    {"content-type", ContentType},
    {"content-length", ContentLengthHeader},
    {"content-encoding", ContentEncoding},
    {"transfer-encoding", TransferEncoding},
    {"upgrade", Upgrade},
    {"user-agent", UserAgent},
    {"host", Host},
    {"connection", Connection},
    {"cookie", Cookie},
    {"accept", Accept},
    {"referer", Referer},
    {"accept-language", AcceptLanguage},
    {"accept-encoding", AcceptEncoding},
    {"date", Date},
    {"cache-control", CacheControl},
    {"server", Server},
    {"location", Location},
    {"sec-websocket-accept", SecWebSocketAccept},
    {"sec-websocket-extensions", SecWebSocketExtensions},
    {"sec-websocket-key", SecWebSocketKey},
    {"sec-websocket-protocol", SecWebSocketProtocol},
    {"sec-websocket-version", SecWebSocketVersion},
    {"set-cookie", SetCookie},
    {"last-modified", LastModified},
    {"x-forwarded-for", XForwardedFor},
    {"http2-settings", Http2Settings},
};

// Request methods Wireshark recognizes at the start of a message (HTTP, WebDAV, SSDP/GENA).
constexpr std::string_view kMethods[] = {
    "GET",
    "PUT",
    "POST",
    "HEAD",
    "DELETE",
    "OPTIONS",
    "TRACE",
    "CONNECT",
    "PATCH",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
    "MKCOL",
    "PROPFIND",
    "PROPPATCH",
    "SEARCH",
    "REPORT",
    "MERGE",
    "LABEL",
    "CHECKIN",
    "CHECKOUT",
    "UNCHECKOUT",
    "MKACTIVITY",
    "MKWORKSPACE",
    "UPDATE",
    "VERSION-CONTROL",
    "BASELINE-CONTROL",
    "ACL",
    "M-SEARCH",
    "NOTIFY",
    "SUBSCRIBE",
    "UNSUBSCRIBE",
    "POLL",
    "BCOPY",
    "BDELETE",
    "BMOVE",
    "BPROPFIND",
    "BPROPPATCH",
    "MKCALENDAR",
    "ORDERPATCH",
    "SSTP_DUPLEX_POST",
    "RPC_IN_DATA",
    "RPC_OUT_DATA",
    "PRI",
};

// Media types Wireshark shows as Line-based text data.
constexpr std::string_view kTextTypes[] = {
    "text/html",
    "text/plain",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
};

constexpr size_t kMaxConversations = 4096; // http state per TCP/UDP stream, then reset
constexpr size_t kPending = 16;            // unanswered requests remembered per conversation
constexpr size_t kMaxChunks = 4096;        // chunk items shown per message
constexpr size_t kMaxTextLines = 10000;    // Line-based text data items per body

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

bool isTokenChar(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
        return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
}

/// One line of the message: [begin, end) is its text, `next` the byte after its LF.
struct Line
{
    size_t begin = 0;
    size_t end = 0;
    size_t next = 0;
    bool complete = false; ///< ends in LF within the data
};

Line lineAt(std::string_view s, size_t at)
{
    Line l;
    l.begin = at;
    const size_t lf = s.find('\n', at);
    if (lf == std::string_view::npos) {
        l.end = l.next = s.size();
        return l;
    }
    l.end = lf > at && s[lf - 1] == '\r' ? lf - 1 : lf;
    l.next = lf + 1;
    l.complete = true;
    return l;
}

enum class Kind : uint8_t { None, Request, Response, Notification };

/// What the first line of `line` is: `HTTP/` starts a response, a known method and a space a
/// request (NOTIFY: a notification, as Wireshark has it).
Kind classify(std::string_view line)
{
    if (line.size() >= 5 && line.substr(0, 5) == "HTTP/")
        return Kind::Response;
    const size_t sp = line.find(' ');
    if (sp == 0)
        return Kind::None;
    const std::string_view method = line.substr(0, sp);
    for (std::string_view m : kMethods)
        if (m == method)
            return m == "NOTIFY" ? Kind::Notification : Kind::Request;
    return Kind::None;
}

/// The heuristic's stricter test: a request line must name HTTP/1.x as its version.
bool looksLikeHttp(std::string_view first)
{
    if (first.size() >= 7 && first.substr(0, 7) == "HTTP/1.")
        return true;
    const Kind k = classify(first);
    if (k != Kind::Request && k != Kind::Notification)
        return false;
    const size_t v = first.rfind(' ');
    return v != std::string_view::npos && first.substr(v + 1).substr(0, 7) == "HTTP/1.";
}

/// Content-Length's value: decimal digits only and below 2^63, as Wireshark's strtoll check;
/// false for anything else (negative, overflowing, empty, trailing garbage).
bool parseLength(std::string_view v, uint64_t &out)
{
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
    if (v.empty() || v.size() > 18)
        return false;
    uint64_t n = 0;
    for (char c : v) {
        if (c < '0' || c > '9')
            return false;
        n = n * 10 + uint64_t(c - '0');
    }
    out = n;
    return true;
}

/// A chunk-size line's hex number (before any `;` extension); false when it has no digit or
/// does not fit 31 bits (Wireshark's chunk sizes are 32-bit; larger ones are lies here).
bool parseChunkSize(std::string_view v, uint32_t &out)
{
    size_t i = 0;
    uint64_t n = 0;
    for (; i < v.size(); ++i) {
        const char c = v[i];
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            digit = (c | 0x20) - 'a' + 10;
        else
            break;
        n = n * 16 + uint64_t(digit);
        if (n > 0x7fffffff)
            return false;
    }
    if (i == 0)
        return false;
    out = uint32_t(n);
    return true;
}

// --- Conversations: request/response pairing ---------------------------------------------------

struct PendingRequest
{
    uint32_t number = 0; // http.request_number
    uint64_t frame = 0;
    uint64_t prevRequest = 0;
    int64_t sec = 0;
    uint32_t nsec = 0;
    bool head = false; // a HEAD request: its response has no body
    std::string uri;   // reused: its capacity stays, so pairing allocates nothing per packet
};

struct HttpConversation
{
    uint32_t requests = 0;
    uint32_t responses = 0;
    uint64_t lastRequest = 0;
    uint64_t lastResponse = 0;
    uint32_t lastAnswered = 0;      // the number of the last request answered
    uint64_t lastAnsweredFrame = 0; // and the frame of its response
    std::array<PendingRequest, kPending> pending;
    size_t head = 0;
    size_t count = 0;
};

struct HttpConversations
{
    std::unordered_map<uint64_t, HttpConversation> byStream;
};

/// What pairing decided for one message, logged for revisits.
struct Pairing
{
    uint32_t number = 0;
    uint64_t prevRequest = 0;
    uint64_t prevResponse = 0;
    uint64_t requestIn = 0; // responses: the request answered, 0 when none
    int64_t sec = 0;
    uint32_t nsec = 0;
    std::string uri;
};

struct HttpLog : FrameLog<Pairing>
{
};

/// The state of one message being dissected.
struct Message
{
    Kind kind = Kind::None;
    std::string_view method, uri, host, contentType;
    uint16_t code = 0;
    bool haveLength = false;
    uint64_t contentLength = 0;
    bool chunked = false;
    bool headersDone = false;
    bool ssdp = false;
};

/// Wireshark's full request URI: `http://` Host and the request target (as it is when it
/// is already absolute).
void appendFullUri(std::string &out, const Message &m)
{
    if (m.uri.find("://") != std::string_view::npos) {
        out += m.uri;
        return;
    }
    out += "http://";
    out += m.host;
    out += m.uri;
}

/// Pairs a request or response with its conversation's state (or the first pass's log).
void pair(Dissection &d, Message &m, Pairing &out, bool haveUri)
{
    auto &log = d.session().state<HttpLog>();
    if (const Pairing *logged = d.logged(log)) {
        out = *logged;
        return;
    }
    auto &convs = d.session().state<HttpConversations>().byStream;
    if (convs.size() >= kMaxConversations)
        convs.clear(); // bounded: a hostile capture of endless streams starts again
    HttpConversation &c = convs[uint64_t(d.transport.proto) << 32 | d.transport.stream];
    const Frame &f = d.frame();
    if (m.kind == Kind::Request) {
        out.number = ++c.requests;
        out.prevRequest = c.lastRequest;
        if (c.count == kPending) { // the oldest unanswered request is forgotten
            c.head = (c.head + 1) % kPending;
            --c.count;
        }
        PendingRequest &p = c.pending[(c.head + c.count) % kPending];
        ++c.count;
        p.number = out.number;
        p.frame = f.number;
        p.prevRequest = c.lastRequest;
        p.sec = f.tsSec;
        p.nsec = f.tsNsec;
        p.head = m.method == "HEAD";
        p.uri.clear();
        if (haveUri)
            appendFullUri(p.uri, m);
        c.lastRequest = f.number;
    } else if (c.count == 0) { // a response to no request seen
        out.number = ++c.responses;
        out.prevResponse = c.lastResponse;
        c.lastResponse = f.number;
    } else {
        // Wireshark 4.0 answers the latest request (it does not track pipelining): the
        // response takes that request's number, and the previous response is the previous
        // request's, if it was answered.
        ++c.responses;
        c.lastResponse = f.number;
        const PendingRequest &p = c.pending[(c.head + c.count - 1) % kPending];
        out.number = p.number;
        out.requestIn = p.frame;
        out.prevRequest = p.prevRequest;
        out.prevResponse = c.lastAnswered + 1 == p.number ? c.lastAnsweredFrame : 0;
        timeDifference(f.tsSec, f.tsNsec, p.sec, p.nsec, out.sec, out.nsec);
        if (d.wants(s_f[ResponseForUri]) || d.recording())
            out.uri = p.uri;
        // An interim 1xx answer leaves the request waiting for its final response.
        if (m.code < 100 || m.code >= 200 || m.code == 101) {
            c.lastAnswered = p.number;
            c.lastAnsweredFrame = f.number;
            --c.count;
        }
    }
    if (d.recording())
        log.record(f.number, out);
}

// --- Dissection ---------------------------------------------------------------------------------

/// A string field's value, built only when somebody reads it (summary mode allocates
/// nothing for fields nobody wants).
std::string valueOf(const Dissection &d, FieldId f, std::string_view v)
{
    return d.wants(f) ? std::string(v) : std::string();
}

/// `text` as a tree label: control characters as C escapes (`\r\n`), like Wireshark.
std::string escaped(std::string_view text)
{
    std::string s;
    text::appendEscaped(s, text);
    return s;
}

bool isTextType(std::string_view type)
{
    for (std::string_view t : kTextTypes)
        if (t == type)
            return true;
    return false;
}

bool isXmlType(std::string_view type)
{
    return type == "text/xml" || type == "application/xml" ||
           (type.size() > 4 && type.substr(type.size() - 4) == "+xml");
}

/// Line-based text data: `body`'s lines under their own protocol item.
void dissectTextLines(Dissection &d, const Reader &body, Item parent, std::string_view type)
{
    const size_t n = body.captured();
    Item top = d.addProtocol(parent, s_textLines, body, 0, n);
    if (!top)
        return;
    const auto *p = reinterpret_cast<const char *>(body.ptr(0, n));
    const std::string_view s(p, n);
    size_t lines = 0, at = 0;
    for (; at < n && lines < kMaxTextLines; ++lines) {
        const size_t lf = s.find('\n', at);
        const size_t next = lf == std::string_view::npos ? n : lf + 1;
        d.addText(top, body, at, next - at, escaped(s.substr(at, next - at)));
        at = next;
    }
    if (at < n) { // more lines than shown: the rest in one item
        d.addText(top, body, at, n - at, "[" + text::uintString(n - at) + " more bytes]");
        lines = 0;
        for (size_t i = 0; i < n; ++i)
            lines += s[i] == '\n';
        lines += s.back() != '\n';
    }
    d.setText(top, "Line-based text data: " + std::string(type) + " (" + text::uintString(lines) +
                       " lines)");
}

/// What the body's dissector adds to Info and the Protocol column in Wireshark: ` (type)` for
/// the types it shows (Line-based text data, forms), JSON's own text; nothing for others.
void appendMediaInfo(Dissection &d, const Message &m)
{
    const std::string_view type = m.contentType;
    if (type == "application/json") {
        d.setProtocol(m.ssdp ? "SSDP/JSON" : "HTTP/JSON");
        if (d.columns())
            d.info() += " , JavaScript Object Notation (application/json)";
        return;
    }
    if (isXmlType(type)) {
        d.setProtocol(m.ssdp ? "SSDP/XML" : "HTTP/XML");
        return;
    }
    if (!d.columns() || !(isTextType(type) || type == "application/x-www-form-urlencoded"))
        return;
    std::string &info = d.info();
    info += " (";
    info += type;
    info += ')';
}

/// The body: File Data (the bytes as a string, as Wireshark's http.file_data) and what shows
/// them (Line-based text data for textual types, Data otherwise).
void dissectBody(Dissection &d, const Reader &body, Item http, Item parent, const Message &m)
{
    const size_t n = body.captured();
    if (n == 0)
        return;
    Item fd = d.addText(http, body, 0, n, "File Data: " + text::uintString(n) + " bytes");
    if (d.wants(s_f[FileData])) {
        const auto *p = reinterpret_cast<const char *>(body.ptr(0, n));
        d.flag(d.addString(fd, s_f[FileData], body, 0, n, std::string(p, n)), Hidden);
    }
    appendMediaInfo(d, m);
    if (isTextType(m.contentType))
        dissectTextLines(d, body, parent, m.contentType);
    else
        d.data(body, m.contentType.empty() ? http : parent); // typed: Wireshark's media layer
}

/// The chunked body from `at`: its items under `http`, the de-chunked bytes in a data source
/// (tree mode, or when a field is wanted). Returns the bytes the chunked encoding took, and
/// sets `complete` when the last chunk and trailer were there.
size_t dissectChunks(Dissection &d, const Reader &r, std::string_view s, size_t at, Item http,
                     Item parent, const Message &m, bool &complete)
{
    complete = false;
    const size_t start = at;
    const bool keep = d.tree() || d.interest();
    std::vector<uint8_t> body;
    Item chunks =
        d.addText(http, r, at, 0,
                  m.kind == Kind::Response ? "HTTP chunked response" : "HTTP chunked request");
    size_t count = 0;
    while (at < s.size()) {
        const Line l = lineAt(s, at);
        uint32_t size = 0;
        if (!l.complete || !parseChunkSize(s.substr(l.begin, l.end - l.begin), size))
            break; // an unfinished or bogus size line: the rest is not chunked data
        if (size == 0) {
            Item end = d.addText(chunks, r, at, l.next - at, "End of chunked encoding");
            d.addValue(end, s_f[ChunkSize], r, at, l.next - at, 0);
            at = l.next;
            // The trailer section: field lines up to the blank line.
            while (at < s.size()) {
                const Line t = lineAt(s, at);
                if (!t.complete)
                    break;
                if (t.end == t.begin) {
                    d.addText(chunks, r, at, t.next - at, escaped(s.substr(at, t.next - at)));
                    at = t.next;
                    complete = true;
                    break;
                }
                d.addString(chunks, s_f[TrailerPart], r, at, t.next - at,
                            valueOf(d, s_f[TrailerPart], s.substr(at, t.next - at)));
                at = t.next;
            }
            break;
        }
        const size_t dataAt = l.next;
        const size_t have = s.size() - dataAt;
        if (++count > kMaxChunks) {
            // Endless chunks: stop itemizing, keep the bytes as one more item.
            d.addText(chunks, r, at, s.size() - at, "[Too many chunks]");
            at = s.size();
            break;
        }
        const size_t taken = size < have ? size : have;
        Item chunk = d.addText(chunks, r, at, l.next - at + taken,
                               "Data chunk (" + text::uintString(size) + " octets)");
        Item sizeItem = d.addValue(chunk, s_f[ChunkSize], r, at, l.next - at, size);
        if (sizeItem)
            d.setText(sizeItem,
                      "Chunk size: " + text::uintString(size) + (size == 1 ? " octet" : " octets"));
        if (taken > 0)
            d.addBytes(chunk, s_f[ChunkData], r, dataAt, taken);
        if (keep) {
            const auto *p = reinterpret_cast<const uint8_t *>(s.data()) + dataAt;
            body.insert(body.end(), p, p + taken);
        }
        at = dataAt + taken;
        if (taken < size)
            break; // the chunk runs past the data
        const Line boundary = lineAt(s, at);
        if (!boundary.complete)
            break;
        d.addBytes(chunk, s_f[ChunkBoundary], r, at, boundary.next - at);
        if (chunk)
            d.setLength(chunk, boundary.next - l.begin);
        at = boundary.next;
    }
    if (chunks)
        d.setLength(chunks, at - start);
    if (keep && !body.empty()) {
        const size_t n = body.size();
        const int src = d.addSource("De-chunked entity body (" + text::uintString(n) + " bytes)",
                                    std::move(body));
        if (src > 0) {
            Dissection::SourceScope scope(d, src);
            dissectBody(d, d.sourceReader(size_t(src)), http, parent, m);
        }
    } else if (!keep && at > start) {
        appendMediaInfo(d, m); // the column says the same as the tree would
    }
    return at - start;
}

/// The length of the chunked encoding from `at` when the data holds all of it (through the
/// trailer's blank line); 0 while it is unfinished. `missing` gets the bytes known to be
/// missing (0: unknown, at least one more segment).
size_t chunkedLength(std::string_view s, size_t at, size_t &missing, bool &bogus)
{
    const size_t start = at;
    missing = 0;
    bogus = false;
    while (at < s.size()) {
        const Line l = lineAt(s, at);
        if (!l.complete)
            return 0;
        uint32_t size = 0;
        if (!parseChunkSize(s.substr(l.begin, l.end - l.begin), size)) {
            bogus = true; // not chunked data: take what is there
            return 0;
        }
        at = l.next;
        if (size == 0) {
            while (at < s.size()) {
                const Line t = lineAt(s, at);
                if (!t.complete)
                    return 0;
                at = t.next;
                if (t.end == t.begin)
                    return at - start;
            }
            return 0;
        }
        if (s.size() - at < size_t(size) + 2) {
            missing = size_t(size) + 2 - (s.size() - at);
            return 0;
        }
        at += size;
        const Line b = lineAt(s, at);
        if (!b.complete)
            return 0;
        at = b.next;
    }
    return 0;
}

/// The first line's items.
Item firstLine(Dissection &d, const Reader &r, std::string_view s, const Line &l, Item http,
               Message &m)
{
    const std::string_view text = s.substr(l.begin, l.end - l.begin);
    const std::string_view whole = s.substr(l.begin, l.next - l.begin);
    Item line =
        d.addText(http, r, l.begin, l.next - l.begin, http ? escaped(whole) : std::string());
    d.expert(line, r, l.begin, 0, Severity::Chat, ExpertGroup::Sequence, whole, 0, s_ei[Chat]);
    if (m.kind == Kind::Response) {
        const size_t sp = text.find(' ');
        const std::string_view version = text.substr(0, sp);
        d.addString(line, s_f[ResponseVersion], r, l.begin, version.size(),
                    valueOf(d, s_f[ResponseVersion], version));
        if (sp == std::string_view::npos)
            return line;
        const size_t codeAt = sp + 1;
        const std::string_view code = text.substr(codeAt, 3);
        if (code.size() == 3 && code[0] >= '0' && code[0] <= '9' && code[1] >= '0' &&
            code[1] <= '9' && code[2] >= '0' && code[2] <= '9') {
            m.code = uint16_t((code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0'));
            d.addValue(line, s_f[Code], r, l.begin + codeAt, 3, m.code);
            if (d.wants(s_f[CodeDesc])) {
                std::string_view desc = nameOf(kStatusCodes, m.code);
                std::string text =
                    desc.empty() ? "Unknown (" + text::uintString(m.code) + ")" : std::string(desc);
                d.flag(d.addString(line, s_f[CodeDesc], r, l.begin + codeAt, 3, std::move(text)),
                       Generated);
            }
        }
        const size_t phraseAt = codeAt + 4;
        if (phraseAt <= text.size() && text.size() > codeAt + 3 && text[codeAt + 3] == ' ')
            d.addString(line, s_f[Phrase], r, l.begin + phraseAt, text.size() - phraseAt,
                        valueOf(d, s_f[Phrase], text.substr(phraseAt)));
        return line;
    }
    const size_t sp = text.find(' ');
    m.method = text.substr(0, sp);
    d.addString(line, s_f[Method], r, l.begin, m.method.size(), valueOf(d, s_f[Method], m.method));
    if (sp == std::string_view::npos) { // a method alone: Wireshark's empty URI and version
        d.addString(line, s_f[Uri], r, l.end, 0, std::string());
        d.addString(line, s_f[Version], r, l.end, 0, std::string());
        return line;
    }
    const size_t uriAt = sp + 1;
    const size_t sp2 = text.find(' ', uriAt);
    m.uri =
        text.substr(uriAt, sp2 == std::string_view::npos ? std::string_view::npos : sp2 - uriAt);
    Item uri =
        d.addString(line, s_f[Uri], r, l.begin + uriAt, m.uri.size(), valueOf(d, s_f[Uri], m.uri));
    if (const size_t q = m.uri.find('?'); q != std::string_view::npos) {
        // Wireshark splits a URI with a query: its path, the query, each parameter.
        const size_t base = l.begin + uriAt;
        d.addString(uri, s_f[UriPath], r, base, q, valueOf(d, s_f[UriPath], m.uri.substr(0, q)));
        const std::string_view query = m.uri.substr(q + 1);
        Item qi = d.addString(uri, s_f[UriQuery], r, base + q + 1, query.size(),
                              valueOf(d, s_f[UriQuery], query));
        for (size_t at = 0; at <= query.size();) {
            size_t end = query.find('&', at);
            if (end == std::string_view::npos)
                end = query.size();
            d.addString(qi, s_f[UriQueryParameter], r, base + q + 1 + at, end - at,
                        valueOf(d, s_f[UriQueryParameter], query.substr(at, end - at)));
            at = end + 1;
        }
    }
    if (sp2 != std::string_view::npos)
        d.addString(line, s_f[Version], r, l.begin + sp2 + 1, text.size() - sp2 - 1,
                    valueOf(d, s_f[Version], text.substr(sp2 + 1)));
    return line;
}

/// Notes what a header means for the message (length, chunked, type, host); returns the
/// header's own field, -1 for one without.
int applyHeader(Message &m, std::string_view name, std::string_view value)
{
    int field = -1;
    for (const Header &h : kHeaders)
        if (equalsNoCase(h.name, name)) {
            field = h.field;
            break;
        }
    switch (field) {
    case ContentType: {
        std::string_view type = value.substr(0, value.find(';'));
        while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
            type.remove_suffix(1);
        m.contentType = type;
        break;
    }
    case ContentLengthHeader:
        m.haveLength = parseLength(value, m.contentLength);
        break;
    case TransferEncoding: {
        // The last coding decides whether the body is chunked (RFC 9112 6.1).
        std::string_view last = value.substr(value.rfind(',') + 1);
        while (!last.empty() && (last.front() == ' ' || last.front() == '\t'))
            last.remove_prefix(1);
        while (!last.empty() && (last.back() == ' ' || last.back() == '\t'))
            last.remove_suffix(1);
        m.chunked = equalsNoCase(last, "chunked");
        break;
    }
    case Host:
        m.host = value;
        break;
    default:
        break;
    }
    return field;
}

/// A header line's name and value (after the colon and leading blanks).
void splitHeader(std::string_view text, std::string_view &name, std::string_view &value,
                 size_t &valueAt)
{
    const size_t colon = text.find(':');
    name = text.substr(0, colon);
    size_t v = colon == std::string_view::npos ? text.size() : colon + 1;
    while (v < text.size() && (text[v] == ' ' || text[v] == '\t'))
        ++v;
    valueAt = v;
    value = text.substr(v);
}

/// A status line's code, 0 when it has none.
uint16_t statusCode(std::string_view text)
{
    const size_t sp = text.find(' ');
    if (sp == std::string_view::npos || text.size() < sp + 4)
        return 0;
    const std::string_view c = text.substr(sp + 1, 3);
    for (char ch : c)
        if (ch < '0' || ch > '9')
            return 0;
    return uint16_t((c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0'));
}

/// Reads one header line's value into the message state and adds its items.
void headerLine(Dissection &d, const Reader &r, std::string_view s, const Line &l, Item http,
                Message &m)
{
    const std::string_view text = s.substr(l.begin, l.end - l.begin);
    const std::string_view whole = s.substr(l.begin, l.next - l.begin);
    const size_t len = l.next - l.begin;
    std::string_view name, value;
    size_t v = 0;
    splitHeader(text, name, value, v);
    bool badName = name.empty() || name.size() == text.size();
    for (char c : name)
        badName = badName || !isTokenChar(static_cast<unsigned char>(c));

    const bool bothBefore = m.haveLength && m.chunked;
    const int field = applyHeader(m, name, value);

    // Wireshark's items: the header's own field (shown as the line itself) and the line as
    // http.request.line / http.response.line (hidden under a known header); a notification
    // or an unclassified message has only the field, or http.unknown_header.
    const bool withLine = m.kind == Kind::Request || m.kind == Kind::Response;
    const FieldId lineField = m.kind == Kind::Request ? s_f[RequestLine] : s_f[ResponseLine];
    Item shown;
    if (field >= 0) {
        Item fieldItem = d.addString(http, s_f[field], r, l.begin, len,
                                     d.wants(s_f[field]) ? std::string(value) : std::string());
        if (withLine) {
            // The line carries the label Wireshark gives the header's item.
            d.flag(fieldItem, Hidden);
            shown = d.addString(http, lineField, r, l.begin, len,
                                d.wants(lineField) ? std::string(whole) : std::string());
        } else {
            d.flag(fieldItem, Hidden);
            shown = d.addText(http, r, l.begin, len, http ? escaped(whole) : std::string());
        }
    } else {
        const FieldId f = withLine ? lineField : s_f[UnknownHeader];
        shown =
            d.addString(http, f, r, l.begin, len, d.wants(f) ? std::string(whole) : std::string());
    }
    if (badName)
        d.expert(shown, r, l.begin, len, Severity::Warning, ExpertGroup::Protocol,
                 "Illegal characters found in header name", 0, s_ei[BadHeaderName]);
    if (m.haveLength && m.chunked && !bothBefore)
        d.expert(shown, r, l.begin, len, Severity::Warning, ExpertGroup::Malformed,
                 "The Content-Length and Transfer-Encoding header must not be set together", 0,
                 s_ei[TeAndLength]);
    if (field == ContentLengthHeader && m.haveLength)
        d.flag(d.addValue(shown, s_f[ContentLength], r, l.begin, len, m.contentLength), Generated);
    if (field == Cookie && (shown || d.wants(s_f[CookiePair]))) {
        size_t at = v;
        while (at < text.size()) {
            size_t end = text.find(';', at);
            if (end == std::string_view::npos)
                end = text.size();
            if (end > at)
                d.addString(shown, s_f[CookiePair], r, l.begin + at, end - at,
                            valueOf(d, s_f[CookiePair], text.substr(at, end - at)));
            at = end + 1;
            while (at < text.size() && text[at] == ' ')
                ++at;
        }
    }
}

/// Whether a line without a colon, or with bytes no header name has, ends the header section
/// of a message that did not start with a request or status line.
bool isHeaderLike(std::string_view text)
{
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos)
        return false;
    for (size_t i = 0; i < colon; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\t') || c >= 0x7f)
            return false;
    }
    return true;
}

/// Whether the oldest unanswered request of this conversation is a HEAD: its response has
/// a Content-Length but no body (RFC 9110 9.3.2).
bool answersHead(Dissection &d)
{
    if (d.revisit())
        return false;
    auto &convs = d.session().state<HttpConversations>().byStream;
    const auto it = convs.find(uint64_t(d.transport.proto) << 32 | d.transport.stream);
    return it != convs.end() && it->second.count > 0 &&
           it->second.pending[(it->second.head + it->second.count - 1) % kPending].head;
}

/// The first pass over a complete header (through `headerEnd`) for what decides the body's
/// length, without adding anything.
void prescan(std::string_view s, const Line &l0, size_t headerEnd, Message &m)
{
    if (m.kind == Kind::Response)
        m.code = statusCode(s.substr(l0.begin, l0.end - l0.begin));
    for (size_t p = l0.next; p < headerEnd;) {
        const Line l = lineAt(s, p);
        std::string_view name, value;
        size_t v = 0;
        splitHeader(s.substr(l.begin, l.end - l.begin), name, value, v);
        applyHeader(m, name, value);
        p = l.next;
    }
}

/// Dissects the message at `at` of `s` (the bytes of `r`); returns the bytes it took, or 0
/// after asking TCP for more (the message is then left for the reassembled call).
size_t dissectMessage(Dissection &d, const Reader &r, std::string_view s, size_t at, Item parent,
                      FieldId proto, bool first)
{
    const bool desegment = d.canDesegment() && r.captured() == r.reported();
    Message m;
    m.ssdp = proto == s_ssdp;
    const Line l0 = lineAt(s, at);
    m.kind = classify(s.substr(l0.begin, l0.end - l0.begin));
    const bool headResponse = m.kind == Kind::Response && answersHead(d);

    // With reassembly: the whole header, then the whole body, before dissecting anything.
    // The first line goes to Info already, as Wireshark writes it before asking for more:
    // the segment then reads `HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]`.
    auto askMore = [&](size_t more) {
        if (d.columns() && l0.complete) {
            std::string &info = d.info();
            if (first)
                info.clear();
            text::appendEscaped(info, s.substr(l0.begin, l0.end - l0.begin));
            info += ' ';
        }
        d.desegment(at, more);
        return size_t(0);
    };
    if (desegment && m.kind != Kind::None) {
        size_t headerEnd = 0; // past the blank line; 0 while not there
        for (size_t p = l0.next; l0.complete && p < s.size();) {
            const Line l = lineAt(s, p);
            if (!l.complete)
                break;
            p = l.next;
            if (l.end == l.begin) {
                headerEnd = p;
                break;
            }
        }
        if (headerEnd == 0)
            return askMore(Desegment::kOneMoreSegment);
        Message pre;
        pre.kind = m.kind;
        prescan(s, l0, headerEnd, pre);
        const bool noBody =
            pre.kind == Kind::Response && (headResponse || (pre.code >= 100 && pre.code < 200) ||
                                           pre.code == 204 || pre.code == 304);
        const size_t avail = s.size() - headerEnd;
        if (pre.chunked && !noBody) {
            size_t missing = 0;
            bool bogus = false;
            if (chunkedLength(s, headerEnd, missing, bogus) == 0 && !bogus) {
                // Even when the rest of this chunk is known, later chunks may follow: the
                // total is unknown until the last chunk, so ask segment by segment.
                return askMore(Desegment::kOneMoreSegment);
            }
        } else if (pre.haveLength && !noBody && pre.contentLength > avail) {
            return askMore(size_t(pre.contentLength - avail));
        }
    }

    d.setProtocol(proto == s_ssdp ? "SSDP" : "HTTP");
    Item http = d.addProtocol(parent, proto, r, at, 0);
    if (http)
        d.setText(http, proto == s_ssdp ? "Simple Service Discovery Protocol"
                                        : "Hypertext Transfer Protocol");

    size_t p = at;
    if (m.kind != Kind::None) {
        if (d.columns()) {
            std::string &info = d.info();
            if (first)
                info.clear();
            text::appendEscaped(info, s.substr(l0.begin, l0.end - l0.begin));
            info += ' ';
        }
        firstLine(d, r, s, l0, http, m);
        p = l0.next;
    } else if (first && d.columns()) {
        d.info() = "Continuation";
    }

    // Header lines up to the blank line (or, in a continuation, the first line that is not a
    // header: the body's start).
    while (p < s.size()) {
        const Line l = lineAt(s, p);
        if (l.end == l.begin && l.complete) {
            d.addText(http, r, p, l.next - p, http ? escaped(s.substr(p, l.next - p)) : "");
            p = l.next;
            m.headersDone = true;
            break;
        }
        const std::string_view text = s.substr(l.begin, l.end - l.begin);
        if (m.kind == Kind::None && !isHeaderLike(text))
            break;
        if (!l.complete) {
            // Cut short (the capture's end or the segment's): what is there, as tshark shows
            // it, a header with the part of its value that came.
            if (text.find(':') != std::string_view::npos)
                headerLine(d, r, s, l, http, m);
            else
                d.addText(http, r, p, l.next - p, http ? escaped(s.substr(p)) : "");
            p = l.next;
            break;
        }
        headerLine(d, r, s, l, http, m);
        p = l.next;
    }

    // Generated items: the full URI, the request/response pairing.
    const bool haveUri = (m.kind == Kind::Request || m.kind == Kind::Notification) &&
                         !m.host.empty() && !m.uri.empty();
    if (haveUri && d.wants(s_f[FullUri])) {
        std::string full;
        appendFullUri(full, m);
        d.addGeneratedString(http, s_f[FullUri], std::move(full));
    }
    if (m.kind == Kind::Notification) {
        d.flag(d.addGenerated(http, s_f[Notification], 1), Hidden);
    } else if (m.kind == Kind::Request || m.kind == Kind::Response) {
        const bool request = m.kind == Kind::Request;
        Pairing pr;
        pair(d, m, pr, haveUri);
        d.flag(d.addGenerated(http, s_f[request ? Request : Response], 1), Hidden);
        Item num = d.addGenerated(http, s_f[request ? RequestNumber : ResponseNumber], pr.number);
        if (num)
            d.setText(num, std::string(request ? "HTTP request " : "HTTP response ") +
                               text::uintString(pr.number) + "/" + text::uintString(pr.number));
        if (!request && pr.requestIn)
            d.addGenerated(http, s_f[Time], uint64_t(pr.sec), pr.nsec);
        if (pr.prevRequest)
            d.addGenerated(http, s_f[PrevRequestIn], pr.prevRequest);
        if (!request && pr.prevResponse)
            d.addGenerated(http, s_f[PrevResponseIn], pr.prevResponse);
        if (!request && pr.requestIn) {
            d.addGenerated(http, s_f[RequestIn], pr.requestIn);
            if (!pr.uri.empty())
                d.addGeneratedString(http, s_f[ResponseForUri], pr.uri);
        }
    }
    if (http)
        d.setLength(http, p - at);

    // A capture cut inside the header: Wireshark's truncation mark, nothing after it.
    if (!m.headersDone && p >= s.size() && r.captured() < r.reported())
        r.require(r.captured(), 1);
    if (m.kind != Kind::None && !m.headersDone)
        return p - at;

    // The body: chunked, Content-Length bytes, or up to the connection's end (a response
    // without either, RFC 9112 6.3); a request without either has none.
    const bool noBody =
        m.kind == Kind::Response &&
        (headResponse || (m.code >= 100 && m.code < 200) || m.code == 204 || m.code == 304);
    if (noBody)
        return p - at;
    if (m.chunked) {
        bool complete = false;
        p += dissectChunks(d, r, s, p, http, parent, m, complete);
        return p - at;
    }
    const size_t avail = s.size() - p;
    size_t bodyLen = 0;
    if (m.haveLength)
        bodyLen = m.contentLength < avail ? size_t(m.contentLength) : avail;
    else if (m.kind == Kind::Response || m.kind == Kind::None)
        bodyLen = avail;
    if (bodyLen > 0) {
        dissectBody(d, r.sub(p, bodyLen), http, parent, m);
    }
    return p + bodyLen - at;
}

void dissectPayload(Dissection &d, const Reader &r, Item parent, FieldId proto)
{
    const size_t n = r.captured();
    if (n == 0)
        return;
    const std::string_view s(reinterpret_cast<const char *>(r.ptr(0, n)), n);
    // A capture cut short inside what is not the start of a message: tshark's HTTP leaves
    // the segment to TCP (no Continuation, no data layer).
    if (r.captured() < r.reported() && classify(s.substr(0, lineAt(s, 0).end)) == Kind::None)
        return;
    size_t at = 0;
    bool first = true;
    while (at < n) { // pipelined messages, one after the other
        const size_t used = dissectMessage(d, r, s, at, parent, proto, first);
        if (used == 0)
            break; // TCP brings the rest of this message
        first = false;
        at += used;
    }
}

void dissectHttp(Dissection &d, const Reader &r, Item parent)
{
    dissectPayload(d, r, parent, s_f.protocol());
}

void dissectSsdp(Dissection &d, const Reader &r, Item parent)
{
    dissectPayload(d, r, parent, s_ssdp);
}

bool heuristicHttp(Dissection &d, const Reader &r, Item parent)
{
    const size_t n = r.captured();
    if (n < 8)
        return false;
    const std::string_view s(reinterpret_cast<const char *>(r.ptr(0, n)), n);
    const Line l = lineAt(s, 0);
    if (!l.complete || !looksLikeHttp(s.substr(0, l.end)))
        return false;
    dissectHttp(d, r, parent);
    return true;
}

} // namespace

void register_http(Registry &reg)
{
    s_f = reg.addProtocol({"http", "HTTP", "Hypertext Transfer Protocol"}, kFields);
    s_ei = reg.addFields(kExperts);
    // Pairing requests with responses reads earlier frames of the conversation.
    for (int f : {ResponseNumber, RequestNumber, RequestIn, ResponseIn, NextRequestIn,
                  NextResponseIn, PrevRequestIn, PrevResponseIn, Time, ResponseForUri})
        reg.setCrossFrame(s_f[f]);
    s_ssdp = reg.addProtocol({"ssdp", "SSDP", "Simple Service Discovery Protocol"},
                             std::span<const FieldDef>())
                 .protocol();
    s_textLines =
        reg.addProtocol({"data-text-lines", "Line-based text data", "Line-based text data"},
                        std::span<const FieldDef>())
            .protocol();
    // Wireshark's default HTTP TCP port range.
    for (uint32_t port :
         {80u, 631u, 1900u, 2710u, 2869u, 3128u, 3132u, 3689u, 5985u, 8080u, 8088u, 11371u})
        reg.addDissector(Table::TcpPort, port, dissectHttp);
    reg.addDissector(Table::UdpPort, 1900, dissectSsdp);
    reg.addHeuristic(Table::TcpPort, heuristicHttp);
}

} // namespace pl::proto
