#include "filterbuilder.h"

#include "dissect/fieldformat.h"
#include "dissect/registry.h"
#include "dissect/textformat.h"

#include <QStringDecoder>

namespace pl {

namespace {

// Whether `s` decodes as UTF-8 without error.
bool isUtf8(const std::string &s)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder.decode(QByteArrayView(s.data(), qsizetype(s.size())));
    return !decoder.hasError();
}

} // namespace

QString FilterBuilder::quoted(const std::string &s)
{
    // Bytes that are not UTF-8 go out one by one as \xNN, so the literal holds the same bytes.
    const bool utf8 = isUtf8(s);
    std::string out = "\"";
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char ch : s) {
        const auto c = uint8_t(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += ch;
        }
    }
    out += '"';
    return QString::fromUtf8(out.data(), qsizetype(out.size()));
}

QString FilterBuilder::expression(const Registry &registry, const FieldTree &tree, int32_t node,
                                  const uint8_t *frame)
{
    if (node <= 0 || size_t(node) >= tree.size())
        return {};
    const FieldNode &n = tree.node(node);
    if (n.field < 0)
        return {};
    const FieldDef &def = registry.field(n.field);
    const QString name = QString::fromUtf8(def.abbrev.data(), qsizetype(def.abbrev.size()));
    std::string value;
    switch (def.type) {
    case FieldType::None:
    case FieldType::Protocol:
        return name; // presence
    case FieldType::Bytes:
        // The filter language reads bytes with separators (`01:02:03`); plain hex as tshark
        // prints it could be taken for a number.
        if (n.length > 0)
            text::appendHexBytes(value, frame + n.offset, n.length, ':');
        break;
    case FieldType::String: {
        const std::string *t = tree.text(n.text);
        if (!t)
            return name;
        return name + QStringLiteral(" == ") + quoted(*t);
    }
    case FieldType::AbsTime:
        fieldformat::appendValue(value, registry, tree, node, frame);
        if (def.base != Base::Dec && !value.empty()) // a date: a string literal
            return name + QStringLiteral(" == ") + quoted(value);
        break;
    default:
        fieldformat::appendValue(value, registry, tree, node, frame);
        break;
    }
    if (value.empty())
        return name; // nothing to compare (an address cut short): presence
    return name + QStringLiteral(" == ") + QString::fromStdString(value);
}

QString FilterBuilder::combine(const QString &current, const QString &expression, Combine how)
{
    const QString e = expression.trimmed();
    if (e.isEmpty())
        return current;
    const QString negated = QStringLiteral("!(") + e + QLatin1Char(')');
    const QString old = current.trimmed();
    switch (how) {
    case Combine::Selected:
        return e;
    case Combine::NotSelected:
        return negated;
    case Combine::AndSelected:
        return old.isEmpty() ? e : QStringLiteral("(%1) && (%2)").arg(old, e);
    case Combine::OrSelected:
        return old.isEmpty() ? e : QStringLiteral("(%1) || (%2)").arg(old, e);
    case Combine::AndNotSelected:
        return old.isEmpty() ? negated : QStringLiteral("(%1) && %2").arg(old, negated);
    case Combine::OrNotSelected:
        return old.isEmpty() ? negated : QStringLiteral("(%1) || %2").arg(old, negated);
    }
    return e;
}

} // namespace pl
