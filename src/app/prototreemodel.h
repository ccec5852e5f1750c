#pragma once

#include "dissect/fieldtree.h"

#include <QAbstractItemModel>
#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace pl {

class Dissection;
class Registry;

/// The detail tree of the selected packet, Wireshark's middle pane: one row a visible
/// FieldNode (hidden fields such as ip.addr are left out with their subtrees), children in
/// tree order, one column. A thin adapter: it keeps a copy of the FieldTree and of every data
/// source's bytes (the frame, reassembled PDUs; the Dissection it came from is reused for the
/// next packet) and builds labels lazily, when a view asks for them.
class ProtoTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Role {
        OffsetRole = Qt::UserRole + 1, ///< int: first byte of the item in its source
        LengthRole,                    ///< int: bytes covered (0 for generated items)
        FieldNameRole,                 ///< QString: display-filter name ("ip.ttl"), or empty
        FieldValueRole,                ///< QString: the value as tshark -T fields prints it
        FlagsRole,                     ///< int: pl::NodeFlag bits of the item
        SourceRole,                    ///< int: the data source OffsetRole counts in (0: frame)
    };

    explicit ProtoTreeModel(QObject *parent = nullptr);

    /// Shows the tree of a tree-mode dissection. Copies what it needs: `treeModeDissection`
    /// may be reused as soon as this returns. It must have dissected a frame (Mode::Tree; a
    /// summary-mode one gives an empty tree).
    void setPacket(const Dissection &treeModeDissection);
    void clear();

    /// The frame bytes of the packet shown (source 0).
    QByteArray frameBytes() const { return sourceBytes(0); }
    /// The data sources of the packet shown, for the hex pane's tabs: 1 + the reassembled
    /// ones (Dissection::sourceCount()); 1 with an empty frame when nothing is shown.
    int sourceCount() const { return int(m_sourceBytes.size()); }
    /// `Frame (74 bytes)`, `Reassembled TCP (1460 bytes)`; empty when out of range.
    QString sourceName(int source) const { return m_sourceNames.value(source); }
    QByteArray sourceBytes(int source) const
    {
        return source >= 0 && source < sourceCount() ? m_sourceBytes[size_t(source)] : QByteArray();
    }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// The item a click on byte `byteOffset` of the hex pane selects: the most specific
    /// visible item holding it (Wireshark's rule: the last such item in tree order), or an
    /// invalid index.
    QModelIndex indexForOffset(int byteOffset) const { return indexForOffset(0, byteOffset); }
    /// The same for byte `byteOffset` of data source `source` (a tab of the hex pane): only
    /// items whose bytes are in that source are candidates.
    QModelIndex indexForOffset(int source, int byteOffset) const;
    /// A display filter that matches this item's value, Wireshark's "Copy as Filter":
    /// `ip.ttl == 64`, `http.host == "a.example"`, a protocol alone (`tcp`); empty for a
    /// text item, which no filter can name.
    QString filterExpression(const QModelIndex &index) const;
    /// The row of a FieldTree node; invalid for the root, hidden or unknown nodes.
    QModelIndex indexForNode(int32_t node) const;
    /// The FieldTree node of an index (-1 for an invalid one).
    int32_t nodeOf(const QModelIndex &index) const;

    /// A key that names the same branch in another packet of the same shape: the chain of
    /// field names from the top ("ip#0", "ip.flags#0", joined by U+001F), text items by their
    /// label's heading
    /// ("~Options#0"), each with its position among like siblings. The window keeps its
    /// expanded branches by key when the selection moves to the next packet.
    QString pathKey(const QModelIndex &index) const;
    /// The item with that key in the packet shown now, or an invalid index.
    QModelIndex indexForPathKey(const QString &key) const;

private:
    bool visible(int32_t node) const { return m_row[size_t(node)] >= 0; }
    QString label(int32_t node) const;
    QString keyBase(int32_t node) const;
    QString keyComponent(int32_t node) const;
    QString toolTip(int32_t node) const;
    /// The bytes node `node`'s offsets refer to.
    const uint8_t *bytesOf(int32_t node) const;

    const Registry *m_registry = nullptr;
    FieldTree m_tree;
    std::vector<QByteArray> m_sourceBytes; ///< by source; [0] the frame
    QStringList m_sourceNames;
    // Per node: its row among visible siblings (-1 when hidden) and its visible children as
    // a range of m_kids. The tree is small (one packet), so this is rebuilt on every setPacket.
    std::vector<int32_t> m_row;
    std::vector<int32_t> m_kidsBegin;
    std::vector<int32_t> m_kidsCount;
    std::vector<int32_t> m_kids;
    mutable std::vector<QString> m_labels; ///< built on first use
    mutable std::vector<bool> m_haveLabel;
};

/// FieldTree::nodeAt for data source `source`: the most specific visible item whose bytes in
/// that source hold `offset` (the last in tree order, generated items left out), or -1. What
/// a click on a byte of the hex pane's tab `source` selects.
int32_t nodeAtInSource(const FieldTree &tree, int source, uint32_t offset);

} // namespace pl
