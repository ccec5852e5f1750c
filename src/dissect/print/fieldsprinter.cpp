#include "fieldsprinter.h"

#include "dissect/fieldformat.h"

namespace pl::print {

namespace {

// tshark spells a few characters as /t, /s; anything else is taken as the character.
bool parseChar(const std::string &value, char &out)
{
    if (value == "/t")
        out = '\t';
    else if (value == "/s")
        out = ' ';
    else if (value.size() == 1)
        out = value[0];
    else
        return false;
    return true;
}

} // namespace

bool FieldsOptions::set(const std::string &option, std::string &error)
{
    const size_t eq = option.find('=');
    const std::string name = option.substr(0, eq);
    const std::string value = eq == std::string::npos ? std::string() : option.substr(eq + 1);
    bool ok = true;
    if (name == "header") {
        ok = value == "y" || value == "n";
        header = value == "y";
    } else if (name == "separator") {
        ok = parseChar(value, separator);
    } else if (name == "aggregator") {
        ok = parseChar(value, aggregator);
    } else if (name == "quote") {
        ok = value == "d" || value == "s" || value == "n";
        quote = value == "d" ? '"' : value == "s" ? '\'' : 0;
    } else if (name == "occurrence") {
        ok = value == "f" || value == "l" || value == "a";
        if (ok)
            occurrence = value[0];
    } else if (name == "bom") {
        ok = value == "n";
    } else {
        error = "Invalid -E option \"" + option +
                "\" (known: header=y|n, separator=/t|/s|<char>, aggregator=,|/s|<char>, "
                "quote=d|s|n, occurrence=f|l|a)";
        return false;
    }
    if (!ok)
        error = "Invalid -E value in \"" + option + "\"";
    return ok;
}

namespace {

bool onlyNone(const Registry &reg, std::string_view name)
{
    for (FieldId id : reg.fieldsNamed(name))
        if (reg.field(id).type != FieldType::None)
            return false;
    return true;
}

} // namespace

FieldsPrinter::FieldsPrinter(std::vector<std::string> fields, FieldsOptions options)
    : m_names(std::move(fields)), m_options(options)
{
    const Registry &reg = Registry::instance();
    m_columnsOf.resize(reg.fieldCount());
    m_values.resize(m_names.size());
    for (size_t col = 0; col < m_names.size(); ++col)
        for (FieldId id : reg.fieldsNamed(m_names[col]))
            m_columnsOf[size_t(id)].push_back(uint16_t(col));
}

std::vector<std::string> FieldsPrinter::unknownFields() const
{
    std::vector<std::string> unknown;
    for (const std::string &name : m_names)
        if (Registry::instance().fieldsNamed(name).empty())
            unknown.push_back(name);
    return unknown;
}

void FieldsPrinter::appendHeader(std::string &out) const
{
    for (size_t col = 0; col < m_names.size(); ++col) {
        if (col)
            out += m_options.separator;
        out += m_names[col];
    }
    out += '\n';
}

void FieldsPrinter::appendRow(std::string &out, const Dissection &d)
{
    for (auto &v : m_values)
        v.clear();
    const FieldTree &tree = d.fieldTree();
    tree.forEachDepthFirst([&](int32_t i) {
        const FieldNode &n = tree.node(i);
        if (n.field < 0)
            return;
        for (uint16_t col : m_columnsOf[size_t(n.field)]) {
            std::string value;
            // tshark prints a present field without a value (FT_NONE) as 1; a name that
            // also has a typed field (dhcp.server: a string, or "not given") prints empty.
            const FieldDef &def = d.registry().field(n.field);
            if (def.type == FieldType::None && onlyNone(d.registry(), def.abbrev))
                value = "1";
            else
                fieldformat::appendValue(value, d.registry(), tree, i, d.nodeData(n));
            m_values[col].push_back(std::move(value));
        }
    });
    for (size_t col = 0; col < m_values.size(); ++col) {
        if (col)
            out += m_options.separator;
        const auto &vals = m_values[col];
        if (vals.empty())
            continue;
        if (m_options.quote)
            out += m_options.quote;
        if (m_options.occurrence == 'f') {
            out += vals.front();
        } else if (m_options.occurrence == 'l') {
            out += vals.back();
        } else {
            for (size_t k = 0; k < vals.size(); ++k) {
                if (k)
                    out += m_options.aggregator;
                out += vals[k];
            }
        }
        if (m_options.quote)
            out += m_options.quote;
    }
    out += '\n';
}

} // namespace pl::print
