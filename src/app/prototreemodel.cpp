#include "prototreemodel.h"

#include "dissect/dissection.h"
#include "dissect/fieldformat.h"
#include "dissect/registry.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QStringList>

namespace pl {

namespace {

/// Joins the parts of a path key; a label may hold any printable character, '/' included.
constexpr QChar kKeySeparator = QChar(0x1f);

// Fixed colours, not palette roles: they mean "error" and "warning" in every theme, so the
// text on them is set dark as well (a dark theme's light text would not read on them).
const QColor kErrorBackground(0xff, 0x5c, 0x5c);
const QColor kWarningBackground(0xff, 0xea, 0x7a);
const QColor kNoteBackground(0xa0, 0xe0, 0xf0);
const QColor kMarkedText(0x10, 0x10, 0x10);
const QColor kGeneratedText(0x80, 0x80, 0x80);

enum class Tone { None, Note, Warning, Error };

Tone toneOf(const FieldNode &n)
{
    if (n.flags & (Malformed | BadChecksum))
        return Tone::Error;
    if (n.flags & Expert) {
        const auto sev = Severity(n.value);
        if (sev == Severity::Error)
            return Tone::Error;
        if (sev == Severity::Warning)
            return Tone::Warning;
        if (sev == Severity::Note)
            return Tone::Note;
    }
    // A short capture is not a fault of the packet: a warning, unless something above made it
    // an error.
    if (n.flags & Truncated)
        return Tone::Warning;
    return Tone::None;
}

/// What an expert severity means, in the words of Wireshark's Expert Information dialog.
QLatin1String severityMeaning(uint64_t value)
{
    switch (Severity(value)) {
    case Severity::Comment:
        return QLatin1String("Comment: a packet comment");
    case Severity::Chat:
        return QLatin1String("Chat: information about the usual workflow");
    case Severity::Note:
        return QLatin1String("Note: a notable event, not necessarily a problem");
    case Severity::Warning:
        return QLatin1String("Warning: something unusual that may be a problem");
    case Severity::Error:
        return QLatin1String("Error: a serious problem, such as a malformed packet");
    }
    return QLatin1String("Note: a notable event, not necessarily a problem");
}

} // namespace

ProtoTreeModel::ProtoTreeModel(QObject *parent) : QAbstractItemModel(parent)
{
    clear();
}

void ProtoTreeModel::setPacket(const Dissection &d)
{
    beginResetModel();
    m_registry = &d.registry();
    m_tree = d.fieldTree();
    // Every source is copied: the hex pane shows them as tabs and labels of items in a
    // reassembled PDU are read from its bytes, after `d` has moved on to another packet.
    m_sourceBytes.clear();
    m_sourceNames.clear();
    for (size_t i = 0; i < d.sourceCount(); ++i) {
        const auto b = d.sourceBytes(i);
        m_sourceBytes.emplace_back(reinterpret_cast<const char *>(b.data()), qsizetype(b.size()));
        m_sourceNames << QString::fromStdString(d.sourceName(i));
    }

    const size_t n = m_tree.size();
    m_row.assign(n, -1);
    m_kidsBegin.assign(n, 0);
    m_kidsCount.assign(n, 0);
    m_kids.clear();
    m_labels.assign(n, QString());
    m_haveLabel.assign(n, false);

    // Visibility first: a parent's index is always below its children's (FieldTree::append),
    // so one pass in index order sees every parent before its children.
    m_row[0] = 0;
    std::vector<bool> shown(n, false);
    shown[0] = true;
    for (size_t i = 1; i < n; ++i) {
        const FieldNode &node = m_tree.node(int32_t(i));
        shown[i] = !(node.flags & Hidden) && node.parent >= 0 && shown[size_t(node.parent)];
    }
    for (size_t i = 0; i < n; ++i) {
        if (!shown[i])
            continue;
        m_kidsBegin[i] = int32_t(m_kids.size());
        int32_t row = 0;
        for (int32_t c = m_tree.node(int32_t(i)).firstChild; c >= 0; c = m_tree.node(c).next) {
            if (!shown[size_t(c)])
                continue;
            m_row[size_t(c)] = row++;
            m_kids.push_back(c);
        }
        m_kidsCount[i] = row;
    }
    endResetModel();
}

void ProtoTreeModel::clear()
{
    beginResetModel();
    m_registry = nullptr;
    m_tree.clear();
    m_sourceBytes.assign(1, QByteArray());
    m_sourceNames = QStringList{QString()};
    m_row.assign(1, 0);
    m_kidsBegin.assign(1, 0);
    m_kidsCount.assign(1, 0);
    m_kids.clear();
    m_labels.assign(1, QString());
    m_haveLabel.assign(1, false);
    endResetModel();
}

int32_t ProtoTreeModel::nodeOf(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return -1;
    return int32_t(index.internalId());
}

QModelIndex ProtoTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column != 0 || row < 0 || (parent.isValid() && parent.column() != 0))
        return {};
    const int32_t p = parent.isValid() ? nodeOf(parent) : FieldTree::root();
    if (p < 0 || size_t(p) >= m_row.size() || row >= m_kidsCount[size_t(p)])
        return {};
    const int32_t child = m_kids[size_t(m_kidsBegin[size_t(p)] + row)];
    return createIndex(row, 0, quintptr(child));
}

