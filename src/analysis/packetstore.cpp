#include "packetstore.h"

#include "filterpass.h"

#include <QElapsedTimer>

#include <chrono>
#include <thread>

namespace pl {

namespace {

// The worker holds the lock for at most this many packets (about a millisecond of summary
// dissection) or kChunkTime, so a row asked for by the GUI waits at most that long.
constexpr int kChunk = 1000;
constexpr auto kChunkTime = std::chrono::milliseconds(2);
// Announcements are batched: a view that resizes for every packet would spend its time there.
constexpr qint64 kAnnounceMs = 100;

// The first pass and the revisits must see the same preferences, or a revisit would not say
// what the first pass said. Summary lines never show a checksum's status (tshark's default).
void setSummaryPrefs(Dissection &d)
{
    d.prefs.verifyChecksums = false;
}

} // namespace

/// What the worker and the main thread share; every member is used under `mutex` (the worker
/// keeps its own shared_ptr, so nothing dangles while it stops).
struct PacketStore::Shared
{
    std::mutex mutex;
    CaptureFileReader reader;
    Session session;
    uint64_t loaded = 0; ///< packets the first pass has dissected
    bool haveFirst = false;
    int64_t firstSec = 0;
    uint32_t firstNsec = 0;
    /// The display filter the first pass applies from its next chunk on (the main thread sets
    /// it), and its generation.
    DisplayFilter filter;
    uint64_t filterGeneration = 0;
    RowBits displayed; ///< bit per packet the first pass dissected: it passed its filter
};

PacketStore::PacketStore(QObject *parent) : QObject(parent)
{
    setSummaryPrefs(m_rowDissection);
    setSummaryPrefs(m_matchDissection);
}

PacketStore::~PacketStore()
{
    stopPass();
    stopWorker();
}

void PacketStore::stopPass()
{
    m_passCancel = true;
    if (m_pass.joinable())
        m_pass.join();
    m_passCancel = false;
}

void PacketStore::stopWorker()
{
    m_cancel = true;
    if (m_worker.joinable())
        m_worker.join();
    m_cancel = false;
}

bool PacketStore::follow(const QString &path)
{
    return load(path, true);
}

bool PacketStore::open(const QString &path)
{
    return load(path, false);
}

bool PacketStore::load(const QString &path, bool following)
{
    close();
    // Set before the worker starts: a spool may hold no packet yet.
    m_following = following;
    auto shared = std::make_shared<Shared>();
    if (!shared->reader.open(path.toStdString())) {
        m_error = QString::fromStdString(shared->reader.error());
        m_following = false;
        return false;
    }
    shared->session.setRemembersFrames(true);
    // Revisits run under the mutex, so the reader is free; its random-access cursor copies
    // the frame, leaving the one being dissected alone. Reassembled messages are read again
    // from their segments instead of being kept.
    shared->session.setFrameReader([s = shared.get()](uint64_t number, std::vector<uint8_t> &out) {
        thread_local CapturedPacket packet;
        if (number == 0 || !s->reader.readPacket(number - 1, packet))
            return false;
        out.assign(packet.frame.data, packet.frame.data + packet.frame.capLen);
        return true;
    });
    shared->filter = m_filter; // applied from the first packet: no pass needed
    shared->filterGeneration = m_filterGeneration;
    shared->reader.setFollowing(following);
    const auto &ifs = shared->reader.interfaces();
    // A spool may have no interface yet; PacketLens writes it with nanosecond times.
    m_digits = ifs.empty() ? (following ? 9 : 6) : ifs.front().timeDigits();
    m_shared = std::move(shared);
    m_path = path;
    m_error.clear();
    m_loading = true;
    // The first pass and every revisit of this capture see the same preferences.
    m_activePrefs = m_prefs;
    copyDissectionPrefs(m_activePrefs, m_rowDissection.prefs);
    copyDissectionPrefs(m_activePrefs, m_matchDissection.prefs);
    m_rows.clear();
    ++m_generation;
    m_worker = std::thread(
        [this, s = m_shared, g = m_generation, p = m_activePrefs] { runWorker(s, g, p); });
    return true;
}

void PacketStore::close()
{
    m_following = false; // a file opened next is read as it is, unless follow() says so
    const bool hadFile = m_shared != nullptr;
    if (hadFile)
        emit aboutToClose();
    stopPass();
    stopWorker();
    ++m_generation; // queued announcements of the old file are ignored from now on
    m_shared.reset();
    m_rows.clear();
    m_comments.clear();
    m_path.clear();
    m_error.clear();
    m_count = 0;
    m_loading = m_damaged = m_cancelledLoad = m_haveFirst = false;
    m_firstSec = 0;
    m_firstNsec = 0;
    m_digits = 6;
    m_displayed.clear();
    m_displayedCount = 0;
    m_filtering = false;
    m_switchRow = 0;
    m_passDone = true;
    if (hadFile)
        emit closed();
}

void PacketStore::cancel()
{
    if (!m_loading)
        return;
    m_following = false;
    stopWorker();
    uint64_t loaded;
    bool haveFirst;
    int64_t sec;
    uint32_t nsec;
    bool damaged;
    QString error;
    {
        std::lock_guard lock(m_shared->mutex);
        loaded = m_shared->loaded;
        haveFirst = m_shared->haveFirst;
        sec = m_shared->firstSec;
        nsec = m_shared->firstNsec;
        // The worker may have met damage just before it saw the request.
        damaged = m_shared->reader.damaged();
        if (damaged)
            error = QString::fromStdString(m_shared->reader.error());
    }
    m_cancelledLoad = true;
    if (haveFirst)
        announce(m_generation, qsizetype(loaded), sec, nsec, m_digits);
    finish(m_generation, damaged, error);
}

void PacketStore::runWorker(std::shared_ptr<Shared> s, uint64_t generation, Preferences prefs)
{
    Dissection d(Dissection::Mode::Summary);
    setSummaryPrefs(d);
    copyDissectionPrefs(prefs, d.prefs);
    d.setColumns(false); // the first pass keeps state and verdicts; rows are revisits
    CapturedPacket p;
    QElapsedTimer sinceAnnounce;
    sinceAnnounce.start();
    bool announcedAny = false;
    const int digits = m_digits; // set before the thread started, never changed while it runs
    DisplayFilter filter;        // its own copy: setDisplayFilter() replaces s->filter at any time
    uint64_t filterGeneration = ~uint64_t(0);
    bool everything = true;
    bool finalPass = false;
    for (;;) {
        bool end = false;
        uint64_t loaded;
        int64_t firstSec;
        uint32_t firstNsec;
        qint64 bytesRead, total;
        {
            std::lock_guard lock(s->mutex);
            // A new filter takes over at a chunk boundary: setDisplayFilter() noted
            // s->loaded under this lock, and its pass covers the rows before.
            if (s->filterGeneration != filterGeneration) {
                filterGeneration = s->filterGeneration;
                filter = s->filter;
                everything = filter.isEmpty();
                d.setInterest(everything ? nullptr : &filter.interest());
                d.prefs.verifyChecksums = filter.needsChecksums();
            }
            const auto chunkStart = std::chrono::steady_clock::now();
            for (int i = 0; i < kChunk; ++i) {
                // A costly filter (a regular expression over every frame) makes frames slow:
                // the chunk also ends on time, so the GUI thread never waits long for the lock.
                if ((i & 15) == 15 && std::chrono::steady_clock::now() - chunkStart > kChunkTime)
                    break;
                if (!s->reader.next(p)) {
                    end = true;
                    break;
                }
                if (!s->haveFirst) { // like tshark, even a frame without a time is the reference
                    s->haveFirst = true;
                    s->firstSec = p.frame.tsSec;
                    s->firstNsec = p.frame.tsNsec;
                }
                d.dissect(p.frame, &s->session);
                putBit(s->displayed, s->loaded, everything || filter.matches(d));
                ++s->loaded;
            }
            loaded = s->loaded;
            firstSec = s->firstSec;
            firstNsec = s->firstNsec;
            total = qint64(s->reader.fileSize());
            bytesRead = end ? total : qint64(p.fileOffset);
        }
        const bool cancelled = m_cancel.load(std::memory_order_relaxed);
        if (cancelled)
            return; // cancel() announces what was loaded itself
        // The first rows go out at once, so the view fills while the rest loads.
        if (end || !announcedAny || sinceAnnounce.elapsed() >= kAnnounceMs) {
            if (loaded > 0) {
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, loaded, firstSec, firstNsec, digits] {
                        announce(generation, qsizetype(loaded), firstSec, firstNsec, digits);
                    },
                    Qt::QueuedConnection);
                announcedAny = true;
            }
            QMetaObject::invokeMethod(
                this,
                [this, generation, bytesRead, total] {
                    if (generation == m_generation && m_loading)
                        emit progress(bytesRead, total);
                },
                Qt::QueuedConnection);
            sinceAnnounce.restart();
        }
        if (end && m_following.load(std::memory_order_relaxed)) {
            // A spool still being written: wait for more, then read on.
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        if (end && !finalPass) {
            // Following ended (or never was): one more pass reads what the writer left, and
            // what is cut off at the end now really is damage.
            finalPass = true;
            std::lock_guard lock(s->mutex);
            s->reader.setFollowing(false);
            continue;
        }
        if (end) {
            bool damaged;
            QString error;
            {
                std::lock_guard lock(s->mutex);
                damaged = s->reader.damaged();
                if (damaged)
                    error = QString::fromStdString(s->reader.error());
            }
            QMetaObject::invokeMethod(
                this, [this, generation, damaged, error] { finish(generation, damaged, error); },
                Qt::QueuedConnection);
            return;
        }
    }
}

