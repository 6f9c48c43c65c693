#pragma once

#include "../time/random.h"

#include <vector>

namespace cachelab {

/// Draws key ranks 0..n-1 with Zipf's law: rank r has weight 1/(r+1)^s. The CDF is computed
/// once; each draw is one uniform number u and the first rank whose cumulative share exceeds
/// u — deterministic for a seed. A guide table (Chen and Asau's indexed search) says where
/// to start looking for each u, so a draw reads a cache line or two instead of searching.
class ZipfDistribution
{
public:
    ZipfDistribution(int n, double s);
    int operator()(Random &random) const { return rankAt(random.uniform()); }
    /// The rank a uniform number u in [0, 1) stands for: the first whose cumulative() > u.
    int rankAt(double u) const;
    /// The share of draws that land on ranks 0..r.
    double cumulative(int rank) const { return m_cdf[std::size_t(rank)]; }
    /// The theoretical probability of rank r.
    double probability(int rank) const;
    int size() const { return int(m_cdf.size()); }

private:
    std::vector<double> m_cdf;
    std::vector<int> m_guide; // m_guide[j]: the first rank whose CDF exceeds j / m_guide.size()
};

} // namespace cachelab
