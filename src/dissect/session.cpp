#include "session.h"

#include <atomic>

namespace pl {

size_t Session::nextKey()
{
    static std::atomic<size_t> counter{0};
    return counter++;
}

} // namespace pl
