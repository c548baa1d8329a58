-- Fresh planner statistics after a bulk COPY into staging, so the gate's joins are planned for
-- the real row counts (stale ones pick nested merge joins that rescan millions of rows).
analyze staging.number_features
