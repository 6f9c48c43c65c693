#include "distribution.h"

#include <algorithm>
#include <cmath>

namespace cachelab {

ZipfDistribution::ZipfDistribution(int n, double s)
{
    m_cdf.resize(std::size_t(std::max(1, n)));
    double sum = 0;
    for (std::size_t r = 0; r < m_cdf.size(); ++r) {
        sum += 1.0 / std::pow(double(r + 1), s);
        m_cdf[r] = sum;
    }
    for (double &c : m_cdf)
        c /= sum;
    m_cdf.back() = 1.0;

    // One bucket per rank: a draw then scans about one entry past its bucket's start.
    m_guide.resize(m_cdf.size());
    std::size_t rank = 0;
    for (std::size_t j = 0; j < m_guide.size(); ++j) {
        const double start = double(j) / double(m_guide.size());
        while (m_cdf[rank] <= start)
            ++rank;
        m_guide[j] = int(rank);
    }
}

int ZipfDistribution::rankAt(double u) const
{
    // The bucket of u starts at or before the answer, and the answer is where a binary search
    // (std::upper_bound) would land: the first rank with CDF > u. m_cdf.back() is 1 > u.
    // (u * size rounds up to size for u just below 1: that is the last bucket too.)
    const std::size_t bucket =
        std::min(m_guide.size() - 1, std::size_t(u * double(m_guide.size())));
    std::size_t rank = std::size_t(m_guide[bucket]);
    while (m_cdf[rank] <= u)
        ++rank;
    return int(rank);
}

double ZipfDistribution::probability(int rank) const
{
    if (rank < 0 || rank >= size())
        return 0;
    return rank == 0 ? m_cdf[0] : m_cdf[std::size_t(rank)] - m_cdf[std::size_t(rank) - 1];
}

} // namespace cachelab
