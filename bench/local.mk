# Benchmarks (issue 5).
