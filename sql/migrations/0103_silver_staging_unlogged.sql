-- Silver's staging tables hold one write between COPY and publish: skip the WAL for them
-- (after a server crash they come back empty, which only loses rows kept for inspection).
alter table staging.number_features set unlogged;
alter table staging.feature_draws set unlogged;
alter table staging.prediction_scores set unlogged;
