# metrics: counters and histograms for GET /metrics (Prometheus text).
LIB_SRCS += metrics/metrics.c
UNIT_TESTS += tests/unit/test_metrics.c
