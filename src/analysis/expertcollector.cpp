#include "expertcollector.h"

#include "capfile/capturefilereader.h"
#include "dissect/registry.h"

#include <QMetaObject>

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>
#include <unordered_map>

namespace pl {

namespace {

constexpr auto kProgressEvery = std::chrono::milliseconds(100);

/// The fields the pass collects: the note and its parts, and every protocol item (to tell
/// which layer a note belongs to).
struct ExpertFields
{
    FieldInterest interest;
    std::vector<uint8_t> isProtocol; ///< by FieldId
    FieldId note = -1, message = -1, malformed = -1;
    // DNS, for what no single packet says: queries never answered, answers never asked for.
    FieldId dnsResponse = -1, dnsResponseTo = -1, dnsUnsolicited = -1, dnsRetransmission = -1;

    explicit ExpertFields(const Registry &reg)
    {
        interest.assign(reg.fieldCount(), 0);
        isProtocol.assign(reg.fieldCount(), 0);
        for (size_t i = 0; i < reg.fieldCount(); ++i) {
            const FieldType type = reg.field(FieldId(i)).type;
            if (type == FieldType::Protocol)
                isProtocol[i] = 1;
            // Expert fields (tcp.connection.syn) have no value: they name the note's
            // summary. Other valueless fields come too, but never between a note and its
            // message, where the collector looks for them.
            if (type == FieldType::Protocol || type == FieldType::None)
                interest[i] = 1;
        }
        note = reg.findField("_ws.expert");
        message = reg.findField("_ws.expert.message");
        malformed = reg.findField("_ws.malformed");
        dnsResponse = reg.findField("dns.flags.response");
        dnsResponseTo = reg.findField("dns.response_to");
        dnsUnsolicited = reg.findField("dns.unsolicited");
        dnsRetransmission = reg.findField("dns.retransmission");
        for (FieldId f :
             {note, message, dnsResponse, dnsResponseTo, dnsUnsolicited, dnsRetransmission})
            if (f >= 0)
                interest[size_t(f)] = 1;
    }
};

/// Groups notes while the pass runs.
class Grouper
{
public:
    /// `field`: the note's expert field (its name is the summary), or -1 (the message is).
    void add(const Registry &reg, Severity severity, ExpertGroup group, std::string_view protocol,
             FieldId field, std::string_view message, uint64_t frame)
    {
        m_key.severity = severity;
        m_key.group = group;
        m_key.protocol.assign(protocol);
        m_key.field = field;
        m_key.message.assign(field >= 0 ? std::string_view() : message);
        auto it = m_index.find(m_key);
        if (it == m_index.end()) {
            it = m_index.emplace(m_key, m_summaries.size()).first;
            ExpertReport::Summary s;
            s.severity = severity;
            s.group = group;
            s.protocol = m_key.protocol;
            s.summary = field >= 0 ? std::string(reg.field(field).name) : std::string(message);
            m_summaries.push_back(std::move(s));
            m_messageIndex.emplace_back();
        }
        ExpertReport::Summary &s = m_summaries[it->second];
        auto &messages = m_messageIndex[it->second];
        m_message.assign(message);
        auto m = messages.find(m_message);
        if (m == messages.end()) {
            m = messages.emplace(m_message, uint32_t(s.messages.size())).first;
            s.messages.push_back(m_message);
        }
        s.frames.push_back(frame);
        s.messageOf.push_back(m->second);
    }

    std::vector<ExpertReport::Summary> take()
    {
        std::sort(m_summaries.begin(), m_summaries.end(),
                  [](const ExpertReport::Summary &a, const ExpertReport::Summary &b) {
                      return std::tie(b.severity, a.summary, a.group, a.protocol) <
                             std::tie(a.severity, b.summary, b.group, b.protocol);
                  });
        m_index.clear();
        m_messageIndex.clear();
        return std::move(m_summaries);
    }

private:
    struct Key
    {
        Severity severity;
        ExpertGroup group;
        std::string protocol;
        FieldId field;
        std::string message;
        bool operator<(const Key &o) const
        {
            return std::tie(severity, group, field, protocol, message) <
                   std::tie(o.severity, o.group, o.field, o.protocol, o.message);
        }
    };
    // Reused: no allocation per note once their strings have grown.
    Key m_key{};
    std::string m_message;
    std::map<Key, size_t> m_index;
    std::vector<ExpertReport::Summary> m_summaries;
    /// Per summary: its distinct messages' indexes.
    std::vector<std::unordered_map<std::string, uint32_t>> m_messageIndex;
};

/// DNS transactions over the pass: queries (not retransmissions) and the queries a response
/// named (dns.response_to). What is left unanswered at the end becomes a note, and so does a
/// response to no query (dns.unsolicited). Wireshark 4.0 has fields for these, no notes; the
/// issue asks to see them among the expert information.
class DnsTransactions
{
public:
    void take(const Dissection &d, const ExpertFields &fields, Grouper &grouper)
    {
        const FieldTree &t = d.fieldTree();
        bool isQuery = false, retransmission = false;
        for (int32_t i = t.node(FieldTree::root()).firstChild; i >= 0; i = t.node(i).next) {
            const FieldNode &n = t.node(i);
            if (n.field == fields.dnsResponse && n.value == 0)
                isQuery = true;
            else if (n.field == fields.dnsRetransmission && n.value)
                retransmission = true;
            else if (n.field == fields.dnsResponseTo)
                m_answered.push_back(n.value);
            else if (n.field == fields.dnsUnsolicited && n.value)
                grouper.add(d.registry(), Severity::Warning, ExpertGroup::Sequence, "dns", -1,
                            "DNS response with no query", d.frame().number);
        }
        if (isQuery && !retransmission)
            m_queries.push_back(d.frame().number);
    }

