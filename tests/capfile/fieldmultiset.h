#pragma once

// The fields one dissection collected, as a sorted multiset of occurrences, for tests that
// compare two ways of dissecting the same frames (tree vs summary mode: tst_fieldcollection;
// one session vs fresh sessions per batch: tst_crossframe).

#include "dissect/dissection.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

namespace pltest {

// One field occurrence, compared as a multiset (the order differs: the tree is nested, the
// collection flat, and the frame's own fields are added after its layers in summary mode).
struct Occurrence
{
    std::string field;
    pl::FieldId id = -1; // the same name may belong to several fields; compared by name
    uint64_t value = 0;
    uint32_t aux = 0;
    std::string text;
    uint32_t offset = 0;
    uint32_t length = 0;

    auto key() const { return std::tie(field, value, aux, text, offset, length); }
    bool operator<(const Occurrence &o) const { return key() < o.key(); }
    bool operator==(const Occurrence &o) const { return key() == o.key(); }
};

inline std::string describe(const Occurrence &o)
{
    std::string s = o.field + " value=" + std::to_string(o.value) + " aux=" + std::to_string(o.aux);
    if (!o.text.empty())
        s += " text=\"" + o.text + "\"";
    s += " at " + std::to_string(o.offset) + "+" + std::to_string(o.length);
    return s;
}

/// Every field node of `d`'s tree (the whole tree in tree mode, the collected fields in
/// summary mode), sorted.
inline std::vector<Occurrence> occurrences(const pl::Dissection &d)
{
    const pl::FieldTree &t = d.fieldTree();
    const pl::Registry &reg = d.registry();
    std::vector<Occurrence> out;
    for (size_t i = 1; i < t.size(); ++i) {
        const pl::FieldNode &n = t.node(int32_t(i));
        if (n.field < 0)
            continue;
        const pl::FieldDef &def = reg.field(n.field);
        Occurrence o;
        o.field = std::string(def.abbrev);
        o.id = n.field;
        o.value = n.value;
        o.aux = n.aux;
        // A String's text is its value; other fields' texts are tree labels, which summary
        // mode does not build.
        if (const std::string *s = t.text(n.text); s && def.type == pl::FieldType::String)
            o.text = *s;
        // Offsets and lengths are compared for every field (generated ones have none, or
        // the bytes they were computed from, alike in both modes), except a Protocol's
        // length: the tree shortens its item to the header (setLength), while what a filter
        // reads is its extent, [offset, offset + value), compared through value.
        o.offset = n.offset;
        if (def.type != pl::FieldType::Protocol)
            o.length = n.length;
        out.push_back(std::move(o));
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// The occurrences only `a` has and those only `b` has (both sorted, as occurrences() gives).
inline void difference(const std::vector<Occurrence> &a, const std::vector<Occurrence> &b,
                       std::vector<Occurrence> &onlyA, std::vector<Occurrence> &onlyB)
{
    onlyA.clear();
    onlyB.clear();
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(onlyA));
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(onlyB));
}

} // namespace pltest
