// An interface as capture::listInterfaces() would list it, for models fed by a fake source.
#pragma once

#include "capture/interfacelist.h"

namespace pltest {

/// Up and running, Ethernet unless `linkType` says otherwise (0: one PacketRing cannot capture).
inline pl::capture::InterfaceInfo fakeInterface(int index, const char *name, uint32_t linkType = 1)
{
    pl::capture::InterfaceInfo i;
    i.index = index;
    i.name = name;
    i.linkType = linkType;
    i.up = i.running = true;
    return i;
}

} // namespace pltest
