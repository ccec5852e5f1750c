#include "packetbuilder.h"

#include <QTest>

#include <algorithm>

using pltest::Dissected;

namespace {

/// 10.0.0.1:sport -> 10.0.0.2:dport, an Ethernet/IPv4/TCP frame carrying `payload` (checksums
/// left zero: the tests turn verification off). `proto` 17 makes it UDP.
std::vector<uint8_t> makeFrame(uint16_t sport, uint16_t dport, std::string_view payload,
                               uint32_t seq = 1, uint8_t proto = 6)
{
    const size_t l4 = proto == 6 ? 20 : 8;
    const size_t ipLen = 20 + l4 + payload.size();
    std::vector<uint8_t> b = {0x00,
                              0x11,
                              0x22,
                              0x33,
                              0x44,
                              0x55,
                              0x00,
                              0x66,
                              0x77,
                              0x88,
                              0x99,
                              0xaa,
                              0x08,
                              0x00,
                              0x45,
                              0x00,
                              uint8_t(ipLen >> 8),
                              uint8_t(ipLen),
                              0x00,
                              0x01,
                              0x40,
                              0x00,
                              0x40,
                              proto,
                              0x00,
                              0x00,
                              10,
                              0,
                              0,
                              1,
                              10,
                              0,
                              0,
                              2};
    if (sport < dport) // from the server (the lower, well-known port): the other direction
        std::swap_ranges(b.begin() + 26, b.begin() + 30, b.begin() + 30);
    b.push_back(uint8_t(sport >> 8));
    b.push_back(uint8_t(sport));
    b.push_back(uint8_t(dport >> 8));
    b.push_back(uint8_t(dport));
    if (proto == 6) {
        const uint8_t rest[] = {uint8_t(seq >> 24),
                                uint8_t(seq >> 16),
                                uint8_t(seq >> 8),
                                uint8_t(seq),
                                0,
                                0,
                                0,
                                1,
                                0x50,
                                0x18,
                                0xff,
                                0xff,
                                0,
                                0,
                                0,
                                0};
        b.insert(b.end(), std::begin(rest), std::end(rest));
    } else {
        const size_t udpLen = 8 + payload.size();
        const uint8_t rest[] = {uint8_t(udpLen >> 8), uint8_t(udpLen), 0, 0};
        b.insert(b.end(), std::begin(rest), std::end(rest));
    }
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

/// Checksums unverified (left zero), and TCP reassembly off: these tests look at what HTTP
/// shows of one segment (desegmentRequest() tests what it asks TCP for).
pl::Preferences noChecksums()
{
    pl::Preferences p;
    p.verifyChecksums = false;
    p.tcpReassemble = false;
    return p;
}

/// Dissects `payload` as frame `number` of `session` (TCP 40000 -> 80 unless told).
struct Packet : Dissected
{
    Packet(std::string_view payload, pl::Session *session = nullptr, uint16_t sport = 40000,
           uint16_t dport = 80, uint64_t number = 1, int64_t sec = 100, uint32_t nsec = 0,
           uint8_t proto = 6, uint32_t wireExtra = 0,
           pl::Dissection::Mode mode = pl::Dissection::Mode::Tree, uint32_t seq = 1)
        : Dissected({}, 1, 0, nullptr, noChecksums(), mode)
    {
        bytes = makeFrame(sport, dport, payload, seq, proto);
        if (wireExtra) // the capture kept fewer bytes than the wire carried
            bytes.resize(bytes.size() - wireExtra);
        this->frame.data = bytes.data();
        this->frame.capLen = uint32_t(bytes.size());
        this->frame.wireLen = uint32_t(bytes.size() + wireExtra);
        this->frame.number = number;
        this->frame.tsSec = sec;
        this->frame.tsNsec = nsec;
        d.dissect(this->frame, session);
    }
};

/// What the HTTP dissector asks TCP for on `payload` when it may desegment: "at+more",
/// "more=one" for kOneMoreSegment, "none" when it asks nothing.
QString desegmentRequest(std::string_view payload)
{
    static std::vector<uint8_t> bytes;
    bytes.assign(payload.begin(), payload.end());
    pl::Frame f;
    f.data = bytes.data();
    f.capLen = f.wireLen = uint32_t(bytes.size());
    f.linkType = 1;
    f.number = 1;
    pl::Session session;
    pl::Dissection d(pl::Dissection::Mode::Tree);
    d.begin(f, &session);
    d.transport = {6, 40000, 80, 0};
    d.desegmentState() = {};
    d.desegmentState().allowed = true;
    const pl::DissectFn fn = pl::Registry::instance().dissector(pl::Table::TcpPort, 80);
    if (!fn)
        return QStringLiteral("no dissector");
    fn(d, pl::Reader(bytes.data(), bytes.size(), bytes.size()), d.root());
    const pl::Desegment s = d.desegmentState();
    if (!s.more)
        return QStringLiteral("none");
    if (s.more == pl::Desegment::kOneMoreSegment)
        return QStringLiteral("%1+one").arg(s.at);
    return QStringLiteral("%1+%2").arg(s.at).arg(s.more);
}

const char kGet[] = "GET /index.html?a=1&b=two HTTP/1.1\r\n"
                    "Host: example.com\r\n"
                    "User-Agent: test/1.0\r\n"
                    "Accept: */*\r\n"
                    "Cookie: s=1; t=2\r\n"
                    "X-Thing: yes\r\n"
                    "\r\n";

const char kOk[] = "HTTP/1.1 200 OK\r\n"
                   "Content-Type: text/html; charset=utf-8\r\n"
                   "Content-Length: 12\r\n"
                   "Server: srv\r\n"
                   "\r\n"
                   "<p>hi</p>\nx\n";

} // namespace

class TestHttp : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (pl::Registry::instance().findField("http.request.method") < 0)
            QSKIP("the HTTP dissector is not built");
    }

    void request()
    {
        Packet p(kGet);
        const int base = 54; // Ethernet 14 + IPv4 20 + TCP 20
        QCOMPARE(p.protocol(), QStringLiteral("HTTP"));
        QCOMPARE(p.info(), QStringLiteral("GET /index.html?a=1&b=two HTTP/1.1 "));
        QCOMPARE(p.value("http.request.method"), QStringLiteral("GET"));
        QCOMPARE(p.range("http.request.method"), QStringLiteral("%1+3").arg(base));
        QCOMPARE(p.value("http.request.uri"), QStringLiteral("/index.html?a=1&b=two"));
        QCOMPARE(p.range("http.request.uri"), QStringLiteral("%1+21").arg(base + 4));
        QCOMPARE(p.value("http.request.uri.path"), QStringLiteral("/index.html"));
        QCOMPARE(p.value("http.request.uri.query"), QStringLiteral("a=1&b=two"));
        QCOMPARE(p.value("http.request.uri.query.parameter", 1), QStringLiteral("b=two"));
        QCOMPARE(p.range("http.request.uri.query"), QStringLiteral("%1+9").arg(base + 16));
        QCOMPARE(p.value("http.request.version"), QStringLiteral("HTTP/1.1"));
        QCOMPARE(p.label("http.request.version"), QStringLiteral("Request Version: HTTP/1.1"));
        QCOMPARE(p.value("http.host"), QStringLiteral("example.com"));
        QCOMPARE(p.range("http.host"), QStringLiteral("%1+19").arg(base + 36));
        QCOMPARE(p.value("http.user_agent"), QStringLiteral("test/1.0"));
        QCOMPARE(p.value("http.accept"), QStringLiteral("*/*"));
        QCOMPARE(p.value("http.cookie"), QStringLiteral("s=1; t=2"));
        QCOMPARE(p.value("http.cookie_pair", 0), QStringLiteral("s=1"));
        QCOMPARE(p.value("http.cookie_pair", 1), QStringLiteral("t=2"));
        // Every header line is also http.request.line, shown as the line itself.
        QCOMPARE(p.nodes("http.request.line").size(), size_t(5));
        QCOMPARE(p.value("http.request.line", 4), QStringLiteral("X-Thing: yes\r\n"));
        QCOMPARE(p.label("http.request.line"), QStringLiteral("Host: example.com\\r\\n"));
        QCOMPARE(p.value("http.request.full_uri"),
                 QStringLiteral("http://example.com/index.html?a=1&b=two"));
        QCOMPARE(p.value("http.request"), QStringLiteral("1"));
        QCOMPARE(p.value("http.request_number"), QStringLiteral("1"));
        QCOMPARE(p.label("http.request_number"), QStringLiteral("[HTTP request 1/1]"));
        QCOMPARE(p.value("http.response"), QStringLiteral("<absent>"));
        // tshark's Chat note on the request line.
        QCOMPARE(p.value("_ws.expert.message"),
                 QStringLiteral("GET /index.html?a=1&b=two HTTP/1.1\r\n"));
        QVERIFY(p.hasText(QStringLiteral("[Expert Info (Chat/Sequence): GET /index.html?a=1&b=two "
                                         "HTTP/1.1\\r\\n]")));
        const QString tree = p.dump();
        QVERIFY2(tree.contains(QStringLiteral("Hypertext Transfer Protocol\n"
                                              "    GET /index.html?a=1&b=two HTTP/1.1\\r\\n\n")),
                 qPrintable(tree));
        QVERIFY(tree.contains(QStringLiteral("    Host: example.com\\r\\n\n")));
        QVERIFY(tree.contains(QStringLiteral("    \\r\\n\n    [Full request URI: ")));
        QVERIFY(!p.malformed() && !p.truncated());
    }

    void responsePairedWithRequest()
    {
        pl::Session s;
        Packet req(kGet, &s, 40000, 80, 4, 100, 0);
        Packet res(kOk, &s, 80, 40000, 6, 100, 1809000);
        QCOMPARE(res.info(), QStringLiteral("HTTP/1.1 200 OK  (text/html)"));
        QCOMPARE(res.value("http.response.version"), QStringLiteral("HTTP/1.1"));
        QCOMPARE(res.value("http.response.code"), QStringLiteral("200"));
        QCOMPARE(res.range("http.response.code"), QStringLiteral("63+3"));
        QCOMPARE(res.value("http.response.code.desc"), QStringLiteral("OK"));
        QCOMPARE(res.label("http.response.code.desc"),
                 QStringLiteral("[Status Code Description: OK]"));
        QCOMPARE(res.value("http.response.phrase"), QStringLiteral("OK"));
        QCOMPARE(res.value("http.content_type"), QStringLiteral("text/html; charset=utf-8"));
        QCOMPARE(res.value("http.content_length_header"), QStringLiteral("12"));
        QCOMPARE(res.value("http.content_length"), QStringLiteral("12"));
        QCOMPARE(res.label("http.content_length"), QStringLiteral("[Content length: 12]"));
        QCOMPARE(res.value("http.server"), QStringLiteral("srv"));
        QCOMPARE(res.value("http.response_number"), QStringLiteral("1"));
        QCOMPARE(res.value("http.request_in"), QStringLiteral("4"));
        QCOMPARE(res.value("http.time"), QStringLiteral("0.001809000"));
        QCOMPARE(res.label("http.time"),
                 QStringLiteral("[Time since request: 0.001809000 seconds]"));
        QCOMPARE(res.value("http.response_for.uri"),
                 QStringLiteral("http://example.com/index.html?a=1&b=two"));
        QCOMPARE(res.value("http.file_data"), QStringLiteral("<p>hi</p>\nx\n"));
        QVERIFY(res.hasText(QStringLiteral("    File Data: 12 bytes\n")));
        QVERIFY(res.hasText(QStringLiteral("Line-based text data: text/html (2 lines)\n"
                                           "    <p>hi</p>\\n\n    x\\n\n")));

        // A second exchange names the first ones.
        // (each in sequence after the first: a retransmission's payload is not handed on)
        Packet req2("GET /b HTTP/1.1\r\nHost: example.com\r\n\r\n", &s, 40000, 80, 8, 101, 0, 6, 0,
                    pl::Dissection::Mode::Tree, uint32_t(1 + strlen(kGet)));
        QCOMPARE(req2.label("http.request_number"), QStringLiteral("[HTTP request 2/2]"));
        QCOMPARE(req2.value("http.prev_request_in"), QStringLiteral("4"));
        Packet res2("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", &s, 80, 40000, 9, 102, 0,
                    6, 0, pl::Dissection::Mode::Tree, uint32_t(1 + strlen(kOk)));
        QCOMPARE(res2.value("http.request_in"), QStringLiteral("8"));
        QCOMPARE(res2.value("http.prev_request_in"), QStringLiteral("4"));
        QCOMPARE(res2.value("http.prev_response_in"), QStringLiteral("6"));
        QCOMPARE(res2.value("http.response.code.desc"), QStringLiteral("Not Found"));
        QCOMPARE(res2.value("http.time"), QStringLiteral("1.000000000"));
        QCOMPARE(res2.info(), QStringLiteral("HTTP/1.1 404 Not Found "));
    }

    void revisitSaysTheSame()
    {
        pl::Session s;
        s.setRemembersFrames(true);
        Packet req(kGet, &s, 40000, 80, 4, 100, 0);
        Packet res(kOk, &s, 80, 40000, 6, 100, 5000);
        // (each in sequence after the first: a retransmission's payload is not handed on)
        Packet req2("GET /b HTTP/1.1\r\nHost: example.com\r\n\r\n", &s, 40000, 80, 8, 101, 0, 6, 0,
                    pl::Dissection::Mode::Tree, uint32_t(1 + strlen(kGet)));
        // Frame 6 again (a click in the packet list), after frame 8 changed the state.
        Packet again(kOk, &s, 80, 40000, 6, 100, 5000);
        QCOMPARE(again.value("http.request_in"), QStringLiteral("4"));
        QCOMPARE(again.value("http.time"), QStringLiteral("0.000005000"));
        QCOMPARE(again.value("http.response_number"), QStringLiteral("1"));
        QCOMPARE(again.value("http.response_for.uri"),
                 QStringLiteral("http://example.com/index.html?a=1&b=two"));
        Packet again4(kGet, &s, 40000, 80, 4, 100, 0);
        QCOMPARE(again4.value("http.request_number"), QStringLiteral("1"));
        QCOMPARE(again4.value("http.prev_request_in"), QStringLiteral("<absent>"));
    }

    void responseWithoutRequest()
    {
        Packet res("HTTP/1.0 999 Odd\r\n\r\nbody", nullptr, 80, 40000);
        QCOMPARE(res.value("http.response.code.desc"), QStringLiteral("Unknown (999)"));
        QCOMPARE(res.value("http.request_in"), QStringLiteral("<absent>"));
        QCOMPARE(res.value("http.time"), QStringLiteral("<absent>"));
        // No length, no type: the body runs to the end and shows as data inside HTTP.
        QCOMPARE(res.value("http.file_data"), QStringLiteral("body"));
        QCOMPARE(res.value("data.len"), QStringLiteral("4"));
    }

    void chunkedResponse()
    {
        Packet p("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\nabc\r\n1\r\nd\r\n0\r\n\r\n",
                 nullptr, 80, 40000);
        QCOMPARE(p.info(), QStringLiteral("HTTP/1.1 200 OK  (text/plain)"));
        QCOMPARE(p.value("http.transfer_encoding"), QStringLiteral("chunked"));
        QCOMPARE(p.nodes("http.chunk_size").size(), size_t(3));
        QCOMPARE(p.value("http.chunk_size", 1), QStringLiteral("1"));
        QCOMPARE(p.value("http.chunk_data"), QStringLiteral("616263"));
        QCOMPARE(p.value("http.chunk_boundary"), QStringLiteral("0d0a"));
        const int body = 54 + 73; // after the header's blank line
        QCOMPARE(p.range("http.chunk_size"), QStringLiteral("%1+3").arg(body));
        QCOMPARE(p.range("http.chunk_data"), QStringLiteral("%1+3").arg(body + 3));
        const QString tree = p.dump();
        QVERIFY2(tree.contains(QStringLiteral("    HTTP chunked response\n"
                                              "        Data chunk (3 octets)\n"
                                              "            Chunk size: 3 octets\n"
                                              "            Chunk data: 616263\n"
                                              "            Chunk boundary: 0d0a\n"
                                              "        Data chunk (1 octets)\n"
                                              "            Chunk size: 1 octet\n")),
                 qPrintable(tree));
        QVERIFY(tree.contains(QStringLiteral("        End of chunked encoding\n"
                                             "            Chunk size: 0 octets\n"
                                             "        \\r\\n\n"
                                             "    File Data: 4 bytes\n")));
        // The de-chunked body is a data source of its own.
        QCOMPARE(p.d.sourceCount(), size_t(2));
        QCOMPARE(QString::fromStdString(p.d.sourceName(1)),
                 QStringLiteral("De-chunked entity body (4 bytes)"));
        const auto fd = p.nodes("http.file_data");
        QCOMPARE(fd.size(), size_t(1));
        QCOMPARE(int(p.tree().node(fd[0]).source), 1);
    }

    void pipelinedRequests()
    {
        pl::Session s;
        Packet p("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n", &s);
        QCOMPARE(p.info(), QStringLiteral("GET /a HTTP/1.1 GET /b HTTP/1.1 "));
        QCOMPARE(p.nodes("http.request.method").size(), size_t(2));
        QCOMPARE(p.value("http.request_number", 1), QStringLiteral("2"));
        QCOMPARE(p.range("http.request.method").section(QLatin1Char('+'), 0, 0),
                 QStringLiteral("54"));
    }

    void desegmentRequests()
    {
        // Header without its blank line: at least one more segment.
        QCOMPARE(desegmentRequest("GET / HTTP/1.1\r\nHost: h\r\n"), QStringLiteral("0+one"));
        // Content-Length bytes missing: exactly those.
        QCOMPARE(desegmentRequest("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
                 QStringLiteral("0+7"));
        // A chunk cut short: the total is not known before the last chunk.
        QCOMPARE(desegmentRequest("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"),
                 QStringLiteral("0+one"));
        // The last chunk not there yet.
        QCOMPARE(
            desegmentRequest("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n"),
            QStringLiteral("0+one"));
        // Pipelined: the first message is whole, the second starts at 28.
        QCOMPARE(desegmentRequest("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\n"),
                 QStringLiteral("28+one"));
        // Whole messages ask nothing; a 304 has no body whatever its Content-Length.
        QCOMPARE(desegmentRequest(kGet), QStringLiteral("none"));
        QCOMPARE(desegmentRequest(kOk), QStringLiteral("none"));
        QCOMPARE(desegmentRequest("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"),
                 QStringLiteral("none"));
        // Not HTTP at all (a continuation): nothing asked.
        QCOMPARE(desegmentRequest("some body bytes"), QStringLiteral("none"));
    }

    void withoutReassemblyShowsWhatIsThere()
    {
        Packet p("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: text/plain\r\n\r\nabc",
                 nullptr, 80, 40000);
        QCOMPARE(p.value("http.content_length"), QStringLiteral("100"));
        QCOMPARE(p.value("http.file_data"), QStringLiteral("abc"));
        QVERIFY(!p.malformed()); // a partial message over TCP is not malformed
        Packet c("more body bytes\n", nullptr, 80, 40000);
        QCOMPARE(c.protocol(), QStringLiteral("HTTP"));
        QCOMPARE(c.info(), QStringLiteral("Continuation"));
        QCOMPARE(c.value("http.file_data"), QStringLiteral("more body bytes\n"));
    }

    void hostileLengths_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("negative") << QStringLiteral("-1");
        QTest::newRow("overflow") << QStringLiteral("99999999999999999999");
        QTest::newRow("garbage") << QStringLiteral("12abc");
        QTest::newRow("empty") << QString();
    }

    void hostileLengths()
    {
        QFETCH(QString, value);
        const std::string payload =
            "HTTP/1.1 200 OK\r\nContent-Length: " + value.toStdString() + "\r\n\r\nabc";
        Packet p(payload, nullptr, 80, 40000);
        // Not a length: no http.content_length, and the body runs to the end, as tshark.
        QCOMPARE(p.value("http.content_length_header"), value);
        QCOMPARE(p.value("http.content_length"), QStringLiteral("<absent>"));
        QCOMPARE(p.value("http.file_data"), QStringLiteral("abc"));
        QCOMPARE(desegmentRequest(payload), QStringLiteral("none"));
    }

    void hostileChunks()
    {
        // A chunk size that overflows: the chunk tree stops, nothing read past the data.
        Packet big("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\nabc",
                   nullptr, 80, 40000);
        QCOMPARE(big.value("http.chunk_size"), QStringLiteral("<absent>"));
        QVERIFY(big.hasText(QStringLiteral("HTTP chunked response")));
        // A chunk longer than the data: what is there.
        Packet cut("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffff\r\nabc", nullptr,
                   80, 40000);
        QCOMPARE(cut.value("http.chunk_size"), QStringLiteral("2147483647"));
        QCOMPARE(cut.value("http.chunk_data"), QStringLiteral("616263"));
        // Endless one-byte chunks: itemized up to a bound, then one item for the rest.
        std::string endless = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 6000; ++i)
            endless += "1\r\nx\r\n";
        Packet e(endless, nullptr, 80, 40000);
        QCOMPARE(e.nodes("http.chunk_size").size(), size_t(4096));
        QVERIFY(e.hasText(QStringLiteral("[Too many chunks]")));
        QCOMPARE(desegmentRequest(endless), QStringLiteral("0+one"));
        // Content-Length and Transfer-Encoding together: Wireshark's warning.
        Packet both("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "3\r\nabc\r\n0\r\n\r\n",
                    nullptr, 80, 40000);
        QCOMPARE(both.value("_ws.expert.message", 1),
                 QStringLiteral("The Content-Length and Transfer-Encoding header must not be set "
                                "together"));
        QCOMPARE(both.value("http.file_data"), QStringLiteral("abc"));
    }

    void hostileLines()
    {
        // No CRLF at all: one line, shown as far as it goes.
        Packet nocrlf("GET /x HTTP/1.1", nullptr);
        QCOMPARE(nocrlf.value("http.request.method"), QStringLiteral("GET"));
        QCOMPARE(nocrlf.value("http.request.version"), QStringLiteral("HTTP/1.1"));
        QCOMPARE(nocrlf.info(), QStringLiteral("GET /x HTTP/1.1 "));
        // LF-only line ends, as tshark accepts them.
        Packet lf("GET /y HTTP/1.1\nHost: h\n\n", nullptr);
        QCOMPARE(lf.value("http.host"), QStringLiteral("h"));
        QCOMPARE(lf.value("http.request.full_uri"), QStringLiteral("http://h/y"));
        // A 60 000-byte header line in a frame, a 1 MB one as TCP would reassemble it.
        std::string longLine = "GET / HTTP/1.1\r\nX-Big: " + std::string(60000, 'a') + "\r\n\r\n";
        Packet h(longLine, nullptr);
        QCOMPARE(h.value("http.request.line").size(), qsizetype(9 + 60000));
        std::string huge = "GET / HTTP/1.1\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n";
        QCOMPARE(desegmentRequest(huge), QStringLiteral("0+one"));
        QCOMPARE(desegmentRequest(huge + "\r\n"), QStringLiteral("none"));
        // A header name with illegal characters: Wireshark's warning under the line.
        Packet bad("GET / HTTP/1.1\r\nX Odd: 1\r\n\r\n", nullptr);
        QVERIFY(bad.hasText(QStringLiteral(
            "    X Odd: 1\\r\\n\n        [Expert Info (Warning/Protocol): Illegal characters found "
            "in header name]")));
        // A method alone.
        Packet m("GET\r\n\r\n", nullptr);
        QCOMPARE(m.value("http.request.method"), QStringLiteral("GET"));
        QCOMPARE(m.value("http.request.uri"), QString());
        // Binary garbage on port 80: a continuation with its bytes, nothing else.
        Packet g(std::string("\x00\x01\x02\xff\r\n\r\n", 8), nullptr);
        QCOMPARE(g.info(), QStringLiteral("Continuation"));
        QVERIFY(!g.malformed());
    }

    void summaryModeAgrees()
    {
        pl::Session s1, s2;
        Packet tree(kOk, &s1, 80, 40000);
        Packet summary(kOk, &s2, 80, 40000, 1, 100, 0, 6, 0, pl::Dissection::Mode::Summary);
        QCOMPARE(summary.info(), tree.info());
        QCOMPARE(summary.protocol(), tree.protocol());
        std::string endless = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 6000; ++i)
            endless += "1\r\nx\r\n";
        Packet e(endless, nullptr, 80, 40000, 1, 100, 0, 6, 0, pl::Dissection::Mode::Summary);
        QCOMPARE(e.info(), QStringLiteral("HTTP/1.1 200 OK "));
    }

    void truncatedCapture()
    {
        // The capture stopped inside a header line (snaplen): tshark's truncation mark.
        Packet p("HTTP/1.1 200 OK\r\nDate: Thu, 10 Mar 2011 10:00:00 GMT\r\n\r\n", nullptr, 80,
                 40000, 1, 100, 0, 6, 20);
        QVERIFY(p.truncated());
        QVERIFY(p.hasText(QStringLiteral("    Date: Thu, 10 Mar 2\n    [HTTP response 1/1]\n")));
        QVERIFY(p.hasText(QStringLiteral("[HTTP response 1/1]")));
        QCOMPARE(p.value("http.date"), QStringLiteral("Thu, 10 Mar 2")); // as far as it came
        // A continuation cut short: left to TCP, as tshark does.
        Packet c("more body bytes and more", nullptr, 80, 40000, 1, 100, 0, 6, 10);
        QCOMPARE(c.protocol(), QStringLiteral("TCP"));
        QCOMPARE(c.value("http.file_data"), QStringLiteral("<absent>"));
    }

    void heuristicOnOtherPorts()
    {
        Packet yes("GET / HTTP/1.1\r\nHost: h:8000\r\n\r\n", nullptr, 40000, 8000);
        QCOMPARE(yes.protocol(), QStringLiteral("HTTP"));
        QCOMPARE(yes.value("http.request.full_uri"), QStringLiteral("http://h:8000/"));
        Packet res("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", nullptr, 8000, 40000);
        QCOMPARE(res.protocol(), QStringLiteral("HTTP"));
        // Text that merely starts with a method is not taken.
        Packet no("GET me a coffee\r\n", nullptr, 40000, 8000);
        QCOMPARE(no.protocol(), QStringLiteral("TCP"));
        Packet none("hello", nullptr, 40000, 8000);
        QCOMPARE(none.value("http.request"), QStringLiteral("<absent>"));
    }

    void ssdp()
    {
        pl::Session s;
        Packet search(
            "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
            "MX: 1\r\nST: ssdp:all\r\n\r\n",
            &s, 50000, 1900, 1, 100, 0, 17);
        QCOMPARE(search.protocol(), QStringLiteral("SSDP"));
        QCOMPARE(search.info(), QStringLiteral("M-SEARCH * HTTP/1.1 "));
        QVERIFY(search.hasText(QStringLiteral("Simple Service Discovery Protocol\n")));
        QCOMPARE(search.value("http.request.method"), QStringLiteral("M-SEARCH"));
        QCOMPARE(search.value("http.host"), QStringLiteral("239.255.255.250:1900"));
        QCOMPARE(search.value("http.request.full_uri"),
                 QStringLiteral("http://239.255.255.250:1900*"));
        QCOMPARE(search.value("http.request.line", 1),
                 QStringLiteral("MAN: \"ssdp:discover\"\r\n"));
        Packet ok("HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n", &s, 1900, 50000, 2, 100, 18000,
                  17);
        QCOMPARE(ok.value("http.request_in"), QStringLiteral("1"));
        QCOMPARE(ok.value("http.time"), QStringLiteral("0.000018000"));
        // NOTIFY is a notification: no number; unknown headers as http.unknown_header, known
        // ones shown as their line.
        Packet n("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\n\r\n",
                 &s, 50000, 1900, 3, 100, 0, 17);
        QCOMPARE(n.value("http.notification"), QStringLiteral("1"));
        QCOMPARE(n.value("http.request_number"), QStringLiteral("<absent>"));
        QCOMPARE(n.value("http.unknown_header"), QStringLiteral("NT: upnp:rootdevice\r\n"));
        QCOMPARE(n.value("http.host"), QStringLiteral("239.255.255.250:1900"));
        QVERIFY(n.hasText(QStringLiteral("    HOST: 239.255.255.250:1900\\r\\n\n"
                                         "    NT: upnp:rootdevice\\r\\n\n")));
    }
};

QTEST_GUILESS_MAIN(TestHttp)
#include "tst_http.moc"
