#pragma once

#include <QtGlobal>

namespace cachelab {

/// A small, fast, seedable generator (xoshiro256**), so a seed fixes a run on every machine
/// and every standard library (std::uniform_*_distribution is not portable).
class Random
{
public:
    explicit Random(quint64 seed = 1) { reseed(seed); }

    void reseed(quint64 seed)
    {
        quint64 x = seed;
        for (auto &s : m_state) {
            // splitmix64 spreads a small seed over the whole state.
            x += 0x9e3779b97f4a7c15ULL;
            quint64 z = x;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            s = z ^ (z >> 31);
        }
    }

    quint64 next()
    {
        const quint64 result = rotl(m_state[1] * 5, 7) * 9;
        const quint64 t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

    /// Uniform in [0, 1).
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    /// Uniform integer in [0, n).
    quint64 below(quint64 n) { return n ? quint64(uniform() * double(n)) : 0; }

private:
    static quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }
    quint64 m_state[4];
};

} // namespace cachelab
