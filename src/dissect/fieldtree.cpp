#include "fieldtree.h"

namespace pl {

int32_t FieldTree::nodeAt(uint32_t frameOffset) const
{
    // Wireshark's rule for a click in the bytes: the last item in tree order (pre-order)
    // whose bytes hold the offset, hidden subtrees and generated items left out. That is the
    // most specific one: a protocol's fields come after it, a field's bits after the field
    // (and the Frame item, which holds every byte, comes first).
    int32_t found = -1;
    int32_t i = node(root()).firstChild;
    while (i >= 0) {
        const FieldNode &n = node(i);
        const bool hidden = n.flags & Hidden;
        if (!hidden && !(n.flags & Generated) && n.length > 0 && frameOffset >= n.offset &&
            frameOffset - n.offset < n.length)
            found = i;
        if (!hidden && n.firstChild >= 0) {
            i = n.firstChild;
            continue;
        }
        while (i >= 0 && node(i).next < 0)
            i = node(i).parent;
        if (i >= 0)
            i = node(i).next;
    }
    return found;
}

} // namespace pl
