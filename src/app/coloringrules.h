#pragma once

#include "analysis/displayfilter.h"

#include <QColor>
#include <QList>
#include <QPair>
#include <QString>

#include <vector>

namespace pl {

/// One coloring rule: packets matching `filter` (a display filter) are drawn in these colours
/// in the packet list, unless an earlier enabled rule matched first.
struct ColoringRule
{
    QString name;
    QString filter;
    QColor foreground;
    QColor background;
    bool enabled = true;

    bool operator==(const ColoringRule &other) const = default;
};

/// The coloring rules: the shipped defaults, the user's persisted set, and Wireshark's
/// `colorfilters` file format that stores both and is used for Import/Export.
///
/// The format, one rule per line, first matching rule wins:
///
///     [!]@Name@display filter@[bgRed,bgGreen,bgBlue][fgRed,fgGreen,fgBlue]
///
/// with 16-bit colour components (0-65535), BACKGROUND FIRST (Wireshark's read_filters_file
/// and write_filter), `!` for a disabled rule and `#` for comment lines. Neither field can
/// hold `@` or a line break: serialize() replaces them (see there).
class ColoringRules
{
public:
    /// The shipped rules (resources/colorfilters, embedded as a Qt resource).
    static QList<ColoringRule> defaults();
    /// The user's rules from filePath() when that file exists, else defaults(). Problems
    /// (unreadable file, bad lines, filters that no longer compile) go to `*error`, one per
    /// line, and to the log; a file that cannot be read gives defaults().
    static QList<ColoringRule> load(QString *error = nullptr);
    /// Writes `rules` to filePath() atomically (a crash never leaves half a file).
    static bool save(const QList<ColoringRule> &rules, QString *error);
    /// Where load() and save() keep the rules: AppConfigLocation/colorfilters.
    static QString filePath();

    /// Reads Wireshark's colorfilters format. Returns every rule it could read. Like
    /// Wireshark, an enabled rule whose filter does not compile is kept but disabled. Each
    /// line it skipped (no `@`, empty name or filter, missing or out-of-range colours) or
    /// whose rule it disabled is reported in `*error` as `Line N: reason`, one per line;
    /// `*error` is empty when every line was fine.
    static QList<ColoringRule> parse(const QString &text, QString *error);
    /// Writes `rules` in Wireshark's format, with a `#` header line. A line break in a name
    /// or filter becomes a space; `@`, which the format cannot hold, becomes U+FF20 (＠) in a
    /// name and `\x40` in a filter (where it can only appear inside a string literal, and
    /// means the same there). An invalid colour is written as black (foreground) or white
    /// (background).
    static QString serialize(const QList<ColoringRule> &rules);

    /// Why `filter` cannot be used for a rule (it is empty or does not compile); empty when
    /// it can.
    static QString filterError(const QString &filter);

    /// What the packet list needs: the enabled rules whose filter compiles, in priority
    /// order, as compiled filters (for PacketStore::setColoringRules) and their
    /// (foreground, background) colours (for PacketListModel::setRuleColors), index for index.
    struct Compiled
    {
        std::vector<DisplayFilter> filters;
        QList<QPair<QColor, QColor>> colors;
    };
    static Compiled compileEnabled(const QList<ColoringRule> &rules);
};

} // namespace pl
