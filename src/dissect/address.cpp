#include "address.h"

#include "textformat.h"

namespace pl {

void Address::appendTo(std::string &out) const
{
    char buf[kMaxText];
    out.append(buf, size_t(writeTo(buf) - buf));
}

char *Address::writeTo(char *o) const
{
    static_assert(kMaxText >= text::kMaxIPv6Text && kMaxText > text::kMaxIPv4Text &&
                  kMaxText > text::kMaxEtherText);
    switch (type) {
    case None:
        break;
    case Ether:
        return text::writeEther(o, bytes);
    case IPv4:
        return text::writeIPv4(o, bytes);
    case IPv6:
        return text::writeIPv6(o, bytes);
    }
    return o;
}

} // namespace pl