QModelIndex ProtoTreeModel::parent(const QModelIndex &child) const
{
    const int32_t c = nodeOf(child);
    if (c <= 0)
        return {};
    const int32_t p = m_tree.node(c).parent;
    if (p <= 0) // the invisible root
        return {};
    return createIndex(m_row[size_t(p)], 0, quintptr(p));
}

int ProtoTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    const int32_t p = parent.isValid() ? nodeOf(parent) : FieldTree::root();
    return p < 0 ? 0 : m_kidsCount[size_t(p)];
}

int ProtoTreeModel::columnCount(const QModelIndex &) const
{
    return 1;
}

bool ProtoTreeModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

QString ProtoTreeModel::label(int32_t node) const
{
    if (!m_haveLabel[size_t(node)]) {
        m_labels[size_t(node)] =
            QString::fromStdString(fieldformat::label(*m_registry, m_tree, node, bytesOf(node)));
        m_haveLabel[size_t(node)] = true;
    }
    return m_labels[size_t(node)];
}

QString ProtoTreeModel::toolTip(int32_t node) const
{
    const FieldNode &n = m_tree.node(node);
    QStringList lines;
    if (n.flags & Expert)
        lines << QStringLiteral("Expert info. ") + severityMeaning(n.value);
    if (n.flags & Malformed)
        lines << QStringLiteral("Malformed: a length field or value is inconsistent with the "
                                "bytes");
    if (n.flags & Truncated)
        lines << QStringLiteral("Truncated: the capture stopped before these bytes (snapshot "
                                "length)");
    if (n.flags & BadChecksum)
        lines << QStringLiteral("Bad checksum: the checksum in the packet does not match the "
                                "one computed over its bytes (often checksum offloading on the "
                                "capturing host)");
    if (n.flags & Generated)
        lines << QStringLiteral("Generated: computed by the analyzer, not present in the bytes");
    QString where;
    if (n.field >= 0)
        where = QString::fromUtf8(m_registry->field(n.field).abbrev.data(),
                                  qsizetype(m_registry->field(n.field).abbrev.size()));
    if (n.length > 0) {
        const QString range =
            n.length == 1 ? QStringLiteral("1 byte at offset %1").arg(n.offset)
                          : QStringLiteral("%1 bytes at offset %2").arg(n.length).arg(n.offset);
        const QString in = n.source > 0 && n.source < m_sourceNames.size()
                               ? range + QStringLiteral(" of ") + m_sourceNames[n.source]
                               : range;
        where = where.isEmpty() ? in : where + QStringLiteral(", ") + in;
    }
    if (!where.isEmpty())
        lines << where;
    return lines.join(QLatin1Char('\n'));
}

QVariant ProtoTreeModel::data(const QModelIndex &index, int role) const
{
    const int32_t node = nodeOf(index);
    if (node <= 0 || size_t(node) >= m_row.size())
        return {};
    const FieldNode &n = m_tree.node(node);
    switch (role) {
    case Qt::DisplayRole:
        return label(node);
    case Qt::ToolTipRole:
        return toolTip(node);
    case Qt::BackgroundRole:
        switch (toneOf(n)) {
        case Tone::Error:
            return QBrush(kErrorBackground);
        case Tone::Warning:
            return QBrush(kWarningBackground);
        case Tone::Note:
            return QBrush(kNoteBackground);
        case Tone::None:
            return {};
        }
        return {};
    case Qt::ForegroundRole:
        if (toneOf(n) != Tone::None)
            return QBrush(kMarkedText);
        if (n.flags & Generated)
            return QBrush(kGeneratedText);
        return {};
    case Qt::FontRole:
        if (n.flags & Generated) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        return {};
    case OffsetRole:
        return int(n.offset);
    case LengthRole:
        return int(n.length);
    case FieldNameRole:
        if (n.field < 0)
            return QString();
        return QString::fromUtf8(m_registry->field(n.field).abbrev.data(),
                                 qsizetype(m_registry->field(n.field).abbrev.size()));
    case FieldValueRole: {
        if (n.field < 0)
            return QString();
        std::string s;
        fieldformat::appendValue(s, *m_registry, m_tree, node, bytesOf(node));
        return QString::fromStdString(s);
    }
    case FlagsRole:
        return int(n.flags);
    case SourceRole:
        return int(n.source);
    default:
        return {};
    }
}

QHash<int, QByteArray> ProtoTreeModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(OffsetRole, "offset");
    names.insert(LengthRole, "length");
    names.insert(FieldNameRole, "fieldName");
    names.insert(FieldValueRole, "fieldValue");
    names.insert(FlagsRole, "flags");
    names.insert(SourceRole, "source");
    return names;
}

QModelIndex ProtoTreeModel::indexForNode(int32_t node) const
{
    if (node <= 0 || size_t(node) >= m_row.size() || !visible(node))
        return {};
    return createIndex(m_row[size_t(node)], 0, quintptr(node));
}

