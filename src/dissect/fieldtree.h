#pragma once

#include "fielddef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pl {

/// Marks on a tree node; the frame-level union of them is Dissection::flags().
enum NodeFlag : uint8_t {
    Malformed = 1 << 0,   ///< a length field lies or a value is impossible
    Truncated = 1 << 1,   ///< the capture stopped before these bytes
    BadChecksum = 1 << 2, ///< a checksum was verified and is wrong
    Generated = 1 << 3,   ///< not in the bytes: computed (Wireshark shows it in [brackets])
    Hidden = 1 << 4,      ///< present for filters and -e (ip.addr), not shown in the tree
    Expert = 1 << 5,      ///< an expert-info note; severity in FieldNode::value
};

enum class Severity : uint8_t { Comment = 1, Chat, Note, Warning, Error };

/// One item of the detail tree. Offsets are in the frame (or in the data source `source`); `length`
/// may be 0 for generated items. Children are linked through indices so the tree is one flat
/// vector.
struct FieldNode
{
    FieldId field = -1; ///< registry id, -1 for a plain text item
    uint32_t offset = 0;
    uint32_t length = 0;
    uint64_t value = 0; ///< integer value (after mask and shift), seconds for AbsTime
    uint32_t aux = 0;   ///< nanoseconds for AbsTime/RelTime
    int32_t text = -1;  ///< index in FieldTree::texts(): custom label, or a String's value
    int32_t parent = -1;
    int32_t firstChild = -1;
    int32_t lastChild = -1;
    int32_t next = -1;
    uint8_t flags = 0;
    /// The bytes `offset` refers to: 0 the frame, otherwise Dissection::source(i), e.g. a
    /// reassembled TCP PDU (its own tab in the hex pane).
    uint8_t source = 0;
};

/// The dissection of one frame as a tree: node 0 is an invisible root.
class FieldTree
{
public:
    FieldTree() { clear(); }

    void clear()
    {
        m_nodes.clear();
        m_texts.clear();
        m_nodes.push_back(FieldNode{});
    }

    static constexpr int32_t root() { return 0; }
    const FieldNode &node(int32_t i) const { return m_nodes[size_t(i)]; }
    FieldNode &node(int32_t i) { return m_nodes[size_t(i)]; }
    size_t size() const { return m_nodes.size(); }
    const std::string *text(int32_t i) const { return i < 0 ? nullptr : &m_texts[size_t(i)]; }

    int32_t append(int32_t parent, const FieldNode &n)
    {
        const auto idx = int32_t(m_nodes.size());
        m_nodes.push_back(n);
        FieldNode &child = m_nodes.back();
        child.parent = parent;
        FieldNode &p = m_nodes[size_t(parent)];
        if (p.lastChild < 0)
            p.firstChild = idx;
        else
            m_nodes[size_t(p.lastChild)].next = idx;
        p.lastChild = idx;
        return idx;
    }

    int32_t addText(std::string s)
    {
        m_texts.push_back(std::move(s));
        return int32_t(m_texts.size() - 1);
    }
    void setText(int32_t node, std::string s)
    {
        FieldNode &n = m_nodes[size_t(node)];
        if (n.text >= 0)
            m_texts[size_t(n.text)] = std::move(s);
        else
            n.text = addText(std::move(s));
    }

    /// Removes every node from index `size` on (and the texts from `texts` on), unlinking
    /// them from the nodes that stay: undoes what was appended since size() was `size`.
    void truncate(size_t size, size_t texts)
    {
        if (size >= m_nodes.size())
            return;
        m_nodes.resize(size);
        if (texts < m_texts.size())
            m_texts.resize(texts);
        const auto limit = int32_t(size);
        for (FieldNode &n : m_nodes) {
            if (n.firstChild >= limit)
                n.firstChild = n.lastChild = -1;
            if (n.next >= limit)
                n.next = -1;
            if (n.text >= int32_t(m_texts.size()))
                n.text = -1;
        }
        // A parent whose last children went keeps its first ones: find its new last child.
        for (size_t i = 0; i < m_nodes.size(); ++i) {
            FieldNode &n = m_nodes[i];
            if (n.lastChild >= limit || (n.firstChild >= 0 && n.lastChild < 0)) {
                int32_t c = n.firstChild;
                while (m_nodes[size_t(c)].next >= 0)
                    c = m_nodes[size_t(c)].next;
                n.lastChild = c;
            }
        }
    }
    size_t textCount() const { return m_texts.size(); }

    /// Calls `fn(index)` for every node below the root, depth-first in tree order: the order
    /// in which tshark reports several occurrences of a field.
    template <class Fn> void forEachDepthFirst(Fn &&fn) const
    {
        int32_t i = m_nodes[0].firstChild;
        while (i >= 0) {
            fn(i);
            if (node(i).firstChild >= 0) {
                i = node(i).firstChild;
                continue;
            }
            while (i >= 0 && node(i).next < 0)
                i = node(i).parent;
            if (i >= 0)
                i = node(i).next;
        }
    }

    /// The most specific visible node whose bytes hold `frameOffset` (the last in tree order,
    /// as Wireshark picks it), or -1: what a click in the hex pane selects.
    int32_t nodeAt(uint32_t frameOffset) const;

private:
    std::vector<FieldNode> m_nodes;
    std::vector<std::string> m_texts;
};

} // namespace pl
