-- purpose: the most recent gate run of one stage for one game (at or after %(since)s), with its
-- blocking failures counted: what `certify` requires to have passed before a layer's Asset is
-- emitted. Grain: one row (or none).
select gate_run_id,
       max(checked_at)                                          as checked_at,
       min(partition)                                           as partition,
       count(*)                                                 as expectations,
       count(*) filter (where not success and severity = 'error') as failures,
       bool_or(skipped)                                         as skipped
from ops.dq_results
where stage = %(stage)s and game = %(game)s
  and checked_at >= coalesce(%(since)s::timestamptz, '-infinity'::timestamptz)
group by gate_run_id
order by max(checked_at) desc
limit 1;