QString ProtoTreeModel::filterExpression(const QModelIndex &index) const
{
    const int32_t node = nodeOf(index);
    if (node < 0 || m_tree.node(node).field < 0)
        return {};
    const FieldDef &def = m_registry->field(m_tree.node(node).field);
    const QString name = QString::fromUtf8(def.abbrev.data(), qsizetype(def.abbrev.size()));
    if (def.type == FieldType::Protocol || def.type == FieldType::None)
        return name;
    QString value = index.data(FieldValueRole).toString();
    if (def.type == FieldType::String) {
        value.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
        value.replace(QLatin1Char('"'), QStringLiteral("\\\""));
        value = QLatin1Char('"') + value + QLatin1Char('"');
    }
    return name + QStringLiteral(" == ") + value;
}

QModelIndex ProtoTreeModel::indexForOffset(int source, int byteOffset) const
{
    if (source < 0 || source >= sourceCount() || byteOffset < 0 ||
        byteOffset >= m_sourceBytes[size_t(source)].size())
        return {};
    return indexForNode(nodeAtInSource(m_tree, source, uint32_t(byteOffset)));
}

int32_t nodeAtInSource(const FieldTree &tree, int source, uint32_t offset)
{
    // FieldTree::nodeAt's rule (the last visible item in tree order holding the byte,
    // generated items left out), among the items of one source: a reassembled PDU's offsets
    // count from its own first byte, so the frame's offset 40 and the PDU's are different
    // bytes.
    int32_t found = -1;
    int32_t i = tree.node(FieldTree::root()).firstChild;
    while (i >= 0) {
        const FieldNode &n = tree.node(i);
        const bool hidden = n.flags & Hidden;
        if (!hidden && !(n.flags & Generated) && n.source == source && n.length > 0 &&
            offset >= n.offset && offset - n.offset < n.length)
            found = i;
        if (!hidden && n.firstChild >= 0) {
            i = n.firstChild;
            continue;
        }
        while (i >= 0 && tree.node(i).next < 0)
            i = tree.node(i).parent;
        if (i >= 0)
            i = tree.node(i).next;
    }
    return found;
}

const uint8_t *ProtoTreeModel::bytesOf(int32_t node) const
{
    const size_t source = m_tree.node(node).source;
    // A source the copy does not have (cannot happen for a tree from setPacket) reads as the
    // frame would: formatting checks lengths against nothing, so give it real bytes.
    const QByteArray &b = m_sourceBytes[source < m_sourceBytes.size() ? source : 0];
    return reinterpret_cast<const uint8_t *>(b.constData());
}

QString ProtoTreeModel::keyBase(int32_t node) const
{
    const FieldNode &n = m_tree.node(node);
    if (n.flags & Expert)
        return QStringLiteral("!expert");
    if (n.field >= 0) {
        const auto abbrev = m_registry->field(n.field).abbrev;
        return QString::fromUtf8(abbrev.data(), qsizetype(abbrev.size()));
    }
    // A text item: its heading without the value part ("Options: (20 bytes)" -> "Options"),
    // which stays the same from one packet to the next.
    const QString text = label(node);
    qsizetype end = text.size();
    for (const QChar stop : {QLatin1Char(':'), QLatin1Char('('), QLatin1Char('=')}) {
        const qsizetype at = text.indexOf(stop);
        if (at >= 0 && at < end)
            end = at;
    }
    return QLatin1Char('~') + text.left(end).trimmed();
}

QString ProtoTreeModel::keyComponent(int32_t node) const
{
    const QString base = keyBase(node);
    // Position among the visible siblings with the same base, for repeated fields.
    int nth = 0;
    const int32_t begin = m_kidsBegin[size_t(m_tree.node(node).parent)];
    for (int32_t k = 0; k < m_row[size_t(node)]; ++k)
        if (keyBase(m_kids[size_t(begin + k)]) == base)
            ++nth;
    return base + QLatin1Char('#') + QString::number(nth);
}

QString ProtoTreeModel::pathKey(const QModelIndex &index) const
{
    int32_t node = nodeOf(index);
    if (node <= 0 || size_t(node) >= m_row.size() || !visible(node))
        return {};
    QStringList parts;
    for (; node > 0; node = m_tree.node(node).parent)
        parts.prepend(keyComponent(node));
    return parts.join(kKeySeparator);
}

QModelIndex ProtoTreeModel::indexForPathKey(const QString &key) const
{
    if (key.isEmpty())
        return {};
    const QStringList parts = key.split(kKeySeparator);
    QModelIndex at;
    for (const QString &part : parts) {
        const int32_t p = at.isValid() ? nodeOf(at) : FieldTree::root();
        QModelIndex found;
        const int32_t begin = m_kidsBegin[size_t(p)];
        for (int32_t k = 0; k < m_kidsCount[size_t(p)] && !found.isValid(); ++k) {
            const int32_t c = m_kids[size_t(begin + k)];
            if (keyComponent(c) == part)
                found = createIndex(k, 0, quintptr(c));
        }
        if (!found.isValid())
            return {};
        at = found;
    }
    return at;
}

} // namespace pl
