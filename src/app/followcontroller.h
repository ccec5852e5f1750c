#pragma once

#include "analysis/streamfollower.h"

#include <QObject>

#include <functional>

class QAction;
class QMenu;
class QWidget;

namespace pl {

class PacketStore;

/// Analyze ▸ Follow ▸ TCP Stream / UDP Stream (and the packet list's context menu): finds the
/// selected packet's stream, gathers its bytes from the capture file on a worker thread
/// behind a cancellable progress dialog, applies the stream's display filter and opens a
/// FollowStreamDialog.
class FollowController : public QObject
{
    Q_OBJECT
public:
    /// `currentRow` gives the selected packet's row (-1: none); `applyFilter` sets the main
    /// display filter. The actions go into `analyzeMenu` under Follow.
    FollowController(PacketStore *store, QWidget *window, QMenu *analyzeMenu,
                     std::function<qsizetype()> currentRow,
                     std::function<bool(const QString &)> applyFilter, QObject *parent);

    /// Adds the Follow submenu (for the packet list's context menu).
    void addTo(QMenu *menu);
    /// The stream index of `row` for `kind`, or -1 when the packet is not in such a stream.
    qint64 streamOf(qsizetype row, FollowedStream::Kind kind) const;
    /// Gathers stream `index` (false when cancelled or unreadable; `error` says why).
    bool gather(FollowedStream::Kind kind, uint32_t index, FollowedStream &out, QString *error);
    /// The whole action on the selected packet: false when it is in no such stream.
    bool follow(FollowedStream::Kind kind);

signals:
    /// A dialog was opened (tests close it).
    void dialogOpened(QWidget *dialog);

private:
    void updateActions();

    PacketStore *m_store;
    QWidget *m_window;
    std::function<qsizetype()> m_currentRow;
    std::function<bool(const QString &)> m_applyFilter;
    QMenu *m_menu = nullptr;
    QAction *m_tcp = nullptr;
    QAction *m_udp = nullptr;
};

} // namespace pl