void PacketStore::announce(uint64_t generation, qsizetype total, int64_t firstSec,
                           uint32_t firstNsec, int digits)
{
    if (generation != m_generation || total <= m_count)
        return;
    if (!m_haveFirst) {
        m_haveFirst = true;
        m_firstSec = firstSec;
        m_firstNsec = firstNsec;
        m_digits = digits;
    }
    const qsizetype first = m_count;
    {
        // The first pass's verdicts on the new rows. Those below m_switchRow were made with an
        // earlier filter: they stand in until the pass's own are there, and then they are.
        std::lock_guard lock(m_shared->mutex);
        if (m_displayed.size() < size_t(total + 63) / 64)
            m_displayed.resize(size_t(total + 63) / 64, 0);
        for (qsizetype r = first; r < total; ++r) {
            const bool passed = uint64_t(r) < m_switchRow && m_passDone
                                    ? testBit(m_displayed, uint64_t(r))
                                    : testBit(m_shared->displayed, uint64_t(r));
            putBit(m_displayed, uint64_t(r), passed);
            m_displayedCount += passed;
        }
    }
    m_count = total;
    emit packetsAppended(first, total - 1);
}

void PacketStore::finish(uint64_t generation, bool damaged, const QString &error)
{
    if (generation != m_generation || !m_loading)
        return;
    m_loading = false;
    m_damaged = damaged;
    m_error = error;
    if (m_worker.joinable())
        m_worker.join(); // it has returned already: this event was its last act
    emit loadingFinished();
}

