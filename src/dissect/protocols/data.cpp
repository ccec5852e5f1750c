// Data: bytes no dissector claimed, shown with their length so nothing is ever dropped.

#include "dissection.h"
#include "textformat.h"

namespace pl::proto {

namespace {

enum F { Data, Len, Count };

constexpr FieldDef kFields[] = {
    {"data.data", "Data", FieldType::Bytes},
    {"data.len", "Length", FieldType::UInt32, Base::Dec},
};
static_assert(std::size(kFields) == Count);

FieldBlock s_f;

void dissectData(Dissection &d, const Reader &r, Item parent)
{
    const size_t len = r.captured();
    Item data = d.addProtocol(parent, s_f.protocol(), r, 0, len);
    if (data) {
        std::string label = "Data (";
        text::appendUInt(label, len);
        label += " bytes)";
        d.setText(data, std::move(label));
    }
    // Summary mode gets here only when a display filter reads fields: they are collected.
    d.addBytes(data, s_f[Data], r, 0, len);
    d.addGenerated(data, s_f[Len], len);
}

} // namespace

void register_data(Registry &reg)
{
    s_f = reg.addProtocol({"data", "Data", "Data"}, kFields);
    // Whether bytes are left as data can depend on earlier frames: a heuristic that took the
    // conversation (TLS, QUIC) claims what it would not recognise alone.
    reg.setCrossFrame(s_f.protocol());
    for (int f = 0; f < Count; ++f)
        reg.setCrossFrame(s_f[f]);
    reg.addDissector(Table::Core, CoreData, dissectData);
}

} // namespace pl::proto
