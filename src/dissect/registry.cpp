#include "registry.h"

#include <algorithm>

namespace pl {

const Registry &Registry::instance()
{
    static const Registry registry = [] {
        Registry r;
        registerAllProtocols(r);
        return r;
    }();
    return registry;
}

FieldBlock Registry::addProtocol(ProtocolInfo info, std::span<const FieldDef> fields)
{
    const FieldDef protocol{info.filterName, info.longName, FieldType::Protocol};
    const FieldId protocolId = addFields(std::span(&protocol, 1))[0];
    return FieldBlock(addFields(fields)[0], protocolId);
}

FieldBlock Registry::addFields(std::span<const FieldDef> fields)
{
    const auto base = FieldId(m_fields.size());
    for (const FieldDef &f : fields) {
        // Wireshark allows one abbreviation for several fields (same name, other parent).
        m_byName[f.abbrev].push_back(FieldId(m_fields.size()));
        m_fields.push_back(f);
    }
    return FieldBlock(base);
}

void Registry::addDissector(Table table, uint32_t key, DissectFn fn)
{
    auto &t = m_tables[size_t(table)];
    auto it = std::lower_bound(t.begin(), t.end(), key,
                               [](const auto &e, uint32_t k) { return e.first < k; });
    if (it != t.end() && it->first == key)
        it->second = fn;
    else
        t.insert(it, {key, fn});
}

void Registry::setCrossFrame(FieldId f)
{
    if (f < 0 || size_t(f) >= m_fields.size())
        return; // not a field: nothing to declare
    if (m_crossFrame.size() < m_fields.size())
        m_crossFrame.resize(m_fields.size());
    m_crossFrame[size_t(f)] = std::max<uint8_t>(m_crossFrame[size_t(f)], 1);
}

void Registry::setCrossConversation(FieldId f)
{
    setCrossFrame(f);
    if (f >= 0 && size_t(f) < m_fields.size())
        m_crossFrame[size_t(f)] = 2;
}

FieldId Registry::findField(std::string_view abbrev) const
{
    auto it = m_byName.find(abbrev);
    return it == m_byName.end() ? -1 : it->second.front();
}

std::span<const FieldId> Registry::fieldsNamed(std::string_view abbrev) const
{
    auto it = m_byName.find(abbrev);
    return it == m_byName.end() ? std::span<const FieldId>() : std::span(it->second);
}

} // namespace pl