PacketStore::Row PacketStore::row(qsizetype index)
{
    if (index < 0 || index >= m_count || !m_shared)
        return {};
    if (const Row *cached = m_rows.object(index))
        return *cached;
    auto r = std::make_unique<Row>();
    m_rowDissection.setInterest(m_colorRules.empty() ? nullptr : &m_colorInterest);
    {
        std::lock_guard lock(m_shared->mutex);
        if (!m_shared->reader.readPacket(uint64_t(index), m_rowPacket))
            return {};
        m_rowDissection.dissect(m_rowPacket.frame, &m_shared->session);
    }
    const Frame &f = m_rowPacket.frame;
    r->number = f.number;
    r->tsSec = f.tsSec;
    r->tsNsec = f.tsNsec;
    r->hasTime = f.hasTimestamp;
    r->length = f.wireLen;
    thread_local std::string text;
    text.clear();
    m_rowDissection.source().appendTo(text);
    r->source = QString::fromStdString(text);
    text.clear();
    m_rowDissection.destination().appendTo(text);
    r->destination = QString::fromStdString(text);
    const std::string_view proto = m_rowDissection.protocolColumn();
    r->protocol = QString::fromUtf8(proto.data(), qsizetype(proto.size()));
    r->info = QString::fromStdString(m_rowDissection.infoColumn());
    r->flags = m_rowDissection.flags();
    for (size_t i = 0; i < m_colorRules.size(); ++i) {
        if (m_colorRules[i].matches(m_rowDissection)) {
            r->colorRule = int(i);
            break;
        }
    }
    Row result = *r;
    m_rows.insert(index, r.release());
    return result;
}

