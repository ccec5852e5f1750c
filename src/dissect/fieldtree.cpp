#include "fieldtree.h"

namespace pl {

int32_t FieldTree::nodeAt(uint32_t frameOffset) const
{
    int32_t found = -1;
    int32_t i = node(root()).firstChild;
    while (i >= 0) {
        const FieldNode &n = node(i);
        const bool holds = !(n.flags & Hidden) && n.length > 0 && frameOffset >= n.offset &&
                           frameOffset - n.offset < n.length;
        if (holds) {
            found = i;
            i = n.firstChild; // descend: a child is more specific
        } else {
            i = n.next;
        }
    }
    return found;
}

} // namespace pl
