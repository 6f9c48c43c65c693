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
}

int ZipfDistribution::operator()(Random &random) const
{
    const double u = random.uniform();
    return int(std::upper_bound(m_cdf.begin(), m_cdf.end(), u) - m_cdf.begin());
}

double ZipfDistribution::probability(int rank) const
{
    if (rank < 0 || rank >= size())
        return 0;
    return rank == 0 ? m_cdf[0] : m_cdf[std::size_t(rank)] - m_cdf[std::size_t(rank) - 1];
}

} // namespace cachelab
