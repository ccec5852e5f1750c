#include "coloringrules.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

namespace pl {

namespace {

Q_LOGGING_CATEGORY(lcColoring, "packetlens.coloring")

QString tr(const char *text)
{
    return QCoreApplication::translate("ColoringRules", text);
}

const QString kResource = QStringLiteral(":/packetlens/colorfilters");

// `[r,g,b][r,g,b]` after the filter's closing '@'. Wireshark reads it with
// fscanf("[%hu,%hu,%hu][%hu,%hu,%hu]"), which allows blanks before each number.
const QRegularExpression &colorsPattern()
{
    static const QRegularExpression re(
        QStringLiteral(R"(^\[\s*(\d+),\s*(\d+),\s*(\d+)\]\[\s*(\d+),\s*(\d+),\s*(\d+)\](.*)$)"));
    return re;
}

QColor color16(const QRegularExpressionMatch &m, int first, bool *ok)
{
    quint16 c[3];
    for (int i = 0; i < 3; ++i) {
        bool numberOk = false;
        const uint v = m.captured(first + i).toUInt(&numberOk);
        if (!numberOk || v > 65535) {
            *ok = false;
            return {};
        }
        c[i] = quint16(v);
    }
    return QColor::fromRgba64(c[0], c[1], c[2]);
}

QString components16(const QColor &color, const QColor &fallback)
{
    const QRgba64 c = (color.isValid() ? color : fallback).rgba64();
    return QStringLiteral("[%1,%2,%3]").arg(c.red()).arg(c.green()).arg(c.blue());
}

QString oneLine(QString s)
{
    s.replace(QLatin1String("\r\n"), QLatin1String(" "));
    s.replace(QLatin1Char('\n'), QLatin1Char(' '));
    s.replace(QLatin1Char('\r'), QLatin1Char(' '));
    return s;
}

} // namespace

QList<ColoringRule> ColoringRules::defaults()
{
    QFile file(kResource);
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcColoring) << "the default coloring rules resource is missing";
        return {};
    }
    QString error;
    QList<ColoringRule> rules = parse(QString::fromUtf8(file.readAll()), &error);
    if (!error.isEmpty()) // a bug in resources/colorfilters: the tests check it is clean
        qCWarning(lcColoring).noquote() << "default coloring rules:" << error;
    return rules;
}

QString ColoringRules::filePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QLatin1String("/colorfilters");
}

QList<ColoringRule> ColoringRules::load(QString *error)
{
    const QString path = filePath();
    QString problems;
    QList<ColoringRule> rules;
    QFile file(path);
    if (!QFileInfo::exists(path)) {
        rules = defaults();
    } else if (!file.open(QIODevice::ReadOnly)) {
        problems = tr("Cannot read %1: %2. Using the default coloring rules.")
                       .arg(QDir::toNativeSeparators(path), file.errorString());
        rules = defaults();
    } else {
        rules = parse(QString::fromUtf8(file.readAll()), &problems);
        if (!problems.isEmpty())
            problems.prepend(QDir::toNativeSeparators(path) + QLatin1Char('\n'));
    }
    if (!problems.isEmpty())
        qCWarning(lcColoring).noquote() << problems;
    if (error)
        *error = problems;
    return rules;
}