    void finish(const Registry &reg, Grouper &grouper)
    {
        std::sort(m_answered.begin(), m_answered.end());
        for (const uint64_t q : m_queries)
            if (!std::binary_search(m_answered.begin(), m_answered.end(), q))
                grouper.add(reg, Severity::Note, ExpertGroup::Sequence, "dns", -1,
                            "DNS query with no response", q);
    }

private:
    std::vector<uint64_t> m_queries;  // frame numbers, 8 bytes a DNS query
    std::vector<uint64_t> m_answered; // the queries' frames responses named
};

/// The notes of one dissected frame, from the fields collected flat in the order the
/// dissectors added them.
void takeNotes(const Dissection &d, const ExpertFields &fields, Grouper &grouper,
               std::vector<int32_t> &protocols)
{
    const FieldTree &t = d.fieldTree();
    const Registry &reg = d.registry();
    protocols.clear();
    int32_t pending = -1;     // the _ws.expert node whose message comes next
    FieldId expertField = -1; // the pending note's own field
    for (int32_t i = t.node(FieldTree::root()).firstChild; i >= 0; i = t.node(i).next) {
        const FieldNode &n = t.node(i);
        if (n.field < 0)
            continue;
        // _ws.expert and _ws.malformed are protocols of Wireshark's too: test for them first.
        if (n.field == fields.note) {
            pending = i;
            expertField = -1;
        } else if (pending >= 0 && n.field != fields.message &&
                   reg.field(n.field).type == FieldType::None) {
            expertField = n.field;
        } else if (n.field != fields.message && fields.isProtocol[size_t(n.field)]) {
            if (n.field != fields.malformed)
                protocols.push_back(i);
        } else if (n.field == fields.message && pending >= 0) {
            const FieldNode &note = t.node(pending);
            pending = -1;
            // The layer of a note: the innermost protocol item added before it that holds its
            // first byte (a note after its layer's payload was dissected is still its own),
            // else the last protocol before it.
            int32_t layer = protocols.empty() ? -1 : protocols.back();
            for (auto p = protocols.rbegin(); p != protocols.rend(); ++p) {
                const FieldNode &pn = t.node(*p);
                if (pn.source == note.source && note.offset >= pn.offset &&
                    note.offset - pn.offset < std::max<uint32_t>(pn.length, 1)) {
                    layer = *p;
                    break;
                }
            }
            const std::string_view protocol =
                layer >= 0 ? reg.field(t.node(layer).field).abbrev : std::string_view();
            const std::string *text = t.text(n.text);
            const int sev =
                std::clamp(int(note.value), int(Severity::Comment), int(Severity::Error));
            grouper.add(reg, Severity(sev), ExpertGroup(note.aux), protocolShortName(protocol),
                        expertField, text ? std::string_view(*text) : std::string_view(),
                        d.frame().number);
        }
    }
}

} // namespace

uint64_t ExpertReport::count(Severity s) const
{
    uint64_t n = 0;
    for (const Summary &sum : summaries)
        if (sum.severity == s)
            n += sum.frames.size();
    return n;
}

int ExpertReport::highestSeverity() const
{
    int best = 0;
    for (const Summary &s : summaries)
        best = std::max(best, int(s.severity));
    return best;
}

QString severityText(Severity s)
{
    switch (s) {
    case Severity::Comment:
        return QStringLiteral("Comment");
    case Severity::Chat:
        return QStringLiteral("Chat");
    case Severity::Note:
        return QStringLiteral("Note");
    case Severity::Warning:
        return QStringLiteral("Warning");
    case Severity::Error:
        return QStringLiteral("Error");
    }
    return QString();
}

QString expertGroupText(ExpertGroup g)
{
    static const char *const kNames[] = {
        "",          "Checksum",   "Sequence",   "Response code", "Request code",
        "Undecoded", "Reassemble", "Malformed",  "Debug",         "Protocol",
        "Security",  "Comment",    "Decryption", "Assumption",    "Deprecated"};
    const size_t i = size_t(g);
    return i < std::size(kNames) ? QLatin1String(kNames[i]) : QString::number(int(i));
}

std::string protocolShortName(std::string_view abbrev)
{
    // tshark -G protocols: the short names that are not the abbreviation in capitals.
    static const std::pair<std::string_view, std::string_view> kNames[] = {
        {"ip", "IPv4"},
        {"ipv6", "IPv6"},
        {"icmpv6", "ICMPv6"},
        {"eth", "Ethernet"},
        {"arp", "ARP/RARP"},
        {"dhcp", "DHCP/BOOTP"},
        {"dhcpv6", "DHCPv6"},
        {"mdns", "mDNS"},
        {"frame", "Frame"},
        {"data", "Data"},
        {"null", "Null"},
        {"ieee8021ad", "IEEE 802.1AD"},
        {"_ws.malformed", "Malformed packet"},
        {"_ws.expert", "Expert"},
    };
    for (const auto &[a, name] : kNames)
        if (a == abbrev)
            return std::string(name);
    std::string out(abbrev);
    for (char &c : out)
        if (c >= 'a' && c <= 'z')
            c = char(c - 'a' + 'A');
    return out;
}

ExpertReport collectExperts(const std::string &path, bool following, uint64_t count,
                            const std::atomic<bool> &cancel,
                            const std::function<void(uint64_t done)> &progress,
                            const Preferences &prefs)
{
    ExpertReport report;
    CaptureFileReader reader;
    if (!reader.open(path)) {
        report.error = reader.error();
        return report;
    }
    reader.setZeroCopy(true); // each packet is looked at once
    reader.setFollowing(following);
    const ExpertFields fields(Registry::instance());
    Dissection d(Dissection::Mode::Summary);
    d.setInterest(&fields.interest);
    d.setColumns(false);
    d.prefs = prefs;
    // Bad checksums are notes too; the store's summary lines leave them unverified.
    d.prefs.verifyChecksums = true;
    Session session;
    Grouper grouper;
    DnsTransactions dns;
    std::vector<int32_t> protocols;
    CapturedPacket packet;
    auto last = std::chrono::steady_clock::now();
    while (report.framesRead < count) {
        if (cancel.load(std::memory_order_relaxed)) {
            report.cancelled = true;
            break;
        }
        if (!reader.next(packet)) {
            if (reader.damaged())
                report.error = reader.error();
            break;
        }
        d.dissect(packet.frame, &session);
        takeNotes(d, fields, grouper, protocols);
        dns.take(d, fields, grouper);
        ++report.framesRead;
        if (progress && (report.framesRead & 1023) == 0) {
            const auto now = std::chrono::steady_clock::now();
            if (now - last >= kProgressEvery) {
                last = now;
                progress(report.framesRead);
            }
        }
    }
    if (!report.cancelled)
        dns.finish(Registry::instance(), grouper);
    report.summaries = grouper.take();
    return report;
}

ExpertCollector::ExpertCollector(QObject *parent) : QObject(parent) {}

ExpertCollector::~ExpertCollector()
{
    stopWorker();
}

void ExpertCollector::stopWorker()
{
    m_cancel = true;
    if (m_worker.joinable())
        m_worker.join();
    m_cancel = false;
}

void ExpertCollector::start(const QString &path, bool following, quint64 count,
                            const Preferences &prefs)
{
    stopWorker();
    const uint64_t generation = ++m_generation;
    m_running = true;
    m_path = path;
    m_total = count;
    m_worker = std::thread([this, generation, following, count, prefs, file = path.toStdString()] {
        // Events reach the object through its thread's queue; a superseded or reset run's
        // are dropped by generation there (the object joins this thread before it dies).
        auto report = std::make_shared<ExpertReport>(collectExperts(
            file, following, count, m_cancel,
            [this, generation, count](uint64_t done) {
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, done, count] {
                        if (generation == m_generation)
                            emit progress(done, count);
                    },
                    Qt::QueuedConnection);
            },
            prefs));
        QMetaObject::invokeMethod(
            this,
            [this, generation, report] {
                if (generation != m_generation)
                    return;
                m_running = false;
                m_report = report;
                emit finished();
            },
            Qt::QueuedConnection);
    });
}

void ExpertCollector::cancel()
{
    m_cancel = true;
}

void ExpertCollector::reset()
{
    ++m_generation;
    stopWorker();
    m_running = false;
    m_report.reset();
    m_path.clear();
    m_total = 0;
}

} // namespace pl
