#pragma once

// The shared capture corpus (../shared/corpus, passed in PACKETLENS_CORPUS by ctest): every
// capture file in it, so that a file added there is tested without anyone editing a list.

#include <QDir>
#include <QDirIterator>
#include <QString>
#include <QStringList>

namespace pltest {

inline QString corpusDir()
{
    return qEnvironmentVariable("PACKETLENS_CORPUS");
}

inline bool haveCorpus()
{
    return !corpusDir().isEmpty() && QDir(corpusDir()).exists();
}

/// Paths relative to the corpus of every pcap/pcapng file, sorted; the libpcap/ files, which
/// a reader must refuse, are left out.
inline QStringList corpusCaptures()
{
    QDirIterator it(corpusDir(), {QStringLiteral("*.pcap"), QStringLiteral("*.pcapng")},
                    QDir::Files, QDirIterator::Subdirectories);
    QStringList files;
    while (it.hasNext()) {
        const QString relative = QDir(corpusDir()).relativeFilePath(it.next());
        if (!relative.startsWith(QLatin1String("libpcap/")))
            files << relative;
    }
    files.sort();
    return files;
}

} // namespace pltest
