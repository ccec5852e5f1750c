#pragma once

#include <memory>
#include <vector>

namespace pl {

/// State that lives across the frames of one capture (TCP conversations for relative
/// sequence numbers, later reassembly). Each protocol keeps its own type here, created on
/// first use, so the session knows nothing about protocols.
///
/// Frames must be dissected in capture order the first time for the state to be right.
class Session
{
public:
    template <class T> T &state()
    {
        const size_t k = key<T>();
        if (m_states.size() <= k)
            m_states.resize(k + 1);
        if (!m_states[k])
            m_states[k] = Holder(new T, Deleter{[](void *p) { delete static_cast<T *>(p); }});
        return *static_cast<T *>(m_states[k].get());
    }

    void clear() { m_states.clear(); }

private:
    struct Deleter
    {
        void (*destroy)(void *) = nullptr;
        void operator()(void *p) const { destroy(p); }
    };
    using Holder = std::unique_ptr<void, Deleter>;
    static size_t nextKey();
    template <class T> static size_t key()
    {
        static const size_t k = nextKey();
        return k;
    }
    std::vector<Holder> m_states;
};

} // namespace pl
