// Waits for a PacketStore's first pass, for tests that look at every row.
#pragma once

#include "analysis/packetstore.h"

#include <QSignalSpy>

namespace pltest {

/// true once `store` has read its file to the end (or damage, or cancel).
inline bool waitLoaded(pl::PacketStore &store, int timeoutMs = 60000)
{
    if (!store.isLoading())
        return true;
    QSignalSpy done(&store, &pl::PacketStore::loadingFinished);
    return done.wait(timeoutMs) || !store.isLoading();
}

} // namespace pltest