bool ColoringRules::save(const QList<ColoringRule> &rules, QString *error)
{
    const QString path = filePath();
    const QString dir = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(dir)) {
        if (error)
            *error = tr("Cannot create the folder %1.").arg(QDir::toNativeSeparators(dir));
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(serialize(rules).toUtf8()) < 0 ||
        !file.commit()) {
        if (error)
            *error =
                tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

QList<ColoringRule> ColoringRules::parse(const QString &text, QString *error)
{
    QList<ColoringRule> rules;
    QStringList problems;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const qsizetype lineNumber = i + 1;
        auto problem = [&](const QString &why) {
            problems.append(tr("Line %1: %2").arg(lineNumber).arg(why));
        };
        QStringView line = QStringView(lines[i]).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        bool enabled = true;
        if (line.startsWith(QLatin1Char('!'))) { // Wireshark allows blanks after the '!'
            enabled = false;
            line = line.mid(1).trimmed();
        }
        if (!line.startsWith(QLatin1Char('@'))) {
            problem(tr("a rule starts with \"@\" (or \"!@\" when disabled), a comment with "
                       "\"#\"; line ignored"));
            continue;
        }
        const qsizetype nameEnd = line.indexOf(QLatin1Char('@'), 1);
        const qsizetype filterEnd = nameEnd < 0 ? -1 : line.indexOf(QLatin1Char('@'), nameEnd + 1);
        if (filterEnd < 0) {
            problem(tr("expected @name@filter@[colours]; line ignored"));
            continue;
        }
        ColoringRule rule;
        rule.name = line.mid(1, nameEnd - 1).toString();
        rule.filter = line.mid(nameEnd + 1, filterEnd - nameEnd - 1).toString();
        rule.enabled = enabled;
        if (rule.name.isEmpty()) {
            problem(tr("the rule has no name; line ignored"));
            continue;
        }
        if (rule.filter.trimmed().isEmpty()) {
            problem(tr("rule \"%1\" has no filter; line ignored").arg(rule.name));
            continue;
        }
        const QRegularExpressionMatch m = colorsPattern().match(line.mid(filterEnd + 1));
        if (!m.hasMatch()) {
            problem(tr("rule \"%1\": expected [background r,g,b][foreground r,g,b] after the "
                       "filter; line ignored")
                        .arg(rule.name));
            continue;
        }
        bool colorsOk = true;
        rule.background = color16(m, 1, &colorsOk);
        rule.foreground = color16(m, 4, &colorsOk);
        if (!colorsOk) {
            problem(tr("rule \"%1\": colour components go from 0 to 65535; line ignored")
                        .arg(rule.name));
            continue;
        }
        if (!m.captured(7).trimmed().isEmpty())
            problem(tr("rule \"%1\": text after the colours ignored").arg(rule.name));
        // As Wireshark does: keep the rule, disabled, so that fixing its filter in the
        // editor brings it back (Wireshark's "Disabling color filter: Could not compile").
        if (rule.enabled) {
            const QString why = filterError(rule.filter);
            if (!why.isEmpty()) {
                rule.enabled = false;
                problem(tr("rule \"%1\" disabled: %2").arg(rule.name, why));
            }
        }
        rules.append(rule);
    }
    if (error)
        *error = problems.join(QLatin1Char('\n'));
    return rules;
}

QString ColoringRules::serialize(const QList<ColoringRule> &rules)
{
    QString out = QStringLiteral("# This file was created by PacketLens in Wireshark's "
                                 "colorfilters format. Edit with care.\n");
    for (const ColoringRule &rule : rules) {
        QString name = oneLine(rule.name);
        name.replace(QLatin1Char('@'), QChar(0xFF20));
        QString filter = oneLine(rule.filter);
        filter.replace(QLatin1Char('@'), QLatin1String("\\x40"));
        if (!rule.enabled)
            out += QLatin1Char('!');
        out += QLatin1Char('@') + name + QLatin1Char('@') + filter + QLatin1Char('@') +
               components16(rule.background, Qt::white) + components16(rule.foreground, Qt::black) +
               QLatin1Char('\n');
    }
    return out;
}

QString ColoringRules::filterError(const QString &filter)
{
    if (filter.trimmed().isEmpty())
        return tr("the filter is empty");
    const QByteArray utf8 = filter.toUtf8();
    const DisplayFilter compiled =
        DisplayFilter::compile(std::string_view(utf8.data(), size_t(utf8.size())));
    return compiled.ok() ? QString() : QString::fromStdString(compiled.error().text);
}

ColoringRules::Compiled ColoringRules::compileEnabled(const QList<ColoringRule> &rules)
{
    Compiled out;
    for (const ColoringRule &rule : rules) {
        if (!rule.enabled || rule.filter.trimmed().isEmpty())
            continue;
        const QByteArray utf8 = rule.filter.toUtf8();
        DisplayFilter f =
            DisplayFilter::compile(std::string_view(utf8.data(), size_t(utf8.size())));
        if (!f.ok())
            continue;
        out.filters.push_back(std::move(f));
        out.colors.append({rule.foreground, rule.background});
    }
    return out;
}

} // namespace pl
