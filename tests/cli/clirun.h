#pragma once

// Runs the built packetlens-cli (or tshark) and captures what it prints, for tests that
// check the command line the way a user's script would see it.

#include "corpusfiles.h"

#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

namespace pltest {

struct RunResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline RunResult runProgram(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    RunResult r;
    if (!p.waitForFinished(120000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

inline RunResult runCli(const QStringList &args)
{
    return runProgram(QStringLiteral(PACKETLENS_CLI), args);
}

inline QString corpusFile(const QString &relative)
{
    return corpusDir() + QLatin1Char('/') + relative;
}

inline QString tsharkPath()
{
    return QStandardPaths::findExecutable(QStringLiteral("tshark"));
}

} // namespace pltest
