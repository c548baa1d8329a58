-- Fresh planner statistics after a bulk COPY into staging, so the gate's joins are planned for
-- the real row counts (stale ones pick nested merge joins that rescan millions of rows). Only
-- the columns the gate and the publish filter, join and group on: the statistics of the
-- counts themselves steer no plan, and sampling them was most of the ANALYZE.
analyze staging.number_features (staging_id, draw_date, ball_type, number)