bool PacketStore::dissect(qsizetype index, Dissection &dissection, CapturedPacket &storage)
{
    if (index < 0 || index >= m_count || !m_shared)
        return false;
    std::lock_guard lock(m_shared->mutex);
    if (!m_shared->reader.readPacket(uint64_t(index), storage))
        return false;
    // Comments the user edited stand in for the file's.
    if (const auto edited = m_comments.constFind(index); edited != m_comments.constEnd()) {
        storage.comments.clear();
        for (const QString &c : *edited)
            storage.comments.push_back(c.toStdString());
        storage.frame.comments = storage.comments;
    }
    applyPreferences(dissection);
    dissection.dissect(storage.frame, &m_shared->session);
    return true;
}

QStringList PacketStore::comments(qsizetype row)
{
    if (const auto edited = m_comments.constFind(row); edited != m_comments.constEnd())
        return *edited;
    QStringList out;
    if (row < 0 || row >= m_count || !m_shared)
        return out;
    std::lock_guard lock(m_shared->mutex);
    if (m_shared->reader.readPacket(uint64_t(row), m_commentPacket))
        for (const std::string &c : m_commentPacket.comments)
            out << QString::fromStdString(c);
    return out;
}

void PacketStore::setComments(qsizetype row, const QStringList &comments)
{
    if (row < 0 || row >= m_count)
        return;
    m_comments.insert(row, comments);
    emit commentsChanged(row);
}

QHash<quint64, QStringList> PacketStore::editedComments() const
{
    QHash<quint64, QStringList> byFrame;
    for (auto it = m_comments.constBegin(); it != m_comments.constEnd(); ++it)
        byFrame.insert(quint64(it.key()) + 1, it.value());
    return byFrame;
}

void PacketStore::setDisplayFilter(const DisplayFilter &filter)
{
    stopPass(); // superseded: its result is not wanted any more
    m_filter = filter;
    const uint64_t filterGeneration = ++m_filterGeneration;
    const uint64_t generation = m_generation;
    m_filtering = true;
    m_passDone = false;
    uint64_t loaded = 0;
    if (m_shared) {
        std::lock_guard lock(m_shared->mutex);
        m_shared->filter = filter;
        m_shared->filterGeneration = filterGeneration;
        loaded = m_shared->loaded;
    }
    m_switchRow = loaded;
    if (loaded == 0 || filter.isEmpty()) {
        // Nothing to dissect: every row is displayed, or there is no row before the switch.
        // Still applied as an event, so that every call is answered the same way.
        QMetaObject::invokeMethod(
            this,
            [this, generation, filterGeneration, loaded] {
                passFinished(generation, filterGeneration, nullptr, loaded);
            },
            Qt::QueuedConnection);
        return;
    }
    const std::string path = m_path.toStdString();
    const bool following = m_following;
    const Preferences prefs = m_activePrefs;
    m_pass =
        std::thread([this, path, following, loaded, filter, generation, filterGeneration, prefs] {
            FilterPassResult result = filterPass(
                path, following, loaded, filter, m_passCancel,
                [this, generation, filterGeneration, loaded](uint64_t done) {
                    QMetaObject::invokeMethod(
                        this,
                        [this, generation, filterGeneration, done, loaded] {
                            if (generation == m_generation &&
                                filterGeneration == m_filterGeneration && m_filtering)
                                emit filterProgress(qsizetype(done), qsizetype(loaded));
                        },
                        Qt::QueuedConnection);
                },
                prefs);
            if (result.cancelled)
                return;
            auto bits = std::make_shared<const RowBits>(std::move(result.bits));
            QMetaObject::invokeMethod(
                this,
                [this, generation, filterGeneration, bits, loaded] {
                    passFinished(generation, filterGeneration, bits, loaded);
                },
                Qt::QueuedConnection);
        });
}

