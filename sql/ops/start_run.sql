-- ops.runs (grain: one row per step execution; key run_id): a step starts.
insert into ops.runs (run_id, step, game, partition, params, code_version, skip_checks)
values (%(run_id)s, %(step)s, %(game)s, %(partition)s, %(params)s::jsonb, %(code_version)s,
        %(skip_checks)s)
