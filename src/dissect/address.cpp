#include "address.h"

#include "textformat.h"

namespace pl {

void Address::appendTo(std::string &out) const
{
    switch (type) {
    case None:
        break;
    case Ether:
        text::appendEther(out, bytes);
        break;
    case IPv4:
        text::appendIPv4(out, bytes);
        break;
    case IPv6:
        text::appendIPv6(out, bytes);
        break;
    }
}

} // namespace pl