void PacketStore::passFinished(uint64_t generation, uint64_t filterGeneration,
                               std::shared_ptr<const std::vector<uint64_t>> bits, uint64_t rows)
{
    if (generation != m_generation || filterGeneration != m_filterGeneration || m_passDone)
        return;
    if (m_pass.joinable())
        m_pass.join(); // it has returned already: this event was its last act
    // Rows 0 .. rows-1 take the pass's verdicts (all displayed for the empty filter; a row the
    // pass could not read any more is hidden). Rows not announced yet keep them: announce()
    // does not overwrite them.
    const size_t words = size_t(std::max<uint64_t>(uint64_t(m_count), rows) + 63) / 64;
    if (m_displayed.size() < words)
        m_displayed.resize(words, 0);
    const size_t full = size_t(rows / 64);
    for (size_t w = 0; w < full; ++w)
        m_displayed[w] = !bits ? ~uint64_t(0) : w < bits->size() ? (*bits)[w] : 0;
    if (rows % 64) {
        const uint64_t mask = (uint64_t(1) << (rows % 64)) - 1;
        const uint64_t mine = !bits ? ~uint64_t(0) : full < bits->size() ? (*bits)[full] : 0;
        m_displayed[full] = (m_displayed[full] & ~mask) | (mine & mask);
    }
    m_displayedCount = qsizetype(countBits(m_displayed, uint64_t(m_count)));
    m_passDone = true;
    m_filtering = false;
    emit displayFilterApplied();
}

bool PacketStore::isDisplayed(qsizetype row) const
{
    return row >= 0 && row < m_count && testBit(m_displayed, uint64_t(row));
}

void PacketStore::setColoringRules(const std::vector<DisplayFilter> &rules)
{
    m_colorRules = rules;
    m_colorInterest.clear();
    for (const DisplayFilter &rule : m_colorRules)
        mergeInterest(m_colorInterest, rule.interest());
    // Rows show no checksum results: verify only when a rule reads them.
    m_rowDissection.prefs.verifyChecksums = needsChecksums(m_colorInterest);
    m_rows.clear();
    emit coloringRulesChanged();
}

bool PacketStore::matches(qsizetype row, const DisplayFilter &filter)
{
    m_matchDissection.setInterest(filter.isEmpty() ? nullptr : &filter.interest());
    m_matchDissection.prefs.verifyChecksums = filter.needsChecksums();
    const bool dissected = dissect(row, m_matchDissection, m_matchPacket);
    const bool result = dissected && filter.matches(m_matchDissection);
    m_matchDissection.setInterest(nullptr); // `filter` may go away
    return result;
}

void PacketStore::copyDissectionPrefs(const Preferences &from, Preferences &to)
{
    to.tcpRelativeSequenceNumbers = from.tcpRelativeSequenceNumbers;
    to.tcpReassemble = from.tcpReassemble;
    to.ipDefragment = from.ipDefragment;
    to.ipv6Defragment = from.ipv6Defragment;
}

void PacketStore::applyPreferences(Dissection &d) const
{
    copyDissectionPrefs(m_activePrefs, d.prefs);
}

bool PacketStore::preferencesPending() const
{
    const Preferences &a = m_activePrefs, &w = m_prefs;
    return m_shared && (a.tcpRelativeSequenceNumbers != w.tcpRelativeSequenceNumbers ||
                        a.tcpReassemble != w.tcpReassemble || a.ipDefragment != w.ipDefragment ||
                        a.ipv6Defragment != w.ipv6Defragment);
}

bool PacketStore::setPreferences(const Preferences &prefs)
{
    copyDissectionPrefs(prefs, m_prefs);
    if (!m_shared) {
        // Nothing open: the next capture is dissected with them.
        m_activePrefs = m_prefs;
        copyDissectionPrefs(m_activePrefs, m_rowDissection.prefs);
        copyDissectionPrefs(m_activePrefs, m_matchDissection.prefs);
        return true;
    }
    if (!preferencesPending())
        return true;
    // A spool still growing cannot be read again from frame 1 while its writer goes on.
    if (m_following)
        return false;
    // Every frame's dissection depends on what the frames before it left in the session
    // (conversations, reassembly): the whole capture is dissected again, from frame 1.
    // close() forgets the user's comments; they belong to the file's rows, which stay.
    const QString path = m_path;
    const QHash<qsizetype, QStringList> comments = m_comments;
    if (!load(path, false))
        return true; // the file went away: nothing is open any more, errorString() says why
    m_comments = comments;
    return true;
}

} // namespace pl
